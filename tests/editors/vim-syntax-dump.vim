" DUMP_DIR=DIR vim -Nu NONE -i NONE -Es --cmd 'set rtp^=editors/vim' -S vim-syntax-dump.vim FILE...
" (Vim 9) Loads each FILE with the project's ftdetect + syntax and writes DIR/N.txt (N = 1, 2, ...
" the FILE's place in the list): a first line filetype=..., then for every non-blank byte
" line:col<TAB>char<TAB>syntax group<TAB>the group it links to.
filetype on
syntax on
let s:links = {}
function! s:Link(name) abort
  if a:name ==# '' | return '' | endif
  if !has_key(s:links, a:name)
    let s:links[a:name] = matchstr(execute('hi ' . a:name), 'links to \zs\S\+')
  endif
  return s:links[a:name]
endfunction
let s:n = 0
for s:file in argv()
  let s:n += 1
  execute 'edit! ' . fnameescape(s:file)
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
  call writefile(s:out, $DUMP_DIR . '/' . s:n . '.txt')
endfor
qall!
