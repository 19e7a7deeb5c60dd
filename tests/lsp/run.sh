#!/usr/bin/env bash
# `stackc lsp` with real LSP clients (specs/lsp.md); run tests/lsp/setup.sh first.
#
#   STACKC=build/compiler/stackc tests/lsp/run.sh
#
# 1. client.mjs: vscode-languageserver-protocol (the layer under VS Code's client) in a scripted
#    session on examples/personage and fixtures/shop: diagnostics on open and after incremental
#    edits (and cleared after the fix), related notes, code pages, UTF-16 ranges, quick fixes,
#    hover, definition, references, rename, completion, formatting, symbols, semantic tokens,
#    semantic tokens of a range and their deltas, folding, inlay hints, imports across files,
#    renames of versions (examples/bookinfo), a Dockerfile's diagnostics (fixtures/docker), a
#    broken file mid-edit; each answer exact.
# 2. raw.mjs: malformed framing and messages, requests out of order, unknown methods, exit codes.
# 3. Neovim's built-in client and Emacs' eglot open fixtures/typo/typo.stack and must show its
#    one error (E2001 at 17:3).
#    The same two on fixtures/docker/main.stack: the E2066 of its Dockerfile, shown in the
#    .stack buffer (12:25) where the stack names the Dockerfile.
# Prints "N passed, N failed"; exit 1 on any failure.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
project="$(cd "$here/../.." && pwd)"
STACKC="$(cd "$project" && realpath "${STACKC:-build/compiler/stackc}")"
export STACKC
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
check() { # check NAME COMMAND...: passes when COMMAND exits 0; its output is shown on failure
  local name=$1
  shift
  if "$@" >"$work/log" 2>&1; then
    pass=$((pass + 1))
    echo "ok   $name"
  else
    fail=$((fail + 1))
    echo "FAIL $name"
    tail -40 "$work/log"
  fi
}

cd "$here"
if node client.mjs "$STACKC" "$project" >"$work/client.log" 2>&1; then
  pass=$((pass + 1))
  echo "ok   vscode-languageserver-protocol session ($(tail -1 "$work/client.log"))"
else
  fail=$((fail + 1))
  echo "FAIL vscode-languageserver-protocol session"
  grep -v '^ok ' "$work/client.log" | tail -60
fi
grep '^latency' "$work/client.log" || true
check "malformed input and the protocol's lifecycle" node raw.mjs "$STACKC" "$project"

typo="$here/fixtures/typo/typo.stack"
nvim_diagnostic() {
  timeout 60 nvim --headless --clean -c "luafile $here/nvim-check.lua" "$typo" >"$work/nvim.out" 2>&1 || return 1
  cat "$work/nvim.out"
  for want in '"code": "E2001"' '"lnum": 16' '"col": 2' '"end_col": 9' '"severity": 1' \
    '"message": "unknown key `replica` in `service`\nhelp: did you mean `replicas`?"' \
    'hover: ' '**`image`** — image'; do
    grep -qF "$want" "$work/nvim.out" || { echo "missing: $want"; return 1; }
  done
}
check "Neovim $(nvim --version 2>/dev/null | head -1 | cut -d' ' -f2) built-in client receives the diagnostic" nvim_diagnostic

eglot_diagnostic() {
  HOME="$work" timeout 60 emacs -Q --batch -l "$here/eglot-check.el" "$typo" >"$work/emacs.out" 2>&1 || { cat "$work/emacs.out"; return 1; }
  cat "$work/emacs.out"
  grep -qF 'server: "stackc"' "$work/emacs.out" &&
    grep -qF 'diag: line 17 col 2 eglot-error "stackc [E2001]: unknown key `replica` in `service`' "$work/emacs.out"
}
check "Emacs eglot receives the diagnostic" eglot_diagnostic

# The same clients on a stack whose Dockerfile has an error: they show the diagnostics of open
# buffers only, so it must reach them in the .stack file, where the stack names the Dockerfile.
docker="$here/fixtures/docker/main.stack"
nvim_dockerfile() {
  timeout 60 nvim --headless --clean -c "luafile $here/nvim-check.lua" "$docker" >"$work/nvim.out" 2>&1 || return 1
  cat "$work/nvim.out"
  for want in '"code": "E2066"' '"lnum": 11' '"col": 24' '"end_col": 36' '"severity": 1' \
    '"message": "in `docker/api/Dockerfile`, line 6: the stage `runtime` of `api` sets no `USER`:'; do
    grep -qF "$want" "$work/nvim.out" || { echo "missing: $want"; return 1; }
  done
  [ "$(grep -o '"code": "E2066"' "$work/nvim.out" | wc -l)" = 1 ] || { echo "not exactly one E2066"; return 1; }
}
check "Neovim's client receives a Dockerfile's diagnostic in the .stack buffer" nvim_dockerfile
eglot_dockerfile() {
  HOME="$work" timeout 60 emacs -Q --batch -l "$here/eglot-check.el" "$docker" >"$work/emacs.out" 2>&1 || { cat "$work/emacs.out"; return 1; }
  cat "$work/emacs.out"
  grep -qF 'diag: line 12 col 24 eglot-error "stackc [E2066]: in `docker/api/Dockerfile`, line 6: the stage `runtime` of `api` sets no `USER`' "$work/emacs.out" &&
    [ "$(grep -c '^diag: ' "$work/emacs.out")" = 1 ]
}
check "Emacs eglot receives a Dockerfile's diagnostic in the .stack buffer" eglot_dockerfile

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
