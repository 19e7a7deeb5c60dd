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

" :StackFmt formats the buffer as `stackc fmt` does (saved or not); a file with syntax errors is
" left as it is and the errors go to the quickfix list
command! -buffer -bar StackFmt call s:StackFmt()

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< expandtab< shiftwidth< '
      \ . 'softtabstop< tabstop< iskeyword< suffixesadd< matchpairs< makeprg< errorformat<'
      \ . ' | delcommand -buffer StackFmt'

if !exists('*s:StackFmt')
  function! s:StackFmt() abort
    let tmp = tempname() . '.stack'
    call writefile(getline(1, '$'), tmp)
    let out = systemlist(shellescape(get(g:, 'stackc_path', 'stackc')) . ' fmt --stdout --color=never '
          \ . shellescape(tmp))
    if v:shell_error
      call setqflist([], 'r', {'title': 'stackc fmt', 'lines': out, 'efm': &l:errorformat})
      call setqflist(map(getqflist(), 'extend(v:val, {"bufnr": ' . bufnr('%') . '})'), 'r')
      echohl ErrorMsg | echo 'stackc fmt: the file has errors (:copen)' | echohl None
    elseif out !=# getline(1, '$')
      let view = winsaveview()
      silent keepjumps call deletebufline('%', len(out) + 1, '$')
      call setline(1, out)
      call winrestview(view)
    endif
    call delete(tmp)
  endfunction
endif

let &cpo = s:cpo_save
unlet s:cpo_save
