#!/usr/bin/env bash
# The round trip of issue 14: `stackc import` then `stackc build` then `stackc diff --against` the
# input must show nothing but stackc's intended hardening and the differences listed, with their
# reasons, in a reviewed file (check.py: an unlisted difference fails, and so does a listed one
# that no longer occurs).
#   1. Every example, every environment of its committed out/: `build --stdout --env ENV` ->
#      import -> diff of the imported stack against that first output
#      (tests/roundtrip/expected/EXAMPLE-ENV.txt).
#   2. The applications of ../shared/realworld (when it is beside the project): their upstream
#      manifests -> import -> diff against them (realworld/APP.txt); realworld/APP.edits lists the
#      edits made to the imported .stack before it builds (an untagged image must be pinned:
#      stackc refuses it, E2018), each `FROM => TO  # why`, each of which must apply.
#      And `stackc diff examples/APP/APP.stack --against` the upstream manifests, judged by
#      realworld/APP.example.txt: the picture tests/fidelity gives of the example.
#   3. Small fixtures of our own, always (fixtures/NAME.yaml, fixtures/NAME.txt): plain manifests
#      written by hand, not by stackc.
# Prints, per case, the objects, the fields compared and the differences left.
set -euo pipefail
cd "$(dirname "$0")/../.."
STACKC=${STACKC:-build/compiler/stackc}
REALWORLD=${REALWORLD:-../shared/realworld}
here=tests/roundtrip
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

# roundtrip LABEL MANIFESTS EXPECTED [EDITS]
roundtrip() {
  local label="$1" manifests="$2" expected="$3" edits="${4:-}" base
  base="$work/$(echo "$label" | tr '/ ' '__')"
  if ! "$STACKC" import "$manifests" -o "$base.stack" 2>"$base.import.err"; then
    echo "roundtrip: $label: stackc import failed"; cat "$base.import.err"; status=1; return
  fi
  if [ -n "$edits" ]; then
    python3 - "$base.stack" "$edits" <<'PY' || { status=1; return; }
import sys
stack, edits = sys.argv[1:]
text = open(stack, encoding="utf-8").read()
for n, line in enumerate(open(edits, encoding="utf-8"), 1):
    line = line.rstrip("\n")
    if not line.strip() or line.startswith("#"):
        continue
    rule, _, why = line.partition("  # ")
    old, sep, new = rule.partition(" => ")
    if not sep or not why.strip():
        sys.exit(f"{edits}:{n}: write `FROM => TO  # why`")
    if old not in text:
        sys.exit(f"{edits}:{n}: `{old}` is not in the imported .stack any more")
    text = text.replace(old, new)
open(stack, "w", encoding="utf-8").write(text)
PY
  fi
  local rc=0
  "$STACKC" diff "$base.stack" --against "$manifests" --format json >"$base.json" 2>"$base.diff.err" || rc=$?
  if [ "$rc" -ge 2 ] || [ ! -s "$base.json" ]; then
    echo "roundtrip: $label: the imported stack does not build or compare (exit $rc)"
    grep -E "error" "$base.diff.err" | head -20
    status=1; return
  fi
  python3 "$here/check.py" "$base.json" "$expected" "$label" || status=1
}

for f in examples/*/*.stack; do
  ex=$(basename "$f" .stack)
  name=$(sed -n 's/^stack \([a-z0-9-]*\).*/\1/p' "$f" | head -1)
  for envdir in out/"$name"/kubernetes/*/; do
    env=$(basename "$envdir")
    "$STACKC" build --stdout --env "$env" "$f" >"$work/$ex-$env.yaml"
    roundtrip "example $ex/$env" "$work/$ex-$env.yaml" "$here/expected/$ex-$env.txt"
  done
done

if [ -d "$REALWORLD" ]; then
  while read -r app upstream; do
    edits=""
    [ -f "$here/realworld/$app.edits" ] && edits="$here/realworld/$app.edits"
    roundtrip "realworld $app" "$REALWORLD/$app/$upstream" "$here/realworld/$app.txt" "$edits"
    # The example written by hand from the same manifests, against them: the picture of
    # tests/fidelity (its README's intended differences), by stackc diff.
    rc=0
    "$STACKC" diff "examples/$app/$app.stack" --against "$REALWORLD/$app/$upstream" \
      --format json >"$work/example-$app.json" 2>/dev/null || rc=$?
    if [ "$rc" -ge 2 ] || [ ! -s "$work/example-$app.json" ]; then
      echo "roundtrip: examples/$app against upstream: stackc diff failed (exit $rc)"; status=1
    else
      python3 "$here/check.py" "$work/example-$app.json" "$here/realworld/$app.example.txt" \
        "examples/$app against upstream" || status=1
    fi
  done <<'APPS'
sock-shop complete-demo.yaml
bookinfo bookinfo.yaml
APPS
else
  echo "roundtrip: $REALWORLD is not here; its applications skipped"
fi

for m in "$here"/fixtures/*.yaml; do
  roundtrip "fixture $(basename "$m" .yaml)" "$m" "${m%.yaml}.txt"
done
exit $status
