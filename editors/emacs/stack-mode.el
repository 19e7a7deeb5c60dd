;;; stack-mode.el --- Major mode for .stack infrastructure files (stackc)  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages
;; URL: the stackc project, editors/emacs

;;; Commentary:

;; Editing support for `.stack' files, the language of the stackc compiler
;; (specs/language.md of the project):
;;
;; - font-lock of the whole language, as the TextMate grammar of editors/vscode colours it:
;;   kinds, declared names, `template NAME for KIND', `from' templates, `when ENV', keys,
;;   labels, strings with escapes and ${...} interpolation, """ multi-line strings, numbers
;;   with units, ranges and port mappings, booleans, references, calls and object values, and
;;   the syntax errors the parser reports (in `font-lock-warning-face');
;; - indentation as `stackc fmt' indents (two spaces per open {, [ or ( ; the text of
;;   """ strings is left alone);
;; - `#' comments (M-; and comment-region), imenu of the top-level declarations;
;; - C-c C-f (`stack-format-buffer') formats the buffer with `stackc fmt';
;; - the language server: `stackc lsp' is registered with eglot, so M-x eglot (or
;;   `eglot-ensure' in `stack-mode-hook') gives diagnostics, hover, definitions, completion,
;;   rename, quick fixes and formatting.
;;
;; Install: put this file on `load-path' and
;;
;;   (require 'stack-mode)
;;   (add-hook 'stack-mode-hook #'eglot-ensure)   ; optional: start the language server

;;; Code:

(require 'subr-x)

(defgroup stack nil
  "Editing .stack files."
  :group 'languages
  :prefix "stack-")

(defcustom stack-indent-offset 2
  "Columns per open block, list or call; `stackc fmt' uses 2."
  :type 'integer
  :safe #'integerp)

(defcustom stack-stackc-program "stackc"
  "The stackc binary that `stack-format-buffer' runs."
  :type 'string)

(defcustom stack-lsp-command '("stackc" "lsp")
  "The command line of the stackc language server: a program and its arguments."
  :type '(repeat string))

(defface stack-escape-face
  `((t :inherit ,(if (facep 'font-lock-escape-face) 'font-lock-escape-face 'font-lock-constant-face)))
  "Face of escapes such as \\n and \\u{1F600} in strings.")

(defface stack-interpolation-face
  '((t :inherit font-lock-variable-name-face))
  "Face of ${...} interpolations in strings.")

(defconst stack-top-kinds
  '("stack" "cluster" "environment" "secrets" "service" "worker" "stateful" "job" "cron"
    "monitoring" "alert" "record" "dashboard" "backup" "pipeline")
  "Top-level kinds that declare something.
These are compiler/check/schema.cpp's `top' kinds, less `import' and `template',
which have their own forms.")

(defconst stack-builtin-calls '("secret" "http" "tcp" "grpc" "exec" "sleep")
  "Calls that the language defines.")

(defconst stack--ident-re "[A-Za-z_][A-Za-z0-9_-]*")
(defconst stack--path-re (concat stack--ident-re "\\(?:\\." stack--ident-re "\\)*"))
(defconst stack--digits-re "[0-9]\\(?:[0-9]\\|_[0-9]\\)*")
(defconst stack--number-re
  (concat "\\(-?" stack--digits-re "\\(?:\\." stack--digits-re "\\)?\\)\\(%\\|[A-Za-z]+\\)?"))

;;;; Syntax table and """ strings

(defvar stack-mode-syntax-table
  (let ((st (make-syntax-table)))
    (modify-syntax-entry ?# "<" st)
    (modify-syntax-entry ?\n ">" st)
    (modify-syntax-entry ?\" "\"" st)
    (modify-syntax-entry ?\\ "\\" st)
    (modify-syntax-entry ?_ "_" st)
    (modify-syntax-entry ?- "_" st)
    (modify-syntax-entry ?{ "(}" st)
    (modify-syntax-entry ?} "){" st)
    (modify-syntax-entry ?\[ "(]" st)
    (modify-syntax-entry ?\] ")[" st)
    (modify-syntax-entry ?\( "()" st)
    (modify-syntax-entry ?\) ")(" st)
    (dolist (c '(?. ?= ?, ?$ ?% ?' ?> ?< ?: ?/ ?* ?+ ?! ?@ ?& ?| ?^ ?~ ?\; ??))
      (modify-syntax-entry c "." st))
    st)
  "Syntax table of `stack-mode'.")

(defun stack--syntax-propertize-triple ()
  "Make the \"\"\" just matched a string fence.
It opens or closes a multi-line string."
  (let* ((beg (match-beginning 0))
         (ppss (save-excursion (syntax-ppss beg))))
    (cond
     ((nth 4 ppss) nil)                            ; in a comment
     ((eq (nth 3 ppss) t)                          ; in a """ string: this one closes it
      (unless (eq (char-before beg) ?\\)
        (put-text-property (+ beg 2) (+ beg 3) 'syntax-table (string-to-syntax "|"))))
     ((nth 3 ppss) nil)                            ; in a plain string
     (t (put-text-property beg (1+ beg) 'syntax-table (string-to-syntax "|"))
        (goto-char (+ beg 3))))))

(defun stack--syntax-propertize-unterminated ()
  "A \" that opens a string which the line ends before closing is no string (E1002)."
  (let ((beg (match-beginning 0)))
    (unless (nth 8 (save-excursion (syntax-ppss beg)))
      (put-text-property beg (1+ beg) 'syntax-table (string-to-syntax ".")))))

(defun stack--syntax-propertize-close ()
  "Make the ] } or ) just matched no bracket when it closes nothing open.
So does one that closes another kind of bracket (both are E1001)."
  (let* ((beg (match-beginning 0))
         (ppss (save-excursion (syntax-ppss beg)))
         (open (nth 1 ppss)))
    (unless (or (nth 8 ppss)
                (and open (eq (char-after open)
                              (cdr (assq (char-after beg) '((?\] . ?\[) (?\} . ?{) (?\) . ?\()))))))
      (put-text-property beg (1+ beg) 'syntax-table (string-to-syntax ".")))))

(defconst stack--syntax-propertize
  (syntax-propertize-rules
   ("[]})]" (0 (ignore (stack--syntax-propertize-close))))
   ("\"\"\"" (0 (ignore (stack--syntax-propertize-triple))))
   ("\"\\(?:[^\"\\\n]\\|\\\\.\\)*$" (0 (ignore (stack--syntax-propertize-unterminated))))))

;;;; Font-lock: a small scanner that follows the statement grammar (specs/language.md §2)

(defun stack--put (beg end face)
  "Give BEG..END the FACE.
It is prepended, so that strings keep their own face under escapes."
  (when face
    (font-lock-prepend-text-property beg end 'face face)))

(defun stack--mode-of (stack)
  "The mode inside the open brackets STACK.
That is `stmt' in a block or at the top, `list' in [ ] and `args' in ( )."
  (pcase (car (last stack)) (?\[ 'list) (?\( 'args) (_ 'stmt)))

(defun stack--string-end ()
  "Move past the string that starts at point.
Go to the end of the buffer when it is not closed."
  (goto-char (or (ignore-errors (scan-sexps (point) 1)) (point-max))))

(defun stack--scan-value ()
  "Fontify the value at point.
Return `open' at a ( or { that opens it, `done', or nil when no value is there."
  (cond
   ((looking-at (concat stack--number-re "\\(?:\\(\\.\\.\\)\\|[ \t]*\\(->\\)\\)?"))
    (stack--put (match-beginning 1) (match-end 1) 'font-lock-constant-face)
    (when (match-beginning 2) (stack--put (match-beginning 2) (match-end 2) 'font-lock-type-face))
    (goto-char (match-end 0))
    (when (or (match-beginning 3) (match-beginning 4))
      (let ((op (if (match-beginning 3) (match-beginning 3) (match-beginning 4)))
            (op-end (if (match-beginning 3) (match-end 3) (match-end 4))))
        (skip-chars-forward " \t")
        (if (looking-at stack--number-re)
            (progn
              (stack--put (match-beginning 1) (match-end 1) 'font-lock-constant-face)
              (when (match-beginning 2)
                (stack--put (match-beginning 2) (match-end 2) 'font-lock-type-face))
              (goto-char (match-end 0)))
          (stack--put op op-end 'font-lock-warning-face))))
    'done)
   ((looking-at (concat "\\(" stack--path-re "\\)\\((\\|[ \t]*{\\)?"))
    (let ((name (match-string 1)) (b (match-beginning 1)) (e (match-end 1))
          (open (match-string 2)))
      (goto-char e)
      (cond
       ((equal open "(")
        (stack--put b e (if (member name stack-builtin-calls)
                            'font-lock-builtin-face 'font-lock-function-name-face))
        'open)
       (open (stack--put b e 'font-lock-type-face) (skip-chars-forward " \t") 'open)
       ((and (member name '("true" "false"))) (stack--put b e 'font-lock-constant-face) 'done)
       (t (stack--put b e 'font-lock-constant-face) 'done))))
   (t nil)))

(defun stack--fontify-line (ppss)
  "Fontify the code of the line at point, which starts with PPSS.
Leave point at the end of the line."
  (let* ((lineend (line-end-position))
         (stack (mapcar #'char-after (nth 9 ppss)))
         (state 'stmt)        ; in a block: stmt, head, from, value; else the value mode
         (head nil))          ; what the head's next identifier is: decl, tname, for, kind, env
    (when (nth 3 ppss)        ; the line starts in a """ string: step over its text
      (goto-char (nth 8 ppss))
      (stack--string-end))
    (when (and (eq (stack--mode-of stack) 'stmt)   ; `from a,' at the end of the line above goes on here
               (save-excursion
                 (forward-line -1)
                 (looking-at (concat "[^#\"\n]*[ \t]from[ \t]+" stack--ident-re
                                     "\\(?:[ \t]*,[ \t]*" stack--ident-re "\\)*[ \t]*,[ \t]*$"))))
      (setq state 'from))
    (progn
      (while (progn (skip-chars-forward " \t\r") (< (point) lineend))
        (let ((c (char-after)) (m nil))
          (setq m (stack--mode-of stack))
          (cond
           ((eq c ?#) (goto-char lineend))
           ((and (eq c ?\") (eq (syntax-class (syntax-after (point))) 1))
            ;; a quote that the line ends before closing (E1002)
            (stack--put (point) (1+ (point)) 'font-lock-string-face)
            (stack--put (1+ (point)) lineend 'font-lock-warning-face)
            (goto-char lineend))
           ((eq c ?\")
            (let ((bad (and (eq m 'stmt) (eq state 'stmt))) (b (point)))
              (stack--string-end)
              (when bad (stack--put b (point) 'font-lock-warning-face))
              (pcase state
                ('value (setq state 'stmt))
                ('head (setq head nil)))))
           ((and (memq c '(?\} ?\] ?\))))
            (if (or (null stack)
                    (not (eq (car (last stack)) (pcase c (?\} ?{) (?\] ?\[) (?\) ?\()))))
                (stack--put (point) (1+ (point)) 'font-lock-warning-face)
              (setq stack (butlast stack)))
            (forward-char 1)
            (setq state 'stmt))
           ((eq c ?,) (forward-char 1) (when (eq m 'stmt) (unless (eq state 'from) (setq state 'stmt))))
           ;; ---- lists and call arguments: values, and name = value in calls
           ((memq m '(list args))
            (cond
             ((eq c ?\[) (setq stack (append stack (list ?\[))) (forward-char 1))
             ((and (eq m 'args) (looking-at (concat "\\(" stack--ident-re "\\)[ \t]*=\\([^=]\\|$\\)")))
              (stack--put (match-beginning 1) (match-end 1) 'font-lock-variable-name-face)
              (goto-char (match-end 1)) (skip-chars-forward " \t") (forward-char 1))
             (t (pcase (stack--scan-value)
                  ('open (setq stack (append stack (list (char-after)))) (forward-char 1)
                         (setq state 'stmt))
                  ('done nil)
                  (_ (stack--put (point) (1+ (point)) 'font-lock-warning-face)
                     (forward-char 1))))))
           ;; ---- blocks and the top level: statements
           ((eq state 'value)
            (cond
             ((eq c ?\[) (setq stack (append stack (list ?\[))) (forward-char 1) (setq state 'stmt))
             (t (pcase (stack--scan-value)
                  ('open (setq stack (append stack (list (char-after)))) (forward-char 1)
                         (setq state 'stmt))
                  ('done (setq state 'stmt))
                  (_ (setq state 'stmt))))))
           ((eq c ?=)
            (if (looking-at "=[ \t]*\\(?:#.*\\)?$")
                (progn (stack--put (point) (1+ (point)) 'font-lock-warning-face)
                       (goto-char lineend))
              (forward-char 1) (setq state 'value)))
           ((eq c ?{)
            (when (eq state 'stmt) (stack--put (point) (1+ (point)) 'font-lock-warning-face))
            (setq stack (append stack (list ?{)) state 'stmt)
            (forward-char 1))
           ((looking-at stack--ident-re)
            (let ((b (match-beginning 0)) (e (match-end 0)) (w (match-string 0)) (top (null stack)))
              (goto-char e)
              (pcase state
                ('stmt
                 (setq state 'head head nil)
                 (cond
                  ((and top (member w stack-top-kinds))
                   (stack--put b e 'font-lock-keyword-face) (setq head 'decl))
                  ((and top (equal w "import")) (stack--put b e 'font-lock-keyword-face))
                  ((and top (equal w "template"))
                   (stack--put b e 'font-lock-keyword-face) (setq head 'tname))
                  ((and (equal w "when")
                        (looking-at (concat "[ \t]+\\(" stack--ident-re "\\)"))
                        (not (equal (match-string 1) "from")))
                   (stack--put b e 'font-lock-keyword-face) (setq head 'env))
                  (t (stack--put b e 'font-lock-variable-name-face))))
                ('from (stack--put b e 'font-lock-type-face))
                ('head
                 (cond
                  ((equal w "from")
                   (if (looking-at "[ \t]*\\(?:[#{=,]\\|$\\)")
                       (stack--put b e 'font-lock-warning-face)
                     (stack--put b e 'font-lock-keyword-face) (setq state 'from)))
                  ((eq head 'decl) (stack--put b e 'font-lock-function-name-face) (setq head nil))
                  ((eq head 'tname) (stack--put b e 'font-lock-function-name-face) (setq head 'for))
                  ((and (eq head 'for) (equal w "for"))
                   (stack--put b e 'font-lock-keyword-face) (setq head 'kind))
                  ((eq head 'kind) (stack--put b e 'font-lock-keyword-face) (setq head nil))
                  ((eq head 'env) (stack--put b e 'font-lock-constant-face) (setq head nil))
                  (t (stack--put b e 'font-lock-constant-face) (setq head nil)))))))
           (t
            (stack--put (point) (1+ (point)) 'font-lock-warning-face)
            (forward-char 1))))))
    (goto-char lineend)))

(defun stack--fontify (limit)
  "Font-lock matcher: fontify the lines from point to LIMIT.
Return nil: it sets no match data."
  (let ((start (line-beginning-position)))
    (goto-char start)
    (while (< (point) limit)
      (let ((ppss (syntax-ppss (point))))
        (stack--fontify-line ppss))
      (forward-line 1)))
  nil)

(defun stack--match-in-string (re limit)
  "Search RE up to LIMIT where the match starts in a string."
  (let (found)
    (while (and (not found) (re-search-forward re limit t))
      (when (nth 3 (save-excursion (syntax-ppss (match-beginning 0))))
        (setq found t)))
    found))

(defconst stack--bad-unicode-re
  "\\\\u{\\(?:0\\{0,2\\}[dD][89a-fA-F][0-9a-fA-F]\\{2\\}\\|\\(?:1[1-9a-fA-F]\\|[2-9a-fA-F][0-9a-fA-F]\\)[0-9a-fA-F]\\{4\\}\\)}")

(defun stack--match-string-part (limit)
  "Find the next escape or ${ in a string before LIMIT.
Left to right, so that \\${ is an escape.  Groups: 1 and 3 bad escapes (E1003),
2 an escape, 4 an interpolation, 5 a ${ with no reference (E1001)."
  (stack--match-in-string
   (concat "\\(" stack--bad-unicode-re "\\)"
           "\\|\\(\\\\\\(?:[\"\\\\ntr$0]\\|u{[0-9a-fA-F]\\{1,6\\}}\\)\\)"
           "\\|\\(\\\\.?\\)"
           "\\|\\(\\${" stack--path-re "}\\)\\|\\(\\${\\)")
   limit))

(defvar stack-font-lock-keywords
  `((stack--fontify)
    (stack--match-string-part (1 'font-lock-warning-face prepend t)
                              (2 'stack-escape-face prepend t)
                              (3 'font-lock-warning-face prepend t)
                              (4 'stack-interpolation-face prepend t)
                              (5 'font-lock-warning-face prepend t)))
  "Font-lock of `stack-mode'.
The statement scanner, then escapes and interpolations in strings.")

;;;; Indentation

(defun stack-indent-line ()
  "Indent the line as `stackc fmt' does; leave the text of a \"\"\" string alone."
  (interactive)
  (let* ((ppss (save-excursion (syntax-ppss (line-beginning-position))))
         (opens (nth 9 ppss))
         (offset (- (current-column) (current-indentation))))
    (unless (nth 3 ppss)
      (let ((indent
             (if (null opens)
                 0
               (let ((opener-indent (save-excursion (goto-char (car (last opens)))
                                                    (current-indentation))))
                 (if (save-excursion (back-to-indentation) (looking-at "[]})]"))
                     opener-indent
                   (+ opener-indent stack-indent-offset))))))
        (indent-line-to indent)
        (when (> offset 0) (move-to-column (+ indent offset)))))))

;;;; Formatting without the server

(defun stack-format-buffer ()
  "Format the buffer as `stackc fmt' does, saved or not.
A buffer with syntax errors is left as it is and the errors are shown."
  (interactive)
  (let ((tmp (make-temp-file "stack-fmt" nil ".stack"))
        (err (make-temp-file "stack-fmt-err"))
        (out (generate-new-buffer " *stackc fmt*")))
    (unwind-protect
        (progn
          (let ((coding-system-for-write 'utf-8-unix))
            (write-region nil nil tmp nil 'silent))
          (if (zerop (call-process stack-stackc-program nil (list out err) nil
                                   "fmt" "--stdout" "--color=never" tmp))
              (unless (equal (buffer-string) (with-current-buffer out (buffer-string)))
                (replace-buffer-contents out))
            (message "stackc fmt: %s"
                     (with-temp-buffer
                       (insert-file-contents err)
                       (string-trim (replace-regexp-in-string (regexp-quote tmp) (buffer-name)
                                                              (buffer-string)))))))
      (kill-buffer out)
      (delete-file tmp)
      (delete-file err))))

;;;; Imenu

(defvar stack-imenu-generic-expression
  `(("Templates" ,(concat "^template[ \t]+\\(" stack--ident-re "\\)") 1)
    (nil ,(concat "^\\(?:" (regexp-opt stack-top-kinds) "\\)[ \t]+\\(" stack--ident-re "\\)") 1))
  "Imenu: top-level declarations and templates.")

;;;; The mode

;;;###autoload
(define-derived-mode stack-mode prog-mode "Stack"
  "Major mode for .stack files, the infrastructure language of stackc.
\\{stack-mode-map}"
  :syntax-table stack-mode-syntax-table
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+[ \t]*")
  (setq-local comment-end "")
  (setq-local indent-line-function #'stack-indent-line)
  (setq-local indent-tabs-mode nil)
  (setq-local tab-width 8)
  (setq-local electric-indent-chars (append "{}[]()" electric-indent-chars))
  (setq-local syntax-propertize-function stack--syntax-propertize)
  (setq-local font-lock-defaults '(stack-font-lock-keywords nil nil nil))
  (setq-local font-lock-multiline t)
  (setq-local imenu-generic-expression stack-imenu-generic-expression))

(define-key stack-mode-map (kbd "C-c C-f") #'stack-format-buffer)

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.stack\\'" . stack-mode))

;; The language server: eglot starts `stack-lsp-command' for stack-mode buffers.
(defvar eglot-server-programs)
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               `(stack-mode . ,(lambda (&rest _) stack-lsp-command))))

(provide 'stack-mode)
;;; stack-mode.el ends here
