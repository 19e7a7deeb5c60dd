#!/usr/bin/env python3
"""Judges one `stackc diff --format json` report of the round trip against its reviewed list.

    check.py REPORT.json EXPECTED.txt LABEL

EXPECTED.txt lists the differences the round trip may leave, one per line:
`OBJECT PATH  # why` (`*` matches any text; `#` starts the reason, which every line must give).
A difference no line matches fails (the round trip lost something nobody reviewed), and so does
a line no difference matches (the list would no longer be true). The intended hardening is not
listed: it is counted. Prints the figures: objects, fields compared, differences left.
"""
import json
import re
import sys


def pattern(text):
    return re.compile(".*".join(re.escape(p) for p in text.split("*")) + r"\Z")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    report, expected, label = argv
    with open(report, encoding="utf-8") as f:
        r = json.load(f)
    rows = []
    with open(expected, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if "#" not in line or not line.split("#", 1)[1].strip():
                print(f"{expected}:{n}: a listed difference needs its reason after `#`")
                return 1
            what = line.split("#", 1)[0].strip()
            rows.append((n, what, pattern(what)))
    hit = [0] * len(rows)
    unlisted = []
    for d in r["differences"]:
        text = f"{d['object']} {d['path']}".rstrip()
        found = False
        for i, (_, _, p) in enumerate(rows):
            if p.match(text):
                hit[i] += 1
                found = True
        if not found:
            unlisted.append(d)
    for d in unlisted:
        where = d["location"]
        at = f" ({where['file']}:{where['line']})" if where else ""
        print(f"  UNLISTED {d['object']} {d['path'] or '(whole object: only in the ' + d.get('only_in', '?') + ')'}: "
              f"stack {json.dumps(d['stack'])[:80]}, against {json.dumps(d['against'])[:80]}{at}")
    stale = [(n, what) for (n, what, _), h in zip(rows, hit) if not h]
    for n, what in stale:
        print(f"  STALE {expected}:{n}: {what} (no such difference any more)")
    s = r["summary"]
    print(f"{label}: {r['objects']['against']} objects, {r['objects']['matched']} matched, "
          f"{r['fields_compared']} fields compared, {s['differences']} differences left "
          f"({s['differences'] - len(unlisted)} listed), {s['intended']} intended")
    return 1 if unlisted or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
