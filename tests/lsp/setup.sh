#!/usr/bin/env bash
# Installs what tests/lsp/run.sh needs. Idempotent: a second run installs nothing. Run as root
# when a Debian package is missing; otherwise any user that can write tests/lsp will do.
#
#   tests/lsp/setup.sh
#
# Leaves: node_modules/ (vscode-languageserver-protocol from package-lock.json) and the editors
# whose built-in clients are tested: Neovim (0.7, vim.lsp) and Emacs (28) with eglot.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

# ---- Debian packages ------------------------------------------------------------------------
APT_PKGS="neovim emacs-nox elpa-eglot"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || APT_PKGS="$APT_PKGS nodejs npm"
missing=""
for p in $APT_PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "lsp setup: installing$missing"
  if [ "$(id -u)" -ne 0 ]; then echo "lsp setup: run as root to install:$missing" >&2; exit 2; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# ---- npm packages (exact versions from package-lock.json) ----------------------------------
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node_modules/.stackc-lock-sha256"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "lsp setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$lock_sum" > "$stamp"
fi
