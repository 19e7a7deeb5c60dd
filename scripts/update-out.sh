#!/usr/bin/env bash
# Rebuilds the committed out/ (the golden outputs of the examples) with the current compiler.
# Review the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build -j2 --target stackc >/dev/null
# Every target, compose and terraform (built only when named) included.
all=kubernetes,helm,kustomize,monitoring,backup,github,compose,terraform
for f in examples/*/*.stack; do
  targets=$all
  grep -q '^  gitops' "$f" && targets=$all,argocd,flux
  build/compiler/stackc build --target "$targets" "$f"
done
git status --short out
