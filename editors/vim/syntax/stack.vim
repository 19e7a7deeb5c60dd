" Vim syntax file
" Language:    stack (.stack infrastructure files, compiled by stackc)
" Maintainer:  the stackc project (editors/vim)
" Covers what editors/vscode/syntaxes/stack.tmLanguage.json covers (specs/language.md §1–§2):
" comments; top-level kinds and the names they declare; `template NAME for KIND`; `from`
" templates; `when ENV`; keys and labels; strings with escapes and ${...} interpolation;
" """ multi-line strings; numbers with units, ranges a..b, port mappings 80 -> 8080; booleans;
" references; lists; calls (secret(...), http(...)); object values (vault { }); and the syntax
" errors the parser reports. tests/editors/run.sh compares this file's groups with the
" TextMate grammar's scopes on every example. Works in Vim 8.2+/9 and Neovim 0.7+.
if exists('b:current_syntax')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn iskeyword @,48-57,_,-
syn case match
syn sync fromstart

" ---- errors: text that cannot start a statement (lowest priority: defined first) -------------
syn match stackError /"\%([^"\\]\|\\.\)*"\=\|[^[:space:]A-Za-z_#={},]\|}/
syn match stackBodyError /"\%([^"\\]\|\\.\)*"\=\|[^[:space:]A-Za-z_#={},]/ contained
syn match stackListError /[^[:space:],\]]/ contained
syn match stackArgsError /[^[:space:],)]/ contained
syn match stackHeadError /[^[:space:]=},#]/ contained

syn cluster stackBody contains=stackComment,stackKey,stackWhen,stackAssign,stackAssignError,stackComma,stackBodyError,stackStrayBlock
syn cluster stackValue contains=stackRef,stackBool,stackCallName,stackBuiltin,stackObjectName,stackQuantity,stackList,stackString,stackUnterminated,stackTriple
syn cluster stackStrContent contains=stackBadEscape,stackEscape,stackBadUnicode,stackBadInterp,stackInterp

" ---- comments --------------------------------------------------------------------------------
syn match stackComment /#.*$/ contains=@Spell

" ---- statement heads: KEY LABEL* (from T, ...)? then = value, { ... } or the line end ---------
syn match stackKey /\<\h[A-Za-z0-9_-]*/ nextgroup=stackLabel,stackLabelString,stackFromKw,stackFromError,stackBlock,stackHeadError skipwhite
syn match stackLabel /\<\%(from\>\)\@!\h[A-Za-z0-9_-]*/ contained nextgroup=stackLabel,stackLabelString,stackFromKw,stackFromError,stackBlock,stackHeadError skipwhite
syn region stackLabelString matchgroup=stackQuote start=/"/ skip=/\\\\\|\\"/ end=/"/ end=/$/ oneline contained contains=@stackStrContent nextgroup=stackLabel,stackLabelString,stackFromKw,stackFromError,stackBlock,stackHeadError skipwhite
syn match stackFromKw /\<from\>/ contained nextgroup=stackInherit skipwhite
syn match stackFromError /\<from\>\ze\s*\%([#{=,]\|$\)/ contained nextgroup=stackBlock skipwhite
syn match stackInherit /\<\h[A-Za-z0-9_-]*/ contained nextgroup=stackInheritComma,stackBlock skipwhite
syn match stackInheritComma /,/ contained nextgroup=stackInherit skipwhite skipnl skipempty
syn match stackWhen /\<when\>\ze\s\+\%(from\>\)\@!\h/ nextgroup=stackEnvName skipwhite
syn match stackEnvName /\<\h[A-Za-z0-9_-]*/ contained nextgroup=stackLabel,stackLabelString,stackFromKw,stackFromError,stackBlock,stackHeadError skipwhite

" top-level kinds (compiler/check/schema.cpp `top`) and the names they declare
syn match stackKind /\<\%(stack\|cluster\|environment\|secrets\|service\|worker\|stateful\|job\|cron\|monitoring\|alert\|record\|dashboard\|backup\|pipeline\)\>/ nextgroup=stackDeclName,stackLabelString,stackFromKw,stackFromError,stackBlock,stackHeadError skipwhite
syn match stackDeclName /\<\%(from\>\)\@!\h[A-Za-z0-9_-]*/ contained nextgroup=stackLabel,stackLabelString,stackFromKw,stackFromError,stackBlock,stackHeadError skipwhite
syn match stackImport /\<import\>/ nextgroup=stackLabelString,stackLabel,stackBlock,stackHeadError skipwhite
syn match stackTemplate /\<template\>/ nextgroup=stackTemplateName,stackFromKw,stackFromError,stackBlock,stackHeadError skipwhite
syn match stackTemplateName /\<\%(from\>\)\@!\h[A-Za-z0-9_-]*/ contained nextgroup=stackFor,stackLabel,stackFromKw,stackFromError,stackBlock,stackHeadError skipwhite
syn match stackFor /\<for\>/ contained nextgroup=stackForKind,stackFromKw,stackFromError,stackBlock,stackHeadError skipwhite
syn match stackForKind /\<\%(from\>\)\@!\h[A-Za-z0-9_-]*/ contained nextgroup=stackLabel,stackLabelString,stackFromKw,stackFromError,stackBlock,stackHeadError skipwhite

" blocks: after a head; a { that follows no head is an error up to its }
syn region stackBlock matchgroup=stackBrace start=/{/ end=/}/ contained contains=@stackBody fold
syn region stackStrayBlock matchgroup=stackError start=/{/ matchgroup=stackBrace end=/}/ contains=@stackBody fold
syn match stackComma /,/

" ---- = value ---------------------------------------------------------------------------------
syn match stackAssign /=/ nextgroup=@stackValue skipwhite
syn match stackAssignError /=\ze\s*\%(#.*\)\=$/

" ---- values ----------------------------------------------------------------------------------
syn match stackRef /\<\h[A-Za-z0-9_-]*\%(\.\h[A-Za-z0-9_-]*\)*/ contained
syn match stackBool /\<\%(true\|false\)\>\%(\.\h\|(\|\s*{\)\@!/ contained
syn match stackCallName /\<\h[A-Za-z0-9_-]*\%(\.\h[A-Za-z0-9_-]*\)*\ze(/ contained nextgroup=stackArgs
syn match stackBuiltin /\<\%(secret\|http\|tcp\|grpc\|exec\|sleep\)\ze(/ contained nextgroup=stackArgs
syn region stackArgs matchgroup=stackParen start=/(/ end=/)/ contained contains=stackComment,stackArgsError,@stackValue,stackArgName,stackComma
syn match stackArgName /\<\h[A-Za-z0-9_-]*\ze\s*=\%(=\)\@!/ contained nextgroup=stackAssign skipwhite
syn match stackObjectName /\<\h[A-Za-z0-9_-]*\%(\.\h[A-Za-z0-9_-]*\)*\ze\s*{/ contained nextgroup=stackObjBlock skipwhite
syn region stackObjBlock matchgroup=stackBrace start=/{/ end=/}/ contained contains=@stackBody fold
syn region stackList matchgroup=stackBracket start=/\[/ end=/\]/ contained contains=stackComment,stackListError,@stackValue,stackComma fold

" a number with its unit; a range lo..hi; a port mapping 80 -> 8080
syn match stackQuantity /-\=\d\%(\d\|_\d\@=\)*\%(\.\d\%(\d\|_\d\@=\)*\)\=\%(%\|\a\+\)\=\%(\.\.-\=\d\%(\d\|_\d\@=\)*\%(\.\d\%(\d\|_\d\@=\)*\)\=\%(%\|\a\+\)\=\|\s*->\s*-\=\d\%(\d\|_\d\@=\)*\%(\.\d\%(\d\|_\d\@=\)*\)\=\%(%\|\a\+\)\=\)\=/ contained transparent contains=stackNumber,stackUnit,stackRangeOp,stackArrow
syn match stackNumber /-\=\d\%(\d\|_\d\@=\)*\%(\.\d\%(\d\|_\d\@=\)*\)\=/ contained
syn match stackUnit /\d\@1<=\%(%\|\a\+\)/ contained
syn match stackRangeOp /\.\./ contained
syn match stackArrow /->/ contained

" ---- strings ---------------------------------------------------------------------------------
syn region stackString matchgroup=stackQuote start=/"/ skip=/\\\\\|\\"/ end=/"/ oneline contained contains=@stackStrContent
syn region stackUnterminated matchgroup=stackQuote start=/"\ze\%([^"\\]\|\\.\)*$/ end=/$/ contained
syn region stackTriple matchgroup=stackQuote start=/"""/ end=/"""/ contained contains=@stackStrContent fold
syn match stackBadEscape /\\.\=/ contained
syn match stackEscape /\\\%(["\\ntr$0]\|u{\x\{1,6}}\)/ contained
syn match stackBadUnicode /\\u{\%(0\{0,2}[dD][89a-fA-F]\x\x\|\%(1[1-9a-fA-F]\|[2-9a-fA-F]\x\)\x\{4}\)}/ contained
syn match stackBadInterp /\${/ contained
syn region stackInterp matchgroup=stackInterpDelim start=/\${\ze\h[A-Za-z0-9_-]*\%(\.\h[A-Za-z0-9_-]*\)*}/ end=/}/ oneline contained

" ---- highlight links -------------------------------------------------------------------------
hi def link stackComment      Comment
hi def link stackKind         Structure
hi def link stackTemplate     Structure
hi def link stackForKind      Structure
hi def link stackImport       Include
hi def link stackDeclName     Function
hi def link stackTemplateName Function
hi def link stackFor          Keyword
hi def link stackFromKw       Keyword
hi def link stackInherit      Type
hi def link stackWhen         Conditional
hi def link stackEnvName      Special
hi def link stackKey          Identifier
hi def link stackLabel        Tag
hi def link stackAssign       Operator
hi def link stackRangeOp      Operator
hi def link stackArrow        Operator
hi def link stackNumber       Number
hi def link stackUnit         Special
hi def link stackBool         Boolean
hi def link stackRef          Constant
hi def link stackCallName     Function
hi def link stackBuiltin      Function
hi def link stackArgName      Identifier
hi def link stackObjectName   Type
hi def link stackString       String
hi def link stackLabelString  String
hi def link stackTriple       String
hi def link stackQuote        String
hi def link stackEscape       SpecialChar
hi def link stackInterp       Identifier
hi def link stackInterpDelim  Delimiter
hi def link stackBrace        Delimiter
hi def link stackBracket      Delimiter
hi def link stackParen        Delimiter
hi def link stackComma        Delimiter
hi def link stackInheritComma Delimiter
hi def link stackError        Error
hi def link stackBodyError    Error
hi def link stackListError    Error
hi def link stackArgsError    Error
hi def link stackHeadError    Error
hi def link stackFromError    Error
hi def link stackAssignError  Error
hi def link stackUnterminated Error
hi def link stackBadEscape    Error
hi def link stackBadUnicode   Error
hi def link stackBadInterp    Error

let b:current_syntax = 'stack'
let &cpo = s:cpo_save
unlet s:cpo_save
