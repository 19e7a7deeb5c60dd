;;; DUMP_DIR=DIR emacs -Q --batch -l emacs-faces.el FILE... -- writes DIR/N.txt per FILE (N = its
;;; place in the list): a first line major-mode=..., then for every non-blank character as
;;; stack-mode fontifies it, line:col<TAB>char<TAB>face (the first face when there are several;
;;; col counts characters from 1).
(load (expand-file-name "../../editors/emacs/stack-mode.el" (file-name-directory load-file-name)) nil t)
(let ((n 0))
  (dolist (file command-line-args-left)
    (setq n (1+ n))
    (with-current-buffer (find-file-noselect file)
      (font-lock-ensure)
      (let ((out (list (format "major-mode=%s\n" major-mode))) (line 1) (col 1))
        (goto-char (point-min))
        (while (not (eobp))
          (let ((c (char-after)))
            (cond
             ((eq c ?\n) (setq line (1+ line) col 0))
             ((memq c '(?\s ?\t ?\r)) nil)
             (t (let ((face (get-text-property (point) 'face)))
                  (push (format "%d:%d\t%c\t%s\n" line col c (or (if (consp face) (car face) face) ""))
                        out))))
            (setq col (1+ col))
            (forward-char 1)))
        (with-temp-file (format "%s/%d.txt" (getenv "DUMP_DIR") n)
          (set-buffer-file-coding-system 'utf-8)
          (apply #'insert (nreverse out))))))
  (setq command-line-args-left nil))
