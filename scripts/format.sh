#!/usr/bin/env bash
# Formats every C++ source of the project with clang-format (the style in .clang-format).
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -co --exclude-standard -- 'compiler/*.cpp' 'compiler/*.hpp' 'stdlib/*.cpp' 'stdlib/*.hpp' \
  'tests/*.cpp' 'tests/*.hpp' | xargs clang-format -i
