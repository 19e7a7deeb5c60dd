#!/usr/bin/env bash
# Regenerates editors/personage.png, the screenshot in README.md: examples/personage's stack
# highlighted by the real TextMate grammar (shiki, VS Code's theme "GitHub Dark"), taken by Debian's
# headless Chromium, offline.
#
#   editors/screenshot/screenshot.sh [FIRST LAST]     # lines of the file to show (default 1 56)
#
# Needs: apt-get install chromium fonts-dejavu-core; npm ci here (shiki, pinned in package-lock.json).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
first=${1:-1} last=${2:-56}
[ -d "$here/node_modules" ] || (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
height=$(node "$here/render.mjs" "$root/examples/personage/personage.stack" "$first" "$last" "$tmp/page.html")
timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$tmp/profile" \
  --window-size="1100,$height" --screenshot="$root/editors/personage.png" "file://$tmp/page.html" \
  2>"$tmp/chromium.err" || { cat "$tmp/chromium.err" >&2; exit 1; }
ls -l "$root/editors/personage.png"
