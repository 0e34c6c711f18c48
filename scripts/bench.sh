#!/usr/bin/env bash
# Benchmarks `citelint check --format json` against `rg -o -n '\[[0-9]+\]'`
# (a lower bound: finding the markers without understanding them) over a
# generated corpus, and reports wall time, throughput, their ratio and
# citelint's peak memory.
#
# Usage: scripts/bench.sh [--keep]
#   BENCH_SIZE_MB  corpus size to generate (default 160)
#   BENCH_DIR      where to put the corpus (default: a new temp dir, removed
#                  at the end unless --keep)
#   BENCH_RUNS     timed runs per tool (default 5)
#   BENCH_HYPERFINE=0  time with /usr/bin/time loops even if hyperfine exists
#
# Targets: citelint within 4x of ripgrep's time, peak RSS under 64 MB.
# Not run by the test suite: it takes minutes and needs ~BENCH_SIZE_MB of disk.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SIZE_MB=${BENCH_SIZE_MB:-160}
RUNS=${BENCH_RUNS:-5}
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then return 1; fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    $SUDO apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

echo "== tools"
if ! command -v rg >/dev/null 2>&1; then
  echo "installing ripgrep"
  apt_install ripgrep || { echo "rg is required (apt-get install ripgrep)" >&2; exit 1; }
fi
if [ ! -x /usr/bin/time ]; then
  echo "installing time"
  apt_install time || { echo "/usr/bin/time is required (apt-get install time)" >&2; exit 1; }
fi
if [ "${BENCH_HYPERFINE:-1}" != 0 ] && ! command -v hyperfine >/dev/null 2>&1; then
  echo "installing hyperfine"
  apt_install hyperfine || echo "hyperfine unavailable: timing with /usr/bin/time loops"
fi
HAVE_HYPERFINE=0
if [ "${BENCH_HYPERFINE:-1}" != 0 ] && command -v hyperfine >/dev/null 2>&1; then
  HAVE_HYPERFINE=1
fi
echo "rg: $(rg --version | head -n1)"
[ "$HAVE_HYPERFINE" -eq 1 ] && echo "hyperfine: $(hyperfine --version)"

echo "== build"
cargo build --release --quiet
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps \
  | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
[ -x "$TARGET_DIR/release/citelint" ] || { echo "no binary in $TARGET_DIR/release" >&2; exit 1; }

echo "== corpus"
if [ -n "${BENCH_DIR:-}" ]; then
  WORK="$BENCH_DIR"
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/citelint-bench.XXXXXX")
fi
CORPUS="$WORK/corpus"
# A private copy of the binary: a shared target directory may be rebuilt from
# another tree while the benchmark runs.
CITELINT="$WORK/citelint"
cp "$TARGET_DIR/release/citelint" "$CITELINT"
echo "citelint: $("$CITELINT" --version) (copied from $TARGET_DIR/release)"
cleanup() {
  if [ "$KEEP" -eq 0 ]; then
    rm -rf "$CORPUS" "$WORK/times" "$CITELINT"
    if [ -z "${BENCH_DIR:-}" ]; then rm -rf "$WORK"; fi
  fi
}
trap cleanup EXIT
rm -rf "$CORPUS"
mkdir -p "$CORPUS" "$WORK/times"

# Every text fixture that citelint would lint when walking a directory.
mapfile -t SOURCES < <(find "$ROOT/fixtures" -type f \
  \( -iname '*.txt' -o -iname '*.md' -o -iname '*.markdown' -o -iname '*.html' \
     -o -iname '*.htm' -o -iname '*.wiki' \) -size +0 -print | sort)
TEXT_SOURCES=()
for f in "${SOURCES[@]}"; do
  if grep -Iq . "$f"; then TEXT_SOURCES+=("$f"); fi
done
[ "${#TEXT_SOURCES[@]}" -gt 0 ] || { echo "no fixtures found" >&2; exit 1; }
echo "replicating ${#TEXT_SOURCES[@]} fixture file(s) to ${SIZE_MB} MB"

TARGET_BYTES=$((SIZE_MB * 1024 * 1024))
# Nested directories: d0..d36 / e0..e10 / f0..f4.
DIRS=()
for a in $(seq 0 36); do for b in $(seq 0 10); do for c in $(seq 0 4); do
  DIRS+=("$CORPUS/d$a/e$b/f$c")
done; done; done
mkdir -p "${DIRS[@]}"
# One awk process writes every copy. Small per-copy variations so no two files
# are identical: a tag on the first line, on each line the (copy-dependent)
# k-th " and " rewritten, and a closing line.
read -r FILES total < <(LC_ALL=C awk -v corpus="$CORPUS" -v target="$TARGET_BYTES" '
  FNR == 1 { n++; path[n] = FILENAME }
  { line[n, FNR] = $0; count[n] = FNR }
  function variant(text, k,    pos, rest, done) {
    done = ""; rest = text
    while (k > 1 && (pos = index(rest, " and ")) > 0) {
      done = done substr(rest, 1, pos + 4); rest = substr(rest, pos + 5); k--
    }
    if ((pos = index(rest, " and ")) > 0)
      rest = substr(rest, 1, pos - 1) " and also " substr(rest, pos + 5)
    return done rest
  }
  END {
    total = 0; i = 0
    while (total < target) {
      for (s = 1; s <= n && total < target; s++) {
        name = path[s]; sub(/.*\//, "", name)
        ext = name; sub(/.*\./, "", ext)
        stem = name; sub(/\.[^.]*$/, "", stem)
        out = sprintf("%s/d%d/e%d/f%d/%s-%d.%s", corpus, i % 37, int(i / 37) % 11, i % 5, stem, i, ext)
        for (l = 1; l <= count[s]; l++) {
          text = variant(line[s, l], i % 7 + 1)
          if (l == 1) text = text " (copy " i ")"
          print text > out
          total += length(text) + 1
        }
        text = "Corpus copy " i "."
        print text > out
        total += length(text) + 1
        close(out)
        i++
      }
    }
    print i, total
  }' "${TEXT_SOURCES[@]}")
MB=$(awk -v b="$total" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "corpus: $FILES files, $MB MB in $CORPUS"

RG=(rg -o -n '\[[0-9]+\]' "$CORPUS")
CL=("$CITELINT" check --format json --exit-zero "$CORPUS")

# Sanity: both tools see the corpus.
rg_matches=$("${RG[@]}" | wc -l)
echo "rg finds $rg_matches markers"
"${CL[@]}" | tail -n 7 | tr -d ' \n' | sed 's/^/citelint summary: /'; echo

echo "== timing ($RUNS runs each)"
if [ "$HAVE_HYPERFINE" -eq 1 ]; then
  hyperfine --warmup 1 --runs "$RUNS" --style basic \
    --export-json "$WORK/times/hyperfine.json" \
    -n rg "$(printf '%q ' "${RG[@]}") >/dev/null" \
    -n citelint "$(printf '%q ' "${CL[@]}") >/dev/null"
  # means, in order rg then citelint: wall, user and system seconds
  field() { grep -o "\"$1\": *[0-9.eE+-]*" "$WORK/times/hyperfine.json" | sed 's/.*: *//'; }
  mapfile -t MEANS < <(field mean)
  mapfile -t USERS < <(field user)
  mapfile -t SYSTEMS < <(field system)
  RG_S=${MEANS[0]}
  CL_S=${MEANS[1]}
  RG_CPU=$(awk -v u="${USERS[0]}" -v s="${SYSTEMS[0]}" 'BEGIN { printf "%.3f", u + s }')
  CL_CPU=$(awk -v u="${USERS[1]}" -v s="${SYSTEMS[1]}" 'BEGIN { printf "%.3f", u + s }')
else
  time_loop() { # name, command...: prints mean wall and mean CPU seconds
    local name=$1; shift
    "$@" >/dev/null # warm-up
    for _ in $(seq "$RUNS"); do
      /usr/bin/time -f '%e %U %S' -o "$WORK/times/$name.last" "$@" >/dev/null
      cat "$WORK/times/$name.last" >>"$WORK/times/$name"
    done
    awk '{ w += $1; c += $2 + $3; n++ } END { printf "%.3f %.3f\n", w / n, c / n }' "$WORK/times/$name"
  }
  read -r RG_S RG_CPU < <(time_loop rg "${RG[@]}")
  read -r CL_S CL_CPU < <(time_loop citelint "${CL[@]}")
  echo "rg: ${RG_S} s, citelint: ${CL_S} s (means of $RUNS runs)"
fi

peak_rss_kb() {
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }'
}
RG_RSS=$(peak_rss_kb "${RG[@]}")
CL_RSS=$(peak_rss_kb "${CL[@]}")

echo
echo "== results"
awk -v mb="$MB" -v files="$FILES" -v rg="$RG_S" -v cl="$CL_S" -v rgcpu="$RG_CPU" \
    -v clcpu="$CL_CPU" -v rgrss="$RG_RSS" -v clrss="$CL_RSS" -v cores="$(nproc)" \
    -v load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" 'BEGIN {
  ratio = cl / rg
  printf "machine            %d cores, load average %s (other work skews wall times)\n", cores, load
  printf "corpus             %d files, %.1f MB\n", files, mb
  printf "                   wall       throughput   CPU (user+sys)  peak RSS\n"
  printf "ripgrep            %7.3f s  %7.1f MB/s   %7.3f s      %6.1f MB\n", rg, mb / rg, rgcpu, rgrss / 1024
  printf "citelint (json)    %7.3f s  %7.1f MB/s   %7.3f s      %6.1f MB\n", cl, mb / cl, clcpu, clrss / 1024
  printf "ratio (wall)       %7.2fx   (target <= 4x: %s)\n", ratio, ratio <= 4 ? "met" : "MISSED"
  printf "ratio (CPU)        %7.2fx\n", clcpu / rgcpu
  printf "citelint peak RSS  %7.1f MB (target < 64 MB: %s)\n", clrss / 1024, clrss / 1024 < 64 ? "met" : "MISSED"
}'
if [ "$KEEP" -eq 1 ]; then echo "corpus kept in $CORPUS"; fi
exit 0
