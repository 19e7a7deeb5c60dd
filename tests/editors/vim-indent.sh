#!/usr/bin/env bash
# vim-indent.sh EDITOR IN OUT: loads IN in Vim 9 (EDITOR=vim) or Neovim (EDITOR=nvim) with the
# project's ftdetect, ftplugin and indent files, re-indents the whole file (gg=G) and writes OUT.
set -euo pipefail
rt="$(cd "$(dirname "$0")/../../editors/vim" && pwd)"
cmds=(-c 'filetype plugin indent on' -c 'edit' -c 'if &filetype !=# "stack" || &indentexpr !~# "GetStackIndent" | cquit! | endif'
      -c 'normal! gg=G' -c "write! $3" -c 'qall!')
case "$1" in
  vim) vim -Nu NONE -i NONE -Es --cmd "set rtp^=$rt" "${cmds[@]}" "$2" ;;
  nvim) nvim --headless --clean --cmd "set rtp^=$rt" "${cmds[@]}" "$2" ;;
  *) echo "vim-indent.sh: vim or nvim, not $1" >&2; exit 2 ;;
esac
