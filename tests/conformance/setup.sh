#!/usr/bin/env bash
# Installs and builds the conformance validators (tests/conformance/README.md). Idempotent: a
# second run installs nothing and only rebuilds what changed. Run as root (apt-get) when a
# Debian package is missing; otherwise any user that can write tests/conformance will do.
#
#   tests/conformance/setup.sh
#
# Leaves: node_modules/ (ajv, ajv-formats, yaml, @cdktf/hcl2json from package-lock.json), .bin/helm-render,
# and checks that kubectl (with kustomize built in) is there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

# ---- Debian packages ------------------------------------------------------------------------
# golang-go + sprig + sigs.k8s.io/yaml + gojsonschema: helm-render (GOPATH mode, no module proxy).
# python3-yaml: yaml-equal.py. nodejs/npm only when the image has no node at all.
# prometheus + prometheus-alertmanager: promtool and amtool (installing them starts no server).
APT_PKGS="golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev golang-github-xeipuuv-gojsonschema-dev python3 python3-yaml prometheus prometheus-alertmanager"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || APT_PKGS="$APT_PKGS nodejs npm"
# kubectl with kustomize is on the machine image (/usr/bin/kubectl 1.32); Debian's
# kubernetes-client (1.20, old kustomize) is only a fallback.
command -v kubectl >/dev/null 2>&1 || APT_PKGS="$APT_PKGS kubernetes-client"

missing=""
for p in $APT_PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "conformance setup: installing$missing"
  if [ "$(id -u)" -ne 0 ]; then echo "conformance setup: run as root to install:$missing" >&2; exit 2; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# ---- npm packages (exact versions from package-lock.json) ----------------------------------
# npm ci wipes and reinstalls node_modules; skip it when the installed tree came from this lock.
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node_modules/.stackc-lock-sha256"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "conformance setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$lock_sum" > "$stamp"
fi

# ---- helm-render (Go, GOPATH mode against Debian's /usr/share/gocode) ----------------------
# GOPATH/src links every top-level folder of /usr/share/gocode/src, except that github.com and
# github.com/Masterminds are real folders so that the /v3 import paths of sprig and semver
# (which Debian ships without a v3 folder) can be links too.
gp="$here/.gopath"
src="$gp/src"
gocode=/usr/share/gocode/src
mkdir -p "$src/github.com/Masterminds/sprig" "$src/github.com/Masterminds/semver"
link() { # link TARGET NAME: (re)create symlink NAME -> TARGET
  if [ "$(readlink "$2" 2>/dev/null || true)" != "$1" ]; then rm -rf "$2"; ln -s "$1" "$2"; fi
}
for d in "$gocode"/*; do
  [ "$(basename "$d")" = github.com ] || link "$d" "$src/$(basename "$d")"
done
for d in "$gocode"/github.com/*; do
  [ "$(basename "$d")" = Masterminds ] || link "$d" "$src/github.com/$(basename "$d")"
done
link "$gocode/github.com/Masterminds/goutils" "$src/github.com/Masterminds/goutils"
link "$gocode/github.com/Masterminds/sprig" "$src/github.com/Masterminds/sprig/v3"
link "$gocode/github.com/Masterminds/semver" "$src/github.com/Masterminds/semver/v3"

mkdir -p .bin
GO111MODULE=off GOPATH="$gp" GOCACHE="$gp/cache" GOFLAGS= GOPROXY=off \
  go build -o .bin/helm-render ./helm-render

# ---- checks --------------------------------------------------------------------------------
kubectl kustomize --help >/dev/null 2>&1 || { echo "conformance setup: kubectl has no kustomize" >&2; exit 1; }
/usr/bin/python3 -c 'import yaml' || { echo "conformance setup: python3-yaml missing" >&2; exit 1; }
command -v promtool >/dev/null && command -v amtool >/dev/null || { echo "conformance setup: promtool/amtool missing" >&2; exit 1; }
echo "conformance setup: ok ($(go version | cut -d' ' -f3), node $(node --version), $(kubectl version --client 2>/dev/null | head -1))"
