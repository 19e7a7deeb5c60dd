#!/usr/bin/env bash
# Runs every input of the hostile corpus (tests/hostile/make.py: issue 18's audit inputs) once
# and prints, per input, the exit code, the wall time, the peak RSS (GNU time) and the bytes
# written to stdout and stderr. Nothing is asserted: the corpus's tests (tests/hostile/replay.py)
# check behaviour, this script reports cost.
#
# usage: bench/hostile.sh [STACKC]      (default build/compiler/stackc)
#   TIMEOUT=SECONDS   kill a run after this long (default 60); its row says `timeout`
#   MEM_MIB=MIB       the address-space limit of a run (default 8192), so that a runaway input
#                     cannot take the machine down; a run that hits it fails to allocate
#   CASES=REGEX       only the cases whose name matches
set -euo pipefail
cd "$(dirname "$0")/.."
STACKC="$(realpath "${1:-build/compiler/stackc}")"
TIMEOUT="${TIMEOUT:-60}"
MEM_MIB="${MEM_MIB:-8192}"
CASES="${CASES:-.}"
command -v /usr/bin/time >/dev/null || { echo "bench/hostile.sh needs GNU time (apt-get install time)" >&2; exit 2; }

dir="$(mktemp -d "${TMPDIR:-/tmp}/stackc-hostile.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
python3 tests/hostile/make.py "$dir/in"

printf '%-26s %5s %9s %9s %12s %12s\n' case exit wall_s rss_MiB stdout_B stderr_B
while IFS=$'\t' read -r name command args; do
  [[ "$name" =~ $CASES ]] || continue
  read -r -a argv <<<"${args//\{dir\}/$dir/in}"
  status=0
  ( ulimit -v $((MEM_MIB * 1024))
    exec timeout -k 5 "$TIMEOUT" /usr/bin/time -f '%e %M' -o "$dir/time" \
      "$STACKC" "$command" "${argv[@]}" >"$dir/out" 2>"$dir/err" ) || status=$?
  if [[ $status -eq 124 || $status -eq 137 ]]; then
    wall="timeout"; rss="-"
  else
    read -r wall rss_kib < <(tail -n 1 "$dir/time")
    rss=$((rss_kib / 1024))
    # GNU time reports the child's status as its own; a signal shows as "Command terminated".
    grep -q 'Command terminated by signal' "$dir/time" && wall="signal"
  fi
  printf '%-26s %5s %9s %9s %12s %12s\n' "$name" "$status" "$wall" "$rss" \
    "$(stat -c %s "$dir/out")" "$(stat -c %s "$dir/err")"
  rm -f "$dir/out" "$dir/err" "$dir/time"
done <"$dir/in/cases.txt"
