;;; STACK_LSP_CMD='prog arg ...' emacs -Q --batch -l emacs-eglot-check.el FILE
;;; Emacs eglot, with the server that stack-mode registers (`stack-lsp-command', set from
;;; STACK_LSP_CMD), starts it on FILE; prints the flymake diagnostics as line:col type message.
;;; Exit 0 when at least one arrived within 10 s.
(dolist (d (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path d))
(require 'eglot)
(load (expand-file-name "../../editors/emacs/stack-mode.el" (file-name-directory load-file-name)) nil t)
(setq stack-lsp-command (split-string (getenv "STACK_LSP_CMD")))
(setq eglot-sync-connect t eglot-autoshutdown t)
(let ((buf (find-file-noselect (car command-line-args-left))))
  (setq command-line-args-left nil)
  (with-current-buffer buf
    (unless (eq major-mode 'stack-mode) (kill-emacs 2))
    (eglot-ensure)
    (run-hooks 'post-command-hook)          ; eglot-ensure starts the server from there
    (let ((deadline (+ (float-time) 10)))
      (while (and (< (float-time) deadline) (null (flymake-diagnostics)))
        (accept-process-output nil 0.1)
        (when (and (eglot-current-server) (not flymake-mode)) (flymake-mode 1))
        (flymake-start)))
    (dolist (d (flymake-diagnostics))
      (princ (format "%d:%d %s %s\n"
                     (line-number-at-pos (flymake-diagnostic-beg d))
                     (1+ (save-excursion (goto-char (flymake-diagnostic-beg d)) (current-column)))
                     (flymake-diagnostic-type d) (flymake-diagnostic-text d))))
    (let ((n (length (flymake-diagnostics))))
      (ignore-errors (eglot-shutdown (eglot-current-server)))
      (kill-emacs (if (> n 0) 0 1)))))
