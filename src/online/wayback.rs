//! Archives: checking a cited capture without following its redirect, and
//! finding the capture of a dead page closest before its access date.

use reqwest::Url;
use serde::Deserialize;

use super::client::{Failure, Method};
use super::hosts::HostClass;
use super::verdict::{Verdict, wayback_timestamp};
use super::{ArchiveRef, ArchiveService, Capture, Checker, Hop, Outcome, failure_outcome};

/// Checks an archive URL without following redirects: 200 is the exact
/// capture; for the Wayback Machine a redirect to another timestamp means
/// the cited capture does not exist (the redirect names the nearest one);
/// 404 means no capture.
pub(super) async fn check_archive(
    checker: &Checker,
    url: &Url,
    archive: &ArchiveRef,
    outcome: &mut Outcome,
) {
    let class = checker.class_of(url);
    let mut result = checker.request(class, url, Method::Head, false).await;
    if let Ok(r) = &result
        && matches!(r.status, 400 | 403 | 405 | 501)
    {
        result = checker.request(class, url, Method::Get, false).await;
    }
    let response = match result {
        Ok(response) => response,
        Err(failure) => return failure_outcome(outcome, &failure),
    };
    outcome.status = response.status.to_string();
    outcome.final_url = Some(url.to_string());
    outcome.verdict = match response.status {
        200..=299 => Verdict::Alive,
        300..=399 => {
            let Some(location) = response.location.as_deref().and_then(|l| url.join(l).ok()) else {
                outcome.verdict = Verdict::Unknown;
                return;
            };
            outcome.chain.push(Hop {
                url: url.to_string(),
                status: response.status,
            });
            outcome.final_url = Some(location.to_string());
            if archive.service == ArchiveService::Wayback {
                let cited = archive
                    .timestamp
                    .as_deref()
                    .or_else(|| wayback_timestamp(url.as_str()));
                let got = wayback_timestamp(location.as_str());
                if let (Some(cited), Some(got)) = (cited, got)
                    && !got.starts_with(cited)
                {
                    outcome.nearest = Some(location.to_string());
                }
            }
            Verdict::Alive
        }
        404 | 410 => Verdict::Dead,
        _ => Verdict::Unknown,
    };
}

/// The 14-digit timestamp a capture should not be later than: the end of the
/// access day, or now.
fn target_timestamp(date: Option<jiff::civil::Date>) -> String {
    match date {
        Some(d) => format!("{}235959", d.strftime("%Y%m%d")),
        None => jiff::Timestamp::now().strftime("%Y%m%d%H%M%S").to_string(),
    }
}

fn replay_url(base: &str, timestamp: &str, original: &str) -> String {
    format!("{}/web/{timestamp}/{original}", base.trim_end_matches('/'))
}

/// Finds the status-200 capture of `original` closest before `date`: CDX
/// with `closest`; when CDX fails, the availability API; when that fails
/// too, the replay redirect of `/web/<timestamp>/<url>`. `Ok(None)` means
/// the archive answered and has no capture.
pub(super) async fn find_capture(
    checker: &Checker,
    original: &str,
    date: Option<jiff::civil::Date>,
) -> Result<Option<Capture>, Failure> {
    let settings = &checker.inner.settings;
    let target = target_timestamp(date);
    if let Ok(found) = cdx(checker, original, &target).await {
        return Ok(found);
    }
    if !settings.availability_url.is_empty()
        && let Ok(found) = availability(checker, original, &target).await
    {
        return Ok(found);
    }
    replay_redirect(checker, original, &target).await
}

async fn cdx(checker: &Checker, original: &str, target: &str) -> Result<Option<Capture>, Failure> {
    let settings = &checker.inner.settings;
    let url = Url::parse_with_params(
        &settings.cdx_url,
        [
            ("url", original),
            ("output", "json"),
            ("fl", "timestamp,original,statuscode"),
            ("filter", "statuscode:200"),
            ("closest", target),
            ("sort", "closest"),
            ("limit", "10"),
        ],
    )
    .map_err(|_| Failure::BadUrl)?;
    let response = checker
        .request(HostClass::Api, &url, Method::Get, true)
        .await?;
    if response.status != 200 {
        return Err(Failure::Other(format!("CDX answered {}", response.status)));
    }
    let body = response.body.unwrap_or_default();
    if body.trim().is_empty() {
        return Ok(None);
    }
    let rows: Vec<Vec<String>> =
        serde_json::from_str(&body).map_err(|e| Failure::Other(format!("CDX JSON: {e}")))?;
    let captures: Vec<(&str, &str)> = rows
        .iter()
        .skip_while(|row| row.first().is_some_and(|c| c == "timestamp"))
        .filter(|row| row.get(2).is_none_or(|s| s == "200"))
        .filter_map(|row| Some((row.first()?.as_str(), row.get(1)?.as_str())))
        .filter(|(ts, _)| ts.len() == 14 && ts.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    Ok(
        closest_before(&captures, target).map(|(timestamp, archived)| Capture {
            url: replay_url(&settings.wayback_url, timestamp, archived),
            timestamp: timestamp.to_owned(),
        }),
    )
}

/// The latest capture not after `target`, else the earliest after it.
fn closest_before<'a>(captures: &[(&'a str, &'a str)], target: &str) -> Option<(&'a str, &'a str)> {
    captures
        .iter()
        .filter(|(ts, _)| *ts <= target)
        .max_by_key(|(ts, _)| *ts)
        .or_else(|| captures.iter().min_by_key(|(ts, _)| *ts))
        .copied()
}

#[derive(Deserialize)]
struct Availability {
    archived_snapshots: Snapshots,
}

#[derive(Deserialize)]
struct Snapshots {
    closest: Option<Snapshot>,
}

#[derive(Deserialize)]
struct Snapshot {
    #[serde(default)]
    available: bool,
    #[serde(default)]
    status: String,
    timestamp: String,
}

async fn availability(
    checker: &Checker,
    original: &str,
    target: &str,
) -> Result<Option<Capture>, Failure> {
    let settings = &checker.inner.settings;
    let url = Url::parse_with_params(
        &settings.availability_url,
        [("url", original), ("timestamp", target)],
    )
    .map_err(|_| Failure::BadUrl)?;
    let response = checker
        .request(HostClass::Api, &url, Method::Get, true)
        .await?;
    if response.status != 200 {
        return Err(Failure::Other(format!(
            "availability API answered {}",
            response.status
        )));
    }
    let parsed: Availability = serde_json::from_str(&response.body.unwrap_or_default())
        .map_err(|e| Failure::Other(format!("availability JSON: {e}")))?;
    Ok(parsed
        .archived_snapshots
        .closest
        .filter(|s| s.available && s.status == "200" && s.timestamp.len() == 14)
        .map(|s| Capture {
            url: replay_url(&settings.wayback_url, &s.timestamp, original),
            timestamp: s.timestamp,
        }))
}

async fn replay_redirect(
    checker: &Checker,
    original: &str,
    target: &str,
) -> Result<Option<Capture>, Failure> {
    let settings = &checker.inner.settings;
    let url = Url::parse(&replay_url(&settings.wayback_url, target, original))
        .map_err(|_| Failure::BadUrl)?;
    let response = checker
        .request(checker.class_of(&url), &url, Method::Head, false)
        .await?;
    match response.status {
        200 => Ok(Some(Capture {
            url: url.to_string(),
            timestamp: target.to_owned(),
        })),
        300..=399 => {
            let location = response
                .location
                .as_deref()
                .and_then(|l| url.join(l).ok())
                .ok_or(Failure::BadUrl)?;
            let timestamp = wayback_timestamp(location.as_str())
                .filter(|t| t.len() == 14)
                .ok_or_else(|| Failure::Other("replay redirect without a timestamp".into()))?
                .to_owned();
            Ok(Some(Capture {
                url: location.to_string(),
                timestamp,
            }))
        }
        404 => Ok(None),
        status => Err(Failure::Other(format!("replay answered {status}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_capture_before_the_target_wins() {
        let caps = [
            ("20150101000000", "a"),
            ("20160601000000", "b"),
            ("20160701000000", "c"),
        ];
        assert_eq!(
            closest_before(&caps, "20160615235959"),
            Some(("20160601000000", "b"))
        );
        assert_eq!(
            closest_before(&caps, "20100101000000"),
            Some(("20150101000000", "a"))
        );
        assert_eq!(closest_before(&[], "2016"), None);
        assert_eq!(
            target_timestamp(Some(jiff::civil::date(2016, 6, 3))),
            "20160603235959"
        );
    }
}
