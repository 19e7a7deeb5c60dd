;;; Emacs (28, Debian) with eglot (elpa-eglot) as the LSP client: starts `stackc lsp` on the file
;;; given, waits for its diagnostics through flymake, prints them, exits 0 when some arrived.
;;; Usage: STACKC=build/compiler/stackc emacs -Q --batch -l eglot-check.el FILE
;;; (after the recipe in ../shared/editor-recipes/emacs-eglot-check.el).
(dolist (d (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path d))
(require 'eglot)
(define-derived-mode stack-test-mode prog-mode "Stack")
(add-to-list 'auto-mode-alist '("\\.stack\\'" . stack-test-mode))
(add-to-list 'eglot-server-programs
             `(stack-test-mode . (,(or (getenv "STACKC") "stackc") "lsp")))
(setq eglot-sync-connect t eglot-autoshutdown t)
(let* ((file (car command-line-args-left))
       (buf (find-file-noselect file)))
  (setq command-line-args-left nil)
  (with-current-buffer buf
    (eglot-ensure)
    (run-hooks 'post-command-hook)          ; eglot-ensure defers to post-command-hook
    (let ((deadline (+ (float-time) 10)))
      (while (and (< (float-time) deadline)
                  (null (flymake-diagnostics)))
        (accept-process-output nil 0.1)
        (when (and (eglot-current-server) (not flymake-mode)) (flymake-mode 1))
        (flymake-start)))
    (princ (format "server: %S\n" (and (eglot-current-server)
                                       (plist-get (eglot--server-info (eglot-current-server)) :name))))
    (dolist (d (flymake-diagnostics))
      (princ (format "diag: line %d col %d %s %S\n"
                     (line-number-at-pos (flymake-diagnostic-beg d))
                     (save-excursion (goto-char (flymake-diagnostic-beg d)) (current-column))
                     (flymake-diagnostic-type d) (flymake-diagnostic-text d))))
    (let ((n (length (flymake-diagnostics))))
      (ignore-errors (eglot-shutdown (eglot-current-server)))
      (kill-emacs (if (> n 0) 0 1)))))
