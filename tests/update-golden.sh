#!/usr/bin/env bash
# Refreshes every golden file (tests/golden/cases/*.out) from the current compiler.
# Review the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD:-build}"
cmake --build "$BUILD" -j2 --target stackc_golden_tests >/dev/null
STACKC_UPDATE_GOLDEN=1 "$BUILD/tests/stackc_golden_tests" --gtest_filter='Golden.EveryCaseMatchesItsOutput' >/dev/null
git status --short tests/golden
