#!/usr/bin/env bash
# The first command: install what is missing, build stackc, and check the example platform.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
build/compiler/stackc check examples/personage/personage.stack
echo "stackc: examples/personage/personage.stack checks clean"
