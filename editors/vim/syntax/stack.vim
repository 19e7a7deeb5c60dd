" Vim syntax file for .stack files (stackc). Copy editors/vim/ into ~/.vim/.
if exists("b:current_syntax") | finish | endif

syn keyword stackKind stack cluster environment secrets service worker stateful job cron monitoring alert record dashboard backup pipeline template import
syn keyword stackKeyword when from for
syn keyword stackBool true false
syn keyword stackFunc secret http tcp exec
syn match stackComment "#.*$" contains=@Spell
syn match stackNumber "\v<-?\d[0-9_]*(\.\d[0-9_]*)?(m|Ki|Mi|Gi|Ti|Pi|K|M|G|T|P|s|h|d|w|\%)?>"
syn match stackRange "\.\."
syn match stackArrow "->"
syn match stackKey "^\s*\zs[A-Za-z_][A-Za-z0-9_-]*\ze\(\s\+[A-Za-z_][A-Za-z0-9_-]*\)*\s*[={]"
syn region stackInterp start="\${" end="}" contained
syn region stackString start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=stackEscape,stackInterp oneline
syn region stackString start=+"""+ end=+"""+ contains=stackEscape,stackInterp
syn match stackEscape "\\[\\"ntr0$]\|\\u{\x\+}" contained

hi def link stackKind Statement
hi def link stackKeyword Keyword
hi def link stackBool Boolean
hi def link stackFunc Function
hi def link stackComment Comment
hi def link stackNumber Number
hi def link stackRange Operator
hi def link stackArrow Operator
hi def link stackKey Identifier
hi def link stackString String
hi def link stackEscape SpecialChar
hi def link stackInterp PreProc

let b:current_syntax = "stack"
