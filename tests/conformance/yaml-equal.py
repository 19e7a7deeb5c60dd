#!/usr/bin/python3
"""Compares two streams of Kubernetes objects as sets, not as text.

    yaml-equal.py A B

A and B are each a YAML file (multi-document), a folder (every *.yaml / *.yml under it,
recursively) or "-" for stdin (only one of them). Objects are keyed by (apiVersion, kind,
metadata.namespace, metadata.name); document order, key order, comments, quoting and
formatting do not matter, values are compared as parsed data (YAML 1.1, as Kubernetes reads
it: PyYAML). Empty documents are ignored.

Prints the objects only in A ("missing from B"), only in B ("extra in B") and, for objects in
both that differ, a path-level diff (at most 20 lines each). Exit 0 when equal, 1 when they
differ, 2 on bad input (unreadable file, invalid YAML, a document that is not a mapping, two
objects with the same key in one stream).
"""
import os
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.stderr.write("yaml-equal: PyYAML missing (apt-get install python3-yaml, or run "
                     "tests/conformance/setup.sh)\n")
    sys.exit(2)

MAX_DIFFS = 20


class BadInput(Exception):
    pass


def files_of(arg):
    if arg == "-":
        return [("<stdin>", sys.stdin.read())]
    if os.path.isdir(arg):
        found = []
        for root, dirs, names in os.walk(arg):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
            for n in sorted(names):
                if n.endswith((".yaml", ".yml")):
                    found.append(os.path.join(root, n))
        return [(f, open(f, encoding="utf-8").read()) for f in sorted(found)]
    try:
        with open(arg, encoding="utf-8") as fh:
            return [(arg, fh.read())]
    except OSError as e:
        raise BadInput(f"cannot read {arg}: {e.strerror}")


def load(arg):
    """Returns {key: (where, obj)}."""
    objs = {}
    for name, text in files_of(arg):
        try:
            docs = list(yaml.safe_load_all(text))
        except yaml.YAMLError as e:
            raise BadInput(f"{name}: invalid YAML: {e}")
        for i, doc in enumerate(docs, 1):
            if doc is None:
                continue
            where = f"{name}#{i}"
            if not isinstance(doc, dict):
                raise BadInput(f"{where}: document is not a mapping")
            meta = doc.get("metadata") or {}
            if not isinstance(meta, dict):
                raise BadInput(f"{where}: metadata is not a mapping")
            key = (doc.get("apiVersion"), doc.get("kind"), meta.get("namespace"), meta.get("name"))
            if key in objs:
                raise BadInput(f"{where}: {fmt_key(key)} also in {objs[key][0]}")
            objs[key] = (where, doc)
    return objs


def fmt_key(key):
    api, kind, ns, name = ("<none>" if k is None else str(k) for k in key)
    return f"{api} {kind} {ns + '/' if key[2] else ''}{name}"


def same_scalar(a, b):
    # bool is an int in Python: True must not equal 1, nor "1" equal 1; 3 and 3.0 are equal.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    num = (int, float)
    if isinstance(a, num) and isinstance(b, num):
        return a == b
    return type(a) is type(b) and a == b


def short(v):
    s = repr(v) if not isinstance(v, (dict, list)) else yaml.safe_dump(v, default_flow_style=True, width=10**6).strip()
    return s if len(s) <= 120 else s[:117] + "..."


def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            p = f"{path}.{k}" if path else str(k)
            if k not in b:
                out.append(f"  - {p}: {short(a[k])} (only in A)")
            elif k not in a:
                out.append(f"  + {p}: {short(b[k])} (only in B)")
            else:
                diff(a[k], b[k], p, out)
    elif isinstance(a, list) and isinstance(b, list):
        for i in range(max(len(a), len(b))):
            p = f"{path}[{i}]"
            if i >= len(b):
                out.append(f"  - {p}: {short(a[i])} (only in A)")
            elif i >= len(a):
                out.append(f"  + {p}: {short(b[i])} (only in B)")
            else:
                diff(a[i], b[i], p, out)
    elif isinstance(a, (dict, list)) or isinstance(b, (dict, list)) or not same_scalar(a, b):
        out.append(f"  ~ {path or '.'}: A {short(a)} != B {short(b)}")


def main(argv):
    if len(argv) != 2 or (argv[0] == "-" and argv[1] == "-"):
        sys.stderr.write("usage: yaml-equal.py A B   (files, folders of *.yaml, or - for stdin once)\n")
        return 2
    try:
        a, b = load(argv[0]), load(argv[1])
    except BadInput as e:
        sys.stderr.write(f"yaml-equal: {e}\n")
        return 2
    differ = 0
    for key in sorted(set(a) - set(b), key=lambda k: tuple(map(str, k))):
        print(f"missing from B: {fmt_key(key)} ({a[key][0]})")
        differ += 1
    for key in sorted(set(b) - set(a), key=lambda k: tuple(map(str, k))):
        print(f"extra in B: {fmt_key(key)} ({b[key][0]})")
        differ += 1
    for key in sorted(set(a) & set(b), key=lambda k: tuple(map(str, k))):
        out = []
        diff(a[key][1], b[key][1], "", out)
        if out:
            differ += 1
            print(f"differs: {fmt_key(key)} (A {a[key][0]}, B {b[key][0]})")
            for line in out[:MAX_DIFFS]:
                print(line)
            if len(out) > MAX_DIFFS:
                print(f"  ... {len(out) - MAX_DIFFS} more")
    same = len(set(a) & set(b))
    if differ:
        print(f"yaml-equal: {differ} object(s) differ ({len(a)} in A, {len(b)} in B)")
        return 1
    print(f"yaml-equal: {same} object(s) equal")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
