#!/usr/bin/env python3
"""Keeps the diagnostic pages true: for every specs/diagnostics/<CODE>.md, the files of its
`## Example` section (a ```stack block, named by a preceding "`name.stack`:" line, else
example.stack) are checked by stackc in a scratch folder, and the ```text block of that section
must be exactly what stackc prints. The fixed input under `## How to fix` must not report the
page's code. Pages with `<!-- example-output: manual -->` (inputs that cannot be shown as text)
are skipped. A page may name the command with `<!-- example-args: build --check -o out --target
argocd -->` (the file name is added last). The pages of `stackc import` (E5xxx, W0040-W0049) show
a ```yaml block instead (example.yaml, or the name on the line before) and name the command
`<!-- example-args: import -o out.stack -->`: the YAML file is then the one given.

usage: check_pages.py STACKC [--update]
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = os.path.join(ROOT, "specs", "diagnostics")
FENCE = re.compile(r"^```(\w+)?\s*$")


def sections(text):
    """Splits a page into (heading, start, end) line ranges of its ## sections."""
    lines = text.split("\n")
    heads = [i for i, l in enumerate(lines) if l.startswith("## ")]
    out = []
    for k, i in enumerate(heads):
        out.append((lines[i][3:].strip(), i, heads[k + 1] if k + 1 < len(heads) else len(lines)))
    return lines, out


def blocks(lines, start, end):
    """Fenced blocks in [start, end): (lang, first_line, last_line, name)."""
    out = []
    i = start
    while i < end:
        m = FENCE.match(lines[i])
        if m and m.group(1):
            j = i + 1
            while j < end and lines[j].strip() != "```":
                j += 1
            name = None
            for back in (i - 1, i - 2):
                if back >= start:
                    nm = re.match(r"^`([\w./-]+\.(?:stack|yaml))`:\s*$", lines[back].strip())
                    if nm:
                        name = nm.group(1)
                        break
            out.append((m.group(1), i, j, name))
            i = j + 1
        else:
            i += 1
    return out


def run(stackc, files, code, args=None):
    with tempfile.TemporaryDirectory() as scratch:
        # The project folder is one level down, so that `../x.stack` stays inside the scratch.
        tmp = os.path.join(scratch, "project")
        os.makedirs(tmp)
        for name, text in files.items():
            path = os.path.join(tmp, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        env = dict(os.environ, NO_COLOR="1")
        cmd = [stackc, "check", "example.stack"]
        if code.startswith("E4"):  # target limits are found by the emitters
            cmd = [stackc, "build", "--check", "-o", "out", "example.stack"]
        if args:
            main = "example.yaml" if "example.yaml" in files else "example.stack"
            cmd = [stackc] + args + [main]
        p = subprocess.run(cmd, cwd=tmp, env=env,
                           capture_output=True, text=True, errors="replace", timeout=60)
        return p.stderr + p.stdout


def files_of(lines, bl):
    files = {}
    for lang, a, b, name in bl:
        if lang == "stack":
            files[name or "example.stack"] = "\n".join(lines[a + 1:b]) + "\n"
        if lang == "yaml":
            files[name or "example.yaml"] = "\n".join(lines[a + 1:b]) + "\n"
    return files


def main():
    stackc = os.path.abspath(sys.argv[1])
    update = "--update" in sys.argv
    bad = 0
    for page in sorted(os.listdir(PAGES)):
        if not page.endswith(".md"):
            continue
        code = page[:-3]
        path = os.path.join(PAGES, page)
        text = open(path, encoding="utf-8").read()
        if "<!-- example-output: manual -->" in text:
            continue
        lines, secs = sections(text)
        ex = [s for s in secs if s[0] == "Example"]
        fix = [s for s in secs if s[0] == "How to fix"]
        if not ex:
            print(f"{page}: no `## Example` section")
            bad += 1
            continue
        bl = blocks(lines, ex[0][1], ex[0][2])
        files = files_of(lines, bl)
        texts = [b for b in bl if b[0] == "text"]
        if ("example.stack" not in files and "example.yaml" not in files) or not texts:
            print(f"{page}: the example needs a ```stack (or ```yaml) block and a ```text block")
            bad += 1
            continue
        am = re.search(r"<!-- example-args: (.*?) -->", text)
        args = am.group(1).split() if am else None
        got = run(stackc, files, code, args)
        _, a, b, _ = texts[0]
        want = "\n".join(lines[a + 1:b]) + "\n"
        if f"[{code}]" not in got:
            print(f"{page}: the example does not report {code}:\n{got}")
            bad += 1
        if got != want:
            if update:
                lines[a + 1:b] = got.rstrip("\n").split("\n")
                with open(path, "w", encoding="utf-8") as f:
                    f.write("\n".join(lines))
                print(f"{page}: example output updated")
                lines, secs = sections("\n".join(lines))  # the sections moved
                fix = [sec for sec in secs if sec[0] == "How to fix"]
            else:
                print(f"{page}: the example's output is stale (run tests/check_pages.py STACKC --update)")
                bad += 1
        if fix:
            ffiles = dict(files)
            ffiles.update(files_of(lines, blocks(lines, fix[0][1], fix[0][2])))
            fgot = run(stackc, ffiles, code, args)
            if f"[{code}]" in fgot:
                print(f"{page}: the fixed input still reports {code}:\n{fgot}")
                bad += 1
    print(f"{bad} failed" if bad else "diagnostic pages: all examples current")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
