" Vim filetype plugin for .stack files (stackc)
" Comments start with #; `stackc fmt` indents with two spaces per block or list level.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1
let s:cpo_save = &cpo
set cpo&vim

setlocal commentstring=#\ %s
setlocal comments=:#
setlocal formatoptions-=t formatoptions+=croql
setlocal expandtab shiftwidth=2 softtabstop=2 tabstop=8
setlocal iskeyword=@,48-57,_,-
setlocal suffixesadd=.stack
setlocal matchpairs+=[:]
" :make checks the file with stackc and lists its diagnostics in the quickfix list
" (g:stackc_path names the binary when it is not `stackc` in PATH)
let &l:makeprg = get(g:, 'stackc_path', 'stackc') . ' check --color=never %'
setlocal errorformat=%f:%l:%c:\ %trror%[%*[A-Z0-9]]:\ %m,%f:%l:%c:\ %tarning%[%*[A-Z0-9]]:\ %m,%-G%.%#

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< expandtab< shiftwidth< '
      \ . 'softtabstop< tabstop< iskeyword< suffixesadd< matchpairs< makeprg< errorformat<'

let &cpo = s:cpo_save
unlet s:cpo_save
