#!/usr/bin/env bash
# Installs what tests/editors/run.sh needs (README.md there). Idempotent: a second run installs
# nothing. Run as root when a Debian package is missing; otherwise any user that can write
# tests/editors and editors/vscode will do.
#
#   tests/editors/setup.sh
#
# Leaves: node_modules/ here (vscode-textmate, vscode-oniguruma, vscode-tmgrammar-test, from
# package-lock.json) and editors/vscode/node_modules (vscode-languageclient, which the .vsix
# carries, and @vscode/vsce, which packages it), and checks Vim 9, Neovim and Emacs with eglot.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ext="$(cd "$here/../../editors/vscode" && pwd)"

# ---- Debian packages ------------------------------------------------------------------------
# vim (Vim 9), neovim (0.7), emacs-nox (28) with elpa-eglot; unzip to look into the .vsix;
# nodejs/npm only when the image has no node at all.
APT_PKGS="vim neovim emacs-nox elpa-eglot unzip"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || APT_PKGS="$APT_PKGS nodejs npm"
missing=""
for p in $APT_PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "editors setup: installing$missing"
  if [ "$(id -u)" -ne 0 ]; then echo "editors setup: run as root to install:$missing" >&2; exit 2; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 $missing >/dev/null
fi

# ---- npm packages (exact versions from each package-lock.json) -------------------------------
# npm ci wipes and reinstalls node_modules; skip it when the installed tree came from this lock.
npm_ci() { # npm_ci DIR
  local sum stamp
  sum="$(sha256sum "$1/package-lock.json" | cut -d' ' -f1)"
  stamp="$1/node_modules/.stackc-lock-sha256"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    echo "editors setup: npm ci in $1"
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$sum" > "$stamp"
  fi
}
npm_ci "$here"
npm_ci "$ext"

# ---- checks --------------------------------------------------------------------------------
vim --version | head -1 | grep -q 'Vi IMproved 9' || { echo "editors setup: Vim 9 missing" >&2; exit 1; }
nvim --version >/dev/null || { echo "editors setup: nvim missing" >&2; exit 1; }
emacs -Q --batch --eval '(progn (dolist (d (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*")) (add-to-list (quote load-path) d)) (require (quote eglot)))' \
  || { echo "editors setup: emacs or eglot missing" >&2; exit 1; }
echo "editors setup: ok ($(vim --version | head -1 | cut -d'(' -f1| xargs), $(nvim --version | head -1), $(emacs --version | head -1), node $(node --version))"
