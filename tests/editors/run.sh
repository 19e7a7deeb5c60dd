#!/usr/bin/env bash
# Editor support, checked with the real editors and the libraries VS Code itself uses
# (README.md here says what each check proves). Prereq: tests/editors/setup.sh.
#
#   tests/editors/run.sh        # STACKC=path/to/stackc to use another binary than build/
#
# Prints one line per check with its time, then "N passed, N failed"; exit 1 on any failure.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
STACKC="${STACKC:-$root/build/compiler/stackc}"
W="$(mktemp -d)"; trap 'rm -rf "$W"' EXIT
tok="node $here/tm-tokenize.js"
# every formatted .stack file of the project: the examples, the stdlib, and a sample with the
# layouts they lack (multi-line lists, calls holding lists, """ strings)
files=(examples/*/*.stack stdlib/std/*.stack tests/editors/samples/layout.stack)
tests=(tests/editors/tmgrammar/*.test.stack)
export NO_COLOR=1

pass=0; fail=0
check() { # check NAME COMMAND...: runs COMMAND, its output in a log shown on failure
  local name=$1; shift
  local t0=$(date +%s%N)
  if "$@" >"$W/log" 2>&1; then
    pass=$((pass+1)); printf 'ok   %-58s %5d ms\n' "$name" $((($(date +%s%N)-t0)/1000000))
  else
    fail=$((fail+1)); printf 'FAIL %-58s %5d ms\n' "$name" $((($(date +%s%N)-t0)/1000000)); tail -30 "$W/log"
  fi
}

# ---- the TextMate grammar (VS Code, and shiki/GitHub-style highlighters) ----------------------
check "grammar JSON is what gen.mjs writes" node editors/vscode/syntaxes/gen.mjs --check
kinds_ok() { # the top-level kinds of compiler/check/schema.cpp are those of the grammar, Vim, Emacs
  local want got ed
  want=$(sed -n '/^ *top = {/,/};/p' compiler/check/schema.cpp | grep -o '&[a-z_]*' | tr -d '&' | sed 's/_$//' | sort)
  [ "$(echo "$want" | wc -l)" -ge 15 ] || { echo "no kinds read from schema.cpp"; return 1; }
  for ed in grammar vim emacs; do
    case $ed in
      grammar) got=$(node -e 'import(process.argv[1]).then((m) => console.log(m.TOP_KINDS.join("\n")))' \
                       "$root/editors/vscode/syntaxes/gen.mjs" --check) ;;
      vim) got=$(grep '^syn match stackKind ' editors/vim/syntax/stack.vim | cut -d/ -f2 | grep -o '[a-z]\{2,\}'
                 echo import; echo template) ;;
      emacs) got=$(sed -n '/defconst stack-top-kinds/,/")/p' editors/emacs/stack-mode.el | grep -o '"[a-z]*"' | tr -d '"'
                   echo import; echo template) ;;
    esac
    diff <(echo "$want") <(echo "$got" | sort -u) || { echo "$ed: kinds differ from schema.cpp (<)"; return 1; }
  done
}
check "kinds are schema.cpp's (grammar, Vim, Emacs)" kinds_ok
check "vscode-tmgrammar-test: scope assertions (${#tests[@]} files)" \
  npx --no-install --prefix "$here" vscode-tmgrammar-test -g editors/vscode/syntaxes/stack.tmLanguage.json "${tests[@]}"
check "vscode-textmate: examples+stdlib have no invalid/unscoped text" $tok --clean "${files[@]}"
check "the assertion files are what stackc parses (valid ones)" \
  "$STACKC" fmt --stdout tests/editors/tmgrammar/{strings,values,statements}.test.stack
check "invalid lines == stackc's syntax-error lines (errors.test)" bash -c "
  diff <($tok --invalid-lines tests/editors/tmgrammar/errors.test.stack) \
       <('$STACKC' check tests/editors/tmgrammar/errors.test.stack 2>&1 | grep -o '^tests/editors/tmgrammar/errors.test.stack:[0-9]*:[0-9]*: error\[E1' | cut -d: -f2 | sort -nu)"

# ---- Vim 9 and Neovim ------------------------------------------------------------------------
same_as_grammar() { # same_as_grammar vim|nvim|emacs FILE...: highlighting == the grammar's scopes
  local ed=$1; shift
  rm -rf "$W/dump"; mkdir "$W/dump"
  case $ed in
    vim) DUMP_DIR="$W/dump" vim -Nu NONE -i NONE -Es --cmd "set rtp^=$root/editors/vim" -S "$here/vim-syntax-dump.vim" "$@" </dev/null ;;
    nvim) DUMP_DIR="$W/dump" nvim --headless --clean --cmd "set rtp^=$root/editors/vim" -c "luafile $here/nvim-syntax-dump.lua" "$@" </dev/null ;;
    emacs) DUMP_DIR="$W/dump" emacs -Q --batch -l "$here/emacs-faces.el" "$@" ;;
  esac || return 1
  $tok --$([ "$ed" = emacs ] && echo emacs || echo vim)-compare "$W/dump" "$@"
}
reindent() { # reindent vim|nvim|emacs FILE...: unindented, re-indented by the editor == FILE
  local ed=$1 f i=0; shift
  rm -rf "$W/in" "$W/out"; mkdir "$W/in" "$W/out"
  local ins=()
  $tok --unindent "$W/in" "$@" || return 1
  for f in "$@"; do
    i=$((i+1)); ins+=("$W/in/$i.stack")
    cmp -s "$W/in/$i.stack" "$f" && { echo "$f: unindenting changed nothing"; return 1; }
  done
  case $ed in
    emacs) emacs -Q --batch -l "$here/emacs-indent.el" "$W/out" "${ins[@]}" ;;
    *) "$here/vim-indent.sh" "$ed" "$W/out" "${ins[@]}" </dev/null >/dev/null ;;
  esac || return 1
  i=0
  for f in "$@"; do
    i=$((i+1))
    diff "$W/out/$i.stack" "$f" || { echo "$ed: re-indented $f differs (< $ed, > stackc fmt)"; return 1; }
  done
}
all=("${files[@]}" "${tests[@]}")
check "samples/layout.stack is formatted (stackc fmt --check)" "$STACKC" fmt --check tests/editors/samples/layout.stack
check "Vim 9 syntax groups == grammar scopes (${#all[@]} files)" same_as_grammar vim "${all[@]}"
check "Neovim syntax groups == grammar scopes (${#all[@]} files)" same_as_grammar nvim "${all[@]}"
check "Vim 9 gg=G reproduces stackc fmt (${#files[@]} files)" reindent vim "${files[@]}"
check "Neovim gg=G reproduces stackc fmt (${#files[@]} files)" reindent nvim "${files[@]}"
vim_make() { # the ftplugin's makeprg and errorformat put every stackc diagnostic in the quickfix list
  vim -Nu NONE -i NONE -Es --cmd "set rtp^=$root/editors/vim" --cmd "let g:stackc_path = '$STACKC'" \
    -c 'filetype plugin on' -c edit -c 'silent make' \
    -c "call writefile(map(getqflist(), 'v:val.lnum . \":\" . v:val.col . \" \" . v:val.type . \" \" . v:val.text'), '$W/qf')" \
    -c 'qall!' tests/editors/tmgrammar/errors.test.stack </dev/null >/dev/null 2>&1
  cat "$W/qf"
  "$STACKC" check tests/editors/tmgrammar/errors.test.stack 2>&1 | grep -o '^tests/[^ ]*: error\[' | cut -d: -f2,3 > "$W/want"
  diff <(cut -d' ' -f1 "$W/qf") "$W/want" && grep -q '^2:1 e expected a statement, found `}`' "$W/qf"
}
check "Vim :make puts stackc's diagnostics in quickfix (ftplugin)" vim_make

# ---- Emacs -----------------------------------------------------------------------------------
check "Emacs: stack-mode.el byte-compiles with no warning" bash -c "
  cp editors/emacs/stack-mode.el '$W/' && emacs -Q --batch --eval '(setq byte-compile-error-on-warn t)' \
    -f batch-byte-compile '$W/stack-mode.el'"
check "Emacs font-lock faces == grammar scopes (${#all[@]} files)" same_as_grammar emacs "${all[@]}"
check "Emacs indent-region reproduces stackc fmt; eglot knows stackc lsp" reindent emacs "${files[@]}"

check "formatting without the server: :StackFmt (Vim, Neovim), C-c C-f (Emacs)" \
  "$here/fmt-check.sh" "$STACKC" examples/minimal/minimal.stack

# ---- LSP clients: Neovim's built-in client and Emacs eglot start the configured server ---------
lsp_client() { # lsp_client nvim|emacs SERVER-COMMAND: the client shows the E2001 of samples/error.stack
  local ed=$1 cmd=$2
  case $ed in
    nvim) STACK_LSP_CMD="$cmd" timeout 60 nvim --headless --clean --cmd "set rtp^=$root/editors/vim" \
            -c "luafile $here/nvim-lsp-check.lua" tests/editors/samples/error.stack </dev/null ;;
    emacs) STACK_LSP_CMD="$cmd" timeout 60 emacs -Q --batch -l "$here/emacs-eglot-check.el" tests/editors/samples/error.stack ;;
  esac >"$W/lsp.out" 2>"$W/lsp.err" || { cat "$W/lsp.out" "$W/lsp.err"; return 1; }
  cat "$W/lsp.out"
  grep -q '^18:[0-9]* .*E2001' "$W/lsp.out" || grep -q '^18:[0-9]* .*replicsa' "$W/lsp.out"
}
stub="python3 $here/lsp-stub.py $STACKC"
check "Neovim LSP client (stack.lsp module) starts the server" lsp_client nvim "$stub"
check "Emacs eglot (stack-mode's registration) starts the server" lsp_client emacs "$stub"
if "$STACKC" --help 2>/dev/null | grep -q "^  lsp "; then   # the subcommand is there
  check "Neovim LSP client with stackc lsp" lsp_client nvim "$STACKC lsp"
  check "Emacs eglot with stackc lsp" lsp_client emacs "$STACKC lsp"
else
  echo "skip Neovim and Emacs with the real server: this stackc has no lsp subcommand"
fi

# ---- VS Code extension ------------------------------------------------------------------------
check "extension client, manifest, language configuration" node "$here/vscode-client-test.js" "${files[@]}"
check "VS Code snippets expand to a stack that stackc check accepts" bash -c "
  node '$here/vscode-snippets-test.js' '$W/snippets.stack' && '$STACKC' check '$W/snippets.stack'"
vsix_ok() {
  (cd editors/vscode && npx --no-install vsce package --skip-license --allow-missing-repository -o "$W/stack.vsix") || return 1
  unzip -o -q "$W/stack.vsix" -d "$W/vsix" || return 1
  for f in package.json extension.js language-configuration.json syntaxes/stack.tmLanguage.json snippets/stack.json; do
    cmp "$W/vsix/extension/$f" "editors/vscode/$f" || return 1
  done
  [ -f "$W/vsix/extension/node_modules/vscode-languageclient/node.js" ] || { echo "no vscode-languageclient in the vsix"; return 1; }
  ! unzip -l "$W/stack.vsix" | grep -q 'gen.mjs\|@vscode/vsce' || { echo "build-only files in the vsix"; return 1; }
}
check "vsce package: the .vsix holds the extension and its client" vsix_ok

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
