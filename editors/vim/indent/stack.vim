" Vim indent file for .stack files (stackc)
" Indents as `stackc fmt` does: a line is one shiftwidth (2) deeper than the line that opened the
" innermost {, [ or ( still open at its start; a line that starts with } ] or ) lines up with
" that line; lines inside a """ string keep their indentation (it is text). Brackets inside
" strings and comments do not count. Needs no syntax highlighting.
"
" The opener is found by reading back from the line, and the reading stops at the first
" top-level line above (no indentation, starting with a name or a }): the lines above are taken
" to be indented already, as they are when a file is re-indented from the top (gg=G) or typed.
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

" The """ strings that span lines, as [first line, last line] pairs, found with search() (fast
" even in a large file: only the """ are visited). Kept until the buffer changes.
function! s:Triples() abort
  if get(b:, 'stack_triples_tick', -1) == b:changedtick
    return b:stack_triples
  endif
  let ranges = []
  let view = winsaveview()
  call cursor(1, 1)
  let open = 0          " the line of the """ that opened the string we are in, 0 in code
  let code_from = [0, 0] " where code starts again after the last string closed: [line, col]
  let flags = 'cW'
  while 1
    let [l, c] = searchpos('"""', flags)
    let flags = 'W'
    if l == 0
      break
    endif
    let text = getline(l)
    if open == 0
      " in code a """ opens a string, unless it stands in a comment or a plain string
      let from = l == code_from[0] ? code_from[1] : 0
      let before = substitute(strpart(text, from, c - 1 - from), '"\%([^"\\]\|\\.\)*"', '', 'g')
      if before =~# '[#"]'
        continue
      endif
      let open = l
      call cursor(l, c + 2)
    elseif len(matchstr(strpart(text, 0, c - 1), '\\*$')) % 2 == 0
      " the first """ that is not escaped closes it
      if l > open
        call add(ranges, [open, l])
      endif
      let open = 0
      let code_from = [l, c + 2]
      call cursor(l, c + 2)
    endif
  endwhile
  if open
    call add(ranges, [open, line('$')])
  endif
  call winrestview(view)
  let b:stack_triples = ranges
  let b:stack_triples_tick = b:changedtick
  return ranges
endfunction

" text without its plain strings and its comment; an unclosed string (a """ too) is cut with
" what follows it
function! s:Code(text) abort
  return substitute(a:text, '"\%([^"\\]\|\\.\)*"\|#.*\|".*', '', 'g')
endfunction

" The code of line lnum (its brackets are what matters): the parts of it in a """ string that
" spans lines are left out
function! s:LineCode(lnum, triples) abort
  let text = getline(a:lnum)
  for [first, last] in a:triples
    if a:lnum == first
      let text = strpart(text, 0, match(text, '"""\%(.*"""\)\@!'))
    elseif a:lnum > first && a:lnum < last
      return ''
    elseif a:lnum == last
      let text = strpart(text, matchend(text, '^\%(\\.\|[^\\"]\|"\%(""\)\@!\)*"""'))
    endif
  endfor
  return s:Code(text)
endfunction

function! GetStackIndent(lnum) abort
  let triples = s:Triples()
  for [first, last] in triples
    if a:lnum > first && a:lnum <= last
      return -1
    endif
  endfor
  let pending = 0
  let l = a:lnum - 1
  while l > 0
    let before = pending
    let code = s:LineCode(l, triples)
    let brackets = substitute(code, '[^][{}()]', '', 'g')
    let i = strlen(brackets) - 1
    while i >= 0
      if brackets[i] =~# '[}\])]'
        let pending += 1
      elseif pending > 0
        let pending -= 1
      else
        " the innermost bracket still open at the start of lnum
        return getline(a:lnum) =~# '^\s*[}\])]' ? indent(l) : indent(l) + shiftwidth()
      endif
      let i -= 1
    endwhile
    if before == 0 && code =~# '^[A-Za-z_}]'
      " a top-level line with nothing open after it: nothing encloses lnum
      return 0
    endif
    let l -= 1
  endwhile
  return 0
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
