" vim -Nu NONE -i NONE -Es --cmd 'set rtp^=editors/vim' -S vim-syntax-dump.vim FILE  (Vim 9)
" Loads FILE with the project's ftdetect + syntax and writes, for every non-blank character,
" line:col<TAB>char<TAB>syntax group<TAB>the group it links to, to stdout (first line: filetype=).
filetype on
syntax on
edit
let s:links = {}
function! s:Link(name) abort
  if a:name ==# '' | return '' | endif
  if !has_key(s:links, a:name)
    let s:links[a:name] = matchstr(execute('hi ' . a:name), 'links to \zs\S\+')
  endif
  return s:links[a:name]
endfunction
let s:out = ['filetype=' . &filetype]
for s:l in range(1, line('$'))
  let s:line = getline(s:l)
  for s:c in range(1, strlen(s:line))
    if s:line[s:c - 1] !~ '\s'
      let s:name = synIDattr(synID(s:l, s:c, 1), 'name')
      call add(s:out, printf("%d:%d\t%s\t%s\t%s", s:l, s:c, s:line[s:c - 1], s:name, s:Link(s:name)))
    endif
  endfor
endfor
call writefile(s:out, '/dev/stdout')
qall!
