#!/usr/bin/env bash
# `stackc import` of a fleet: the YAML stream `stackc build --stdout` makes of bench/gen_fleet.py N
# (about 7 objects per service), imported RUNS times; prints the best wall time, the peak RSS
# (GNU time) and the size of the stream. Nothing is asserted (issue 14 asks for 1,000 services
# within 1 s on this machine, memory linear).
#   bench/import.sh [N ...]          default: 1000 5000
# env: RUNS=3, STACKC=build/compiler/stackc
set -euo pipefail
cd "$(dirname "$0")/.."
STACKC="$(realpath "${STACKC:-build/compiler/stackc}")"
RUNS="${RUNS:-3}"
command -v /usr/bin/time >/dev/null || { echo "bench/import.sh needs GNU time" >&2; exit 2; }
dir="$(mktemp -d "${TMPDIR:-/tmp}/stackc-import-bench.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
printf '%-8s %9s %9s %10s %9s\n' services objects yaml_MiB best_s rss_MiB
for n in ${*:-1000 5000}; do
  python3 bench/gen_fleet.py "$n" > "$dir/fleet.stack"
  "$STACKC" build --stdout "$dir/fleet.stack" > "$dir/stream.yaml" 2>/dev/null
  objects=$(grep -c '^kind:' "$dir/stream.yaml")
  best="" rss=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$dir/time" "$STACKC" import "$dir/stream.yaml" -o "$dir/out.stack" 2>/dev/null
    read -r s kib < "$dir/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; rss=$((kib / 1024)); fi
  done
  printf '%-8s %9s %9.1f %10s %9s\n' "$n" "$objects" \
    "$(awk "BEGIN{print $(stat -c %s "$dir/stream.yaml") / 1048576}")" "$best" "$rss"
done
