#!/usr/bin/env bash
# Installs what building and testing stackc needs, from Debian's packages (run as root on a
# fresh Debian bookworm machine; a no-op when everything is there).
set -euo pipefail
BUILD_PKGS="cmake ninja-build g++ ccache tao-pegtl-dev libfmt-dev libyaml-cpp-dev nlohmann-json3-dev libboost-graph-dev libgtest-dev libgmock-dev libcli11-dev libmimalloc-dev"
TEST_PKGS="clang libclang-rt-14-dev clang-format python3 python3-yaml"
want="$BUILD_PKGS"
[ "${1:-}" = "--test" ] && want="$BUILD_PKGS $TEST_PKGS"
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  if [ "$(id -u)" -ne 0 ]; then echo "setup: run as root to install:$missing" >&2; exit 2; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
