#!/usr/bin/env bash
# Times `stackc check`, `stackc build` (every target, into a fresh folder) and `stackc build
# --target kubernetes` (the plain manifests alone, what the peers produce) on the benchmark
# fleet: whole process, median of RUNS runs after one warm-up, peak RSS from GNU time, plus the
# per-stage times of one `check --time` run.
# usage: bench/run.sh [N ...]      (default: 1000 10000 50000)
# env:   RUNS=5  STACKC=build/compiler/stackc  OUT=/tmp/stackc-bench
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
STACKC="${STACKC:-build/compiler/stackc}"
OUT="${OUT:-/tmp/stackc-bench}"
NS="${*:-1000 10000 50000}"
mkdir -p "$OUT"
[ -x "$STACKC" ] || { echo "bench: build stackc first (scripts/build.sh)" >&2; exit 2; }
echo "| N | .stack size | check wall, median s (min–max) | check peak RSS MiB | parse ms | check ms | graph ms | build wall, median s (min–max) | build peak RSS MiB | files | build --target kubernetes, median s |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $NS; do
  f="$OUT/fleet-$n.stack"
  [ -s "$f" ] || python3 bench/gen_fleet.py "$n" > "$f"
  "$STACKC" check "$f" >/dev/null 2>&1 || { echo "bench: fleet-$n does not check clean" >&2; "$STACKC" check "$f" >&2 || true; exit 1; }
  walls=(); rss=()
  for i in $(seq 0 "$RUNS"); do
    line=$(/usr/bin/time -f "%e %M" "$STACKC" check "$f" 2>&1 >/dev/null | tail -1)
    [ "$i" -eq 0 ] && continue   # warm-up
    walls+=("${line% *}"); rss+=("${line#* }")
  done
  # Every build writes into a new folder, and the folders are removed only after all runs:
  # ext4 allocates inodes several seconds slower right after 20,000 files were deleted, which
  # would measure the file system's clean-up rather than stackc.
  rm -rf "$OUT"/out-*
  sync
  bwalls=(); brss=()
  for i in $(seq 0 "$RUNS"); do
    line=$(/usr/bin/time -f "%e %M" "$STACKC" build "$f" -o "$OUT/out-$n-$i" 2>&1 >/dev/null | tail -1)
    [ "$i" -eq 0 ] && continue
    bwalls+=("${line% *}"); brss+=("${line#* }")
  done
  files=$(find "$OUT/out-$n-0" -type f | wc -l)
  kwalls=()
  for i in $(seq 0 "$RUNS"); do
    line=$(/usr/bin/time -f "%e %M" "$STACKC" build "$f" --target kubernetes -o "$OUT/out-k-$n-$i" 2>&1 >/dev/null | tail -1)
    [ "$i" -eq 0 ] && continue
    kwalls+=("${line% *}")
  done
  stages=$("$STACKC" check --time "$f" 2>&1 >/dev/null)
  parse=$(echo "$stages" | awk '/time: parse/ {print $3}')
  check=$(echo "$stages" | awk '/time: check/ {print $3}')
  graphms=$(echo "$stages" | awk '/time: graph/ {print $3}')
  python3 - "$n" "$(stat -c %s "$f")" "$parse" "$check" "$graphms" "${walls[*]}" "${rss[*]}" "${bwalls[*]}" "${brss[*]}" "$files" "${kwalls[*]}" <<'PY'
import statistics, sys
n, size, parse, check, graphms, walls, rss, bwalls, brss, files, kwalls = sys.argv[1:]
kw = sorted(float(x) for x in kwalls.split())
w = sorted(float(x) for x in walls.split())
r = statistics.median(int(x) for x in rss.split()) / 1024
bw = sorted(float(x) for x in bwalls.split())
br = statistics.median(int(x) for x in brss.split()) / 1024
print(f"| {int(n):,} | {int(size)/1e6:.1f} MB | {statistics.median(w):.3f} ({w[0]:.3f}–{w[-1]:.3f}) | {r:.0f} | {float(parse):.0f} | {float(check):.0f} | {float(graphms):.0f} "
      f"| {statistics.median(bw):.2f} ({bw[0]:.2f}–{bw[-1]:.2f}) | {br:.0f} | {int(files):,} | {statistics.median(kw):.2f} |")
PY
  rm -rf "$OUT"/out-*
done
