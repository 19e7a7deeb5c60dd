" Vim indent file for .stack files (stackc)
" Indents as `stackc fmt` does: a line is one shiftwidth (2) deeper than the line that opened the
" innermost {, [ or ( still open at its start; a line that starts with } ] or ) lines up with
" that line; lines inside a """ string keep their indentation (it is text). Brackets inside
" strings and comments do not count. Needs no syntax highlighting.
if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GetStackIndent(v:lnum)
setlocal indentkeys=0{,0},0],0),!^F,o,O,e
setlocal autoindent nolisp nosmartindent nocindent
let b:undo_indent = 'setlocal indentexpr< indentkeys< autoindent< lisp< smartindent< cindent<'

if exists('*GetStackIndent')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

" One pass over the buffer: for each line, whether it starts inside a """ string and the number
" of the line holding the innermost bracket still open at its start (0: none). Leading blanks
" cannot change where strings, comments and brackets are, so the result is kept while the text
" without them stays the same (re-indenting a whole file scans it once).
function! s:Structure() abort
  let lines = getline(1, '$')
  let key = substitute("\n" . join(lines, "\n"), '\n[ \t]*', '\n', 'g')
  if get(b:, 'stack_indent_key', v:null) is# key
    return b:stack_indent_info
  endif
  let info = [[0, 0]]
  let stack = []
  let state = 'c'
  let lnum = 0
  for text in lines
    let lnum += 1
    call add(info, [state ==# 't', empty(stack) ? 0 : stack[-1]])
    let i = 0
    let n = strlen(text)
    if state ==# 's'
      let state = 'c'
    endif
    while i < n
      let ch = text[i]
      if state ==# 'c'
        if ch ==# '#'
          break
        elseif text[i : i + 2] ==# '"""'
          let state = 't'
          let i += 3
          continue
        elseif ch ==# '"'
          let state = 's'
        elseif ch =~# '[{[(]'
          call add(stack, lnum)
        elseif ch =~# '[}\])]'
          if !empty(stack)
            call remove(stack, -1)
          endif
        endif
      elseif ch ==# '\'
        let i += 1
      elseif state ==# 's' && ch ==# '"'
        let state = 'c'
      elseif state ==# 't' && text[i : i + 2] ==# '"""'
        let state = 'c'
        let i += 3
        continue
      endif
      let i += 1
    endwhile
  endfor
  let b:stack_indent_key = key
  let b:stack_indent_info = info
  return info
endfunction

function! GetStackIndent(lnum) abort
  let info = s:Structure()
  if a:lnum >= len(info)
    return -1
  endif
  let [in_string, opener] = info[a:lnum]
  if in_string
    return -1
  endif
  if opener == 0
    return 0
  endif
  let base = indent(opener)
  return getline(a:lnum) =~# '^\s*[}\])]' ? base : base + shiftwidth()
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
