#!/usr/bin/env bash
# Times `stackc import` and `stackc diff` on the benchmark fleet's YAML stream (issue 14: each
# within 1 s for 1,000 services, about 5,000 objects in the stack's terms). For each N: the fleet
# (bench/gen_fleet.py), its plain manifests as one stream (`stackc build --stdout`), then
#   import: `stackc import s.yaml -o imported.stack`       (manifests -> .stack)
#   diff:   `stackc diff f.stack --against s.yaml`          (the build in memory + the comparison;
#                                                           must find nothing: exit 0)
#   round:  `stackc diff imported.stack --against s.yaml`   (the round trip's figures)
# Whole process, median of RUNS runs after one warm-up, CPU time (user + sys) and peak RSS from
# GNU time. Then one `stackc diff --format json` prints the objects and fields compared.
# usage: bench/import_diff.sh [N ...]      (default: 1000)
# env:   RUNS=5  STACKC=build/compiler/stackc  OUT=/tmp/stackc-bench-diff
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
STACKC="${STACKC:-build/compiler/stackc}"
OUT="${OUT:-/tmp/stackc-bench-diff}"
NS="${*:-1000}"
mkdir -p "$OUT"
[ -x "$STACKC" ] || { echo "bench: build stackc first (scripts/build.sh)" >&2; exit 2; }

# time_runs NAME CMD...: runs CMD RUNS+1 times and appends "wall cpu rss status" lines to
# $OUT/NAME (the first run is a warm-up).
time_runs() {
  local name="$1"; shift
  : > "$OUT/$name"
  for i in $(seq 0 "$RUNS"); do
    local status=0
    /usr/bin/time -o "$OUT/$name.time" -f "%e %U %S %M" "$@" >/dev/null 2>"$OUT/$name.err" ||
      status=$?
    local line
    line=$(tail -1 "$OUT/$name.time")
    [ "$i" -eq 0 ] && continue
    echo "$line $status" >> "$OUT/$name"
  done
}

echo "| N | objects | stream MB | import wall s, median (min–max) | cpu s | RSS MiB | diff wall s, median (min–max) | cpu s | RSS MiB | diff of the import, wall s | its differences |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $NS; do
  f="$OUT/fleet-$n.stack"
  s="$OUT/fleet-$n.yaml"
  [ -s "$f" ] || python3 bench/gen_fleet.py "$n" > "$f"
  "$STACKC" build --stdout "$f" > "$s"
  time_runs import "$STACKC" import "$s" -o "$OUT/imported-$n.stack"
  time_runs diff "$STACKC" diff "$f" --against "$s"
  "$STACKC" diff "$f" --against "$s" --format json > "$OUT/diff-$n.json" || true
  round="-"
  if [ -s "$OUT/imported-$n.stack" ] && [ "$(cut -d' ' -f5 "$OUT/import" | sort -u)" = 0 ]; then
    time_runs round "$STACKC" diff "$OUT/imported-$n.stack" --against "$s"
    "$STACKC" diff "$OUT/imported-$n.stack" --against "$s" --format json > "$OUT/round-$n.json" 2>/dev/null || true
  else
    : > "$OUT/round"
  fi
  python3 - "$n" "$(stat -c %s "$s")" "$OUT" <<'PY'
import json, os, statistics, sys
n, size, out = sys.argv[1:]
def runs(name):
    rows = [l.split() for l in open(f"{out}/{name}") if l.strip()]
    if not rows:
        return None
    wall = sorted(float(r[0]) for r in rows)
    cpu = statistics.median(float(r[1]) + float(r[2]) for r in rows)
    rss = statistics.median(int(r[3]) for r in rows) / 1024
    return wall, cpu, rss, {r[4] for r in rows}
def w(x):
    if x and x[3] - {"0", "1"}:
        return f"failed (exit {','.join(sorted(x[3]))})"
    return f"{statistics.median(x[0]):.3f} ({x[0][0]:.3f}–{x[0][-1]:.3f})" if x else "–"
imp, dif, rnd = runs("import"), runs("diff"), runs("round")
if imp and imp[3] - {"0"}:
    print(f"bench: stackc import failed: {open(out + '/import.err').read().strip()[:300]}",
          file=sys.stderr)
d = json.load(open(f"{out}/diff-{n}.json"))
diffs = "–"
if os.path.exists(f"{out}/round-{n}.json") and os.path.getsize(f"{out}/round-{n}.json"):
    r = json.load(open(f"{out}/round-{n}.json"))
    diffs = f"{r['summary']['differences']} of {r['fields_compared']:,} fields"
print(f"| {int(n):,} | {d['objects']['stack']:,} | {int(size)/1e6:.1f} | {w(imp)} | "
      f"{imp[1]:.2f} | {imp[2]:.0f} | {w(dif)} | {dif[1]:.2f} | {dif[2]:.0f} | "
      f"{statistics.median(rnd[0]):.3f} | {diffs} |" if imp and rnd and not imp[3] - {"0"} else
      f"| {int(n):,} | {d['objects']['stack']:,} | {int(size)/1e6:.1f} | {w(imp)} | – | – | "
      f"{w(dif)} | {dif[1]:.2f} | {dif[2]:.0f} | – | – |", flush=True)
if dif and dif[3] != {"0"}:
    print(f"bench: stackc diff of the fleet against its own build exited {dif[3]}", file=sys.stderr)
    sys.exit(1)
print(f"diff of fleet-{n}: {d['objects']['matched']:,} objects matched, "
      f"{d['fields_compared']:,} fields compared, {d['summary']['differences']} differences",
      file=sys.stderr)
PY
done
