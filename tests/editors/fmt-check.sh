#!/usr/bin/env bash
# fmt-check.sh STACKC FILE: FILE (formatted, no trailing comments) unindented and with two
# statements joined by a comma is formatted back into FILE by Vim's and Neovim's :StackFmt
# (ftplugin) and Emacs' stack-format-buffer, without the language server; and on a file with a
# syntax error each leaves the text as it is and reports the error.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rt="$(cd "$here/../../editors/vim" && pwd)"
stackc=$1 file=$2
W="$(mktemp -d)"; trap 'rm -rf "$W"' EXIT
node "$here/tm-tokenize.js" --unindent "$W" "$file"
sed -i '0,/^\( *\)\([a-z]* = [^ ]*\)  \([a-z]* = \)/s//\1\2 ,   \3/' "$W/1.stack"
cmp -s "$W/1.stack" "$file" && { echo "the mangled file is the file"; exit 1; }
printf 'service a {\n  x =\n}\n' > "$W/bad.stack"
for ed in vim nvim; do
  args=(--cmd "set rtp^=$rt" --cmd "let g:stackc_path = '$stackc'" -c 'filetype plugin on' -c edit -c StackFmt)
  case $ed in
    vim) run=(vim -Nu NONE -i NONE -Es) ;;
    nvim) run=(nvim --headless --clean) ;;
  esac
  "${run[@]}" "${args[@]}" -c "write! $W/$ed.stack" -c 'qall!' "$W/1.stack" </dev/null >/dev/null 2>&1
  cmp "$W/$ed.stack" "$file" || { echo "$ed :StackFmt"; diff "$W/$ed.stack" "$file"; exit 1; }
  "${run[@]}" "${args[@]}" -c "write! $W/$ed-bad.stack" \
    -c "call writefile(map(getqflist(), 'v:val.lnum . \" \" . v:val.text'), '$W/$ed.qf')" -c 'qall!' "$W/bad.stack" </dev/null >/dev/null 2>&1
  cmp "$W/$ed-bad.stack" "$W/bad.stack" && grep -q '^2 expected a value after' "$W/$ed.qf" \
    || { echo "$ed :StackFmt on a syntax error"; cat "$W/$ed.qf"; exit 1; }
  echo "$ed :StackFmt ok"
done
emacs -Q --batch --eval "(progn
  (load \"$here/../../editors/emacs/stack-mode.el\" nil t)
  (setq stack-stackc-program \"$stackc\")
  (with-current-buffer (find-file-noselect \"$W/1.stack\")
    (stack-format-buffer) (write-region nil nil \"$W/emacs.stack\" nil 'silent))
  (with-current-buffer (find-file-noselect \"$W/bad.stack\")
    (stack-format-buffer) (write-region nil nil \"$W/emacs-bad.stack\" nil 'silent)))" 2>"$W/emacs.err"
cmp "$W/emacs.stack" "$file" || { echo "emacs stack-format-buffer"; diff "$W/emacs.stack" "$file"; exit 1; }
cmp "$W/emacs-bad.stack" "$W/bad.stack" && grep -q 'stackc fmt: .*expected a value after' "$W/emacs.err" \
  || { echo "emacs stack-format-buffer on a syntax error"; cat "$W/emacs.err"; exit 1; }
echo "emacs stack-format-buffer ok"
