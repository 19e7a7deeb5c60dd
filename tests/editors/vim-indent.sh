#!/usr/bin/env bash
# vim-indent.sh vim|nvim OUTDIR FILE...: loads each FILE in Vim 9 or Neovim with the project's
# ftdetect, ftplugin and indent files, re-indents it whole (gg=G) and writes OUTDIR/N.stack
# (N = the FILE's place in the list). Exit 1 if a FILE did not get the filetype, the indentexpr
# and the ftplugin's settings (# comments, two spaces, no tabs).
set -euo pipefail
rt="$(cd "$(dirname "$0")/../../editors/vim" && pwd)"
ed=$1 out=$2; shift 2
script="$(mktemp)"; trap 'rm -f "$script"' EXIT
cat > "$script" <<VIM
filetype plugin indent on
let s:n = 0
for s:f in argv()
  let s:n += 1
  execute 'edit! ' . fnameescape(s:f)
  if &filetype !=# 'stack' || &indentexpr !~# 'GetStackIndent' || &commentstring !=# '# %s'
        \ || !&expandtab || &shiftwidth != 2
    cquit!
  endif
  normal! gg=G
  execute 'write! ' . fnameescape('$out/' . s:n . '.stack')
endfor
qall!
VIM
case "$ed" in
  vim) vim -Nu NONE -i NONE -Es --cmd "set rtp^=$rt" -S "$script" "$@" ;;
  nvim) nvim --headless --clean --cmd "set rtp^=$rt" -c "source $script" "$@" ;;
  *) echo "vim-indent.sh: vim or nvim, not $ed" >&2; exit 2 ;;
esac
