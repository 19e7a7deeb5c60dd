#!/usr/bin/env bash
# Fidelity of examples/sock-shop and examples/bookinfo to the unchanged upstream manifests in
# ../shared/realworld (skipped, with a note, when that folder is not beside the project): builds
# each example and compares every workload with fidelity.py; every difference must be listed in
# the example's README. Then fidelity.py --self-test proves the comparison catches changes.
set -euo pipefail
cd "$(dirname "$0")/../.."
STACKC=${STACKC:-build/compiler/stackc}
REALWORLD=${REALWORLD:-../shared/realworld}
if [ ! -d "$REALWORLD" ]; then
  echo "fidelity: $REALWORLD is not here; skipped"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
# app  upstream file  environment the upstream manifests correspond to
while read -r app upstream env; do
  "$STACKC" build "examples/$app/$app.stack" -o "$work/$app" >/dev/null
  echo "fidelity: $app ($REALWORLD/$app/$upstream against kubernetes/$env/)"
  python3 tests/fidelity/fidelity.py "$REALWORLD/$app/$upstream" "$work/$app/kubernetes/$env" \
    "examples/$app/README.md" || status=1
  python3 tests/fidelity/fidelity.py --self-test "$REALWORLD/$app/$upstream" \
    "$work/$app/kubernetes/$env" "examples/$app/README.md" || status=1
done <<'APPS'
sock-shop complete-demo.yaml production
bookinfo bookinfo.yaml production
APPS
exit $status
