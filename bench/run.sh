#!/usr/bin/env bash
# Times `stackc check` and `stackc build` on the benchmark fleet: whole process, median of RUNS runs
# after one warm-up, CPU time (user + sys) and peak RSS from GNU time.
#
# `stackc build` (every target) is timed twice: writing into tmpfs (/dev/shm: what stackc itself
# costs) and into OUT on the disk (what a user sees; on this machine's ext4 it varies by seconds
# from run to run). Beside it, the floor of any tool that writes the same files: `cp -r` of
# stackc's own output into a fresh tmpfs folder. `build --target kubernetes` (the plain manifests
# alone, what the peers produce) is timed into tmpfs, and `build --stdout` (the same objects as
# one YAML stream on stdout, what the peers write: the like-for-like figure). Every build writes a new folder; the folders
# are removed after all runs (ext4 creates files seconds slower right after 20,000 were deleted).
# Then one `build --time` run shows the stages.
# usage: bench/run.sh [N ...]      (default: 1000 10000 50000)
# env:   RUNS=5  STACKC=build/compiler/stackc  OUT=/tmp/stackc-bench  SHM=/dev/shm/stackc-bench
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
STACKC="${STACKC:-build/compiler/stackc}"
OUT="${OUT:-/tmp/stackc-bench}"
SHM="${SHM:-/dev/shm/stackc-bench}"
NS="${*:-1000 10000 50000}"
mkdir -p "$OUT" "$SHM"
[ -x "$STACKC" ] || { echo "bench: build stackc first (scripts/build.sh)" >&2; exit 2; }

# time_runs NAME CMD...: runs CMD RUNS+1 times ("{}" in it is replaced by the run's number) and
# appends "wall cpu rss" lines to $OUT/NAME.
time_runs() {
  local name="$1"; shift
  : > "$OUT/$name"
  for i in $(seq 0 "$RUNS"); do
    local cmd=("${@//\{\}/$i}")
    local line
    line=$(/usr/bin/time -f "%e %U %S %M" "${cmd[@]}" 2>&1 >/dev/null | tail -1)
    [ "$i" -eq 0 ] && continue   # warm-up
    echo "$line" >> "$OUT/$name"
  done
}

echo "| N | .stack size | check wall s, median (min–max) | check RSS MiB | build → tmpfs wall s, median (min–max) | cpu s | RSS MiB | build → disk wall s, median (min–max) | files | MB | floor: cp -r to tmpfs, s | --target kubernetes → tmpfs, s | --stdout (one stream) wall s, median (min–max) | --stdout RSS MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $NS; do
  f="$OUT/fleet-$n.stack"
  [ -s "$f" ] || python3 bench/gen_fleet.py "$n" > "$f"
  "$STACKC" check "$f" >/dev/null 2>&1 || { echo "bench: fleet-$n does not check clean" >&2; "$STACKC" check "$f" >&2 || true; exit 1; }
  rm -rf "$OUT"/out-* "$SHM"/*
  sync
  time_runs check "$STACKC" check "$f"
  time_runs shm "$STACKC" build "$f" -o "$SHM/out-$n-{}"
  files=$(find "$SHM/out-$n-0" -type f | wc -l)
  bytes=$(du -sb "$SHM/out-$n-0" | cut -f1)
  time_runs floor cp -r "$SHM/out-$n-0" "$SHM/copy-$n-{}"
  rm -rf "$SHM"/*
  time_runs kube "$STACKC" build "$f" --target kubernetes -o "$SHM/kube-$n-{}"
  rm -rf "$SHM"/*
  time_runs stream "$STACKC" build --stdout "$f"
  time_runs disk "$STACKC" build "$f" -o "$OUT/out-$n-{}"
  python3 - "$n" "$(stat -c %s "$f")" "$files" "$bytes" "$OUT" <<'PY'
import statistics, sys
n, size, files, nbytes, out = sys.argv[1:]
def runs(name):
    rows = [line.split() for line in open(f"{out}/{name}") if line.strip()]
    wall = sorted(float(r[0]) for r in rows)
    cpu = statistics.median(float(r[1]) + float(r[2]) for r in rows)
    rss = statistics.median(int(r[3]) for r in rows) / 1024
    return wall, cpu, rss
def w(wall):
    return f"{statistics.median(wall):.3f} ({wall[0]:.3f}–{wall[-1]:.3f})"
cw, _, cr = runs("check")
sw, sc, sr = runs("shm")
dw, _, _ = runs("disk")
fw, _, _ = runs("floor")
kw, _, _ = runs("kube")
tw, _, tr = runs("stream")
print(f"| {int(n):,} | {int(size)/1e6:.1f} MB | {w(cw)} | {cr:.0f} | {w(sw)} | {sc:.2f} | {sr:.0f} | {w(dw)} "
      f"| {int(files):,} | {int(nbytes)/1e6:.0f} | {statistics.median(fw):.3f} | {statistics.median(kw):.3f} "
      f"| {w(tw)} | {tr:.0f} |")
PY
  rm -rf "$OUT"/out-* "$SHM"/*
done
echo
for n in $NS; do
  echo "stages of one \`stackc build --time\` of fleet-$n (into tmpfs):"
  "$STACKC" build "$OUT/fleet-$n.stack" -o "$SHM/stages-$n" --time 2>&1 >/dev/null | sed 's/^/    /'
  rm -rf "$SHM"/*
done
rmdir "$SHM" 2>/dev/null || true
