#!/usr/bin/env bash
# The steps of the composite GitHub Action in action.yml, kept here so that
# the shellcheck linter can read them and tests/integration_cli.rs can run them.
#
#   github-action.sh key       where the binary is cached, and the cache key
#   github-action.sh install   cargo install into that directory (skipped when
#                              the binary is already there)
#   github-action.sh run       run citelint; write exit-code (and sarif-file)
#                              to $GITHUB_OUTPUT and a summary when the format
#                              does not write one itself
#
# Inputs arrive as ACTION_* environment variables (never interpolated into
# the script, so an input cannot inject shell code).
set -euo pipefail

# The action's own checkout: the directory above this script.
action_path="${ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

output() {
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}

# A hash of everything the binary is built from: the action's ref alone is
# not enough (`uses: ./` has none), and hashFiles() only sees the workspace.
source_hash() {
  (
    cd "$action_path"
    find Cargo.toml Cargo.lock src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -c1-16
}

cmd_key() {
  local hash dir
  hash="$(source_hash)"
  dir="${RUNNER_TOOL_CACHE:-${HOME}/.cache}/citelint-action/${hash}"
  output dir "$dir"
  output key "citelint-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-${hash}"
}

cmd_install() {
  local dir="${CITELINT_ROOT:?CITELINT_ROOT is the install root}"
  if [[ ! -x "$dir/bin/citelint" ]]; then
    if ! command -v cargo >/dev/null 2>&1; then
      echo "::error title=citelint::the citelint action builds citelint with cargo; set up a Rust toolchain (1.88 or newer) before it, e.g. with dtolnay/rust-toolchain"
      exit 1
    fi
    cargo install --locked --path "$action_path" --root "$dir"
  fi
  if [[ -n "${GITHUB_PATH:-}" ]]; then
    echo "$dir/bin" >>"$GITHUB_PATH"
  fi
}

# What an exit code means, for the summary and the failing step.
describe() {
  case "$1" in
    0) echo "no findings at the failing level" ;;
    1) echo "findings at the failing level" ;;
    *) echo "a usage error or a path that could not be read" ;;
  esac
}

cmd_run() {
  local bin="${CITELINT_BIN:-citelint}"
  local format="${ACTION_FORMAT:-github}"
  local fail_on="${ACTION_FAIL_ON:-}"
  local sarif_file="${ACTION_SARIF_FILE:-}"
  local -a paths args
  # White-space separated, never glob-expanded (directories are walked).
  set -f
  # shellcheck disable=SC2206 # splitting is the point
  paths=(${ACTION_PATHS:-.})
  # shellcheck disable=SC2206
  args=(${ACTION_ARGS:-})
  set +f

  local -a cmd=("$bin" check --format "$format")
  if [[ -n "$fail_on" ]]; then
    cmd+=(--fail-on "$fail_on")
  fi
  cmd+=("${args[@]}" "${paths[@]}")

  local out code=0
  out="$(mktemp)"
  echo "+ ${cmd[*]}" >&2
  "${cmd[@]}" | tee "$out" || code=${PIPESTATUS[0]}

  if [[ -n "$sarif_file" ]]; then
    # A second run for the SARIF file; its exit code repeats the first's.
    local err sarif_code=0
    err="$(mktemp)"
    mkdir -p "$(dirname "$sarif_file")"
    rm -f "$sarif_file"
    echo "+ $bin check --format sarif --output-file $sarif_file ${args[*]} ${paths[*]}" >&2
    "$bin" check --format sarif --output-file "$sarif_file" "${args[@]}" "${paths[@]}" 2>"$err" ||
      sarif_code=$?
    if [[ ! -s "$sarif_file" ]]; then
      cat "$err" >&2
      echo "::error title=citelint::the SARIF file ${sarif_file} was not written (exit code ${sarif_code})"
      code=2
    else
      output sarif-file "$sarif_file"
    fi
    rm -f "$err"
  fi

  output exit-code "$code"
  # The github format writes the job summary itself; for the others, say
  # what happened and show the report when it is meant to be read.
  if [[ "$format" != github && -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    {
      echo "### citelint"
      echo
      echo "\`citelint check\` exited with ${code}: $(describe "$code")."
      if [[ ( "$format" == full || "$format" == concise ) && -s "$out" ]]; then
        echo
        echo '<details><summary>report</summary>'
        echo
        echo '````text'
        head -n 500 "$out"
        echo '````'
        echo
        echo '</details>'
      fi
    } >>"$GITHUB_STEP_SUMMARY"
  fi
  rm -f "$out"
}

case "${1:-}" in
  key) cmd_key ;;
  install) cmd_install ;;
  run) cmd_run ;;
  *)
    echo "usage: $0 key|install|run" >&2
    exit 2
    ;;
esac
