#!/usr/bin/env bash
# Rebuilds the committed out/ (the golden outputs of the examples) with the current compiler.
# Review the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build -j2 --target stackc >/dev/null
for f in examples/*/*.stack; do build/compiler/stackc build "$f"; done
git status --short out
