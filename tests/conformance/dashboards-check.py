#!/usr/bin/env python3
"""dashboards-check.py [--promtool PATH] DIR_OR_FILE...: checks the Grafana dashboards stackc
writes (specs/grafana.md) the way Grafana and Prometheus would read them.

Every `*.json` under the given folders (hidden folders skipped) is a dashboard. Its Grafana
folder is the nearest folder above it that holds provisioning/datasources/datasources.yaml; that
file is read for the datasources (uid -> type), and provisioning/dashboards/dashboards.yaml beside
it must declare a file provider. For each dashboard:

  - valid JSON, an object with a uid (1-40 characters of [A-Za-z0-9_-]), a title and an integer
    schemaVersion >= 36; uid and title unique among the dashboards of the same Grafana folder
    (Grafana refuses duplicates), panel ids unique within the dashboard;
  - every top-level panel (rows included) has an integer gridPos inside the 24 columns, and no two
    overlap;
  - every panel except rows and text panels has a datasource {type, uid} whose uid is provisioned
    with that type, and so does every target that names its own;
  - every Prometheus query (targets[].expr) parses with the real `promtool`: all of them are
    written, as recording rules, to one temporary rules file checked with `promtool check rules`.
    Grafana's built-in interval variables ($__rate_interval, $__interval, $__range) are replaced
    by 5m first; any other `$variable` is an error (stackc's dashboards define none);
  - every Loki query is a LogQL stream selector `{label="value", ...}` with at least one
    non-empty equality matcher, optionally followed by a pipeline (no Loki parser is available
    offline, so this is a syntactic check of the selector only).

Prints each problem as `FILE: panel ID "TITLE": message`, then `N passed, M failed` (dashboards).
Exit code: 0 all good, 1 any problem, 2 usage error or promtool missing."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

UID_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
GRID_WIDTH = 24
NO_DATASOURCE = {"row", "text"}
KNOWN_TYPES = {"timeseries", "stat", "logs", "row", "text", "gauge", "bargauge", "table",
               "heatmap", "barchart", "piechart", "histogram", "state-timeline",
               "status-history"}
BUILTIN_VARS = re.compile(r"\$(?:\{__(?:rate_interval|interval|range)\}|__(?:rate_interval|interval|range)\b)")
ANY_VAR = re.compile(r"\$(?:\{[^}]*\}|[A-Za-z_]\w*)")
LOGQL_MATCHER = r'\s*[A-Za-z_][A-Za-z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*'
LOGQL_SELECTOR = re.compile(r"^\s*\{(" + LOGQL_MATCHER + r"(?:," + LOGQL_MATCHER + r")*)\}(\s*\|.*)?\s*$",
                            re.S)
LOGQL_EQ = re.compile(r'[A-Za-z_][A-Za-z0-9_]*\s*=\s*"(?:[^"\\]|\\.)+"')


class Grafana:
    """One Grafana folder: its provisioned datasources and the dashboards seen in it."""

    def __init__(self, root):
        self.root = root
        self.errors = []
        self.datasources = {}  # uid -> type
        self.uids = {}  # dashboard uid -> file
        self.titles = {}  # dashboard title -> file
        path = os.path.join(root, "provisioning", "datasources", "datasources.yaml")
        try:
            doc = yaml.safe_load(open(path, encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            self.errors.append(f"{path}: cannot read: {e}")
            return
        if not isinstance(doc, dict) or doc.get("apiVersion") != 1:
            self.errors.append(f"{path}: not a provisioning file of apiVersion 1")
            return
        defaults = 0
        for i, ds in enumerate(doc.get("datasources") or []):
            where = f"{path}: datasource {i + 1}"
            if not isinstance(ds, dict):
                self.errors.append(f"{where}: not a mapping")
                continue
            for key in ("name", "type", "uid", "url"):
                if not isinstance(ds.get(key), str) or not ds[key]:
                    self.errors.append(f"{where}: `{key}` missing or not a string")
            if ds.get("access", "proxy") not in ("proxy", "direct"):
                self.errors.append(f"{where}: access must be proxy or direct")
            uid = ds.get("uid")
            if isinstance(uid, str) and uid:
                if uid in self.datasources:
                    self.errors.append(f"{where}: uid `{uid}` provisioned twice")
                self.datasources[uid] = ds.get("type")
            defaults += 1 if ds.get("isDefault") else 0
        if not self.datasources:
            self.errors.append(f"{path}: provisions no datasource")
        if defaults > 1:
            self.errors.append(f"{path}: {defaults} datasources are the default; at most one may be")
        path = os.path.join(root, "provisioning", "dashboards", "dashboards.yaml")
        try:
            doc = yaml.safe_load(open(path, encoding="utf-8"))
            providers = doc.get("providers") if isinstance(doc, dict) else None
            if (not isinstance(doc, dict) or doc.get("apiVersion") != 1 or not providers or
                    not all(isinstance(p, dict) and p.get("type") == "file" and
                            isinstance(p.get("options"), dict) and p["options"].get("path")
                            for p in providers)):
                self.errors.append(f"{path}: not a provisioning file of apiVersion 1 whose providers "
                                   "are all `type: file` with `options.path`")
        except (OSError, yaml.YAMLError) as e:
            self.errors.append(f"{path}: cannot read: {e}")


def grafana_root(path):
    folder = os.path.dirname(os.path.abspath(path))
    while True:
        if os.path.isfile(os.path.join(folder, "provisioning", "datasources", "datasources.yaml")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def dashboards(args):
    for a in args:
        if os.path.isfile(a):
            yield a
            continue
        if not os.path.isdir(a):
            print(f"dashboards-check: no such file or folder: {a}", file=sys.stderr)
            sys.exit(2)
        for dirpath, dirnames, filenames in os.walk(a):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for f in sorted(filenames):
                if f.endswith(".json"):
                    yield os.path.join(dirpath, f)


def overlaps(a, b):
    return (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and
            a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])


def check_dashboard(path, g, queries):
    """Returns the problems of one dashboard; appends its PromQL queries to `queries` as
    (expr, where) for promtool."""
    problems = []
    try:
        text = open(path, encoding="utf-8").read()
        d = json.loads(text)
    except (OSError, UnicodeDecodeError) as e:
        return [f"cannot read: {e}"]
    except json.JSONDecodeError as e:
        return [f"invalid JSON: {e}"]
    if not isinstance(d, dict):
        return ["not a JSON object"]
    uid, title = d.get("uid"), d.get("title")
    if not isinstance(uid, str) or not UID_RE.match(uid):
        problems.append(f"uid {uid!r} is not 1-40 characters of [A-Za-z0-9_-]")
    elif uid in g.uids:
        problems.append(f"uid `{uid}` is also the uid of {g.uids[uid]}")
    else:
        g.uids[uid] = path
    if not isinstance(title, str) or not title:
        problems.append("no title")
    elif title in g.titles:
        problems.append(f"title `{title}` is also the title of {g.titles[title]}")
    else:
        g.titles[title] = path
    sv = d.get("schemaVersion")
    if not isinstance(sv, int) or isinstance(sv, bool) or sv < 36:
        problems.append(f"schemaVersion {sv!r}: must be an integer >= 36")
    panels = d.get("panels")
    if not isinstance(panels, list):
        return problems + ["`panels` is not a list"]

    placed, ids, flat = [], {}, []
    for p in panels:
        if not isinstance(p, dict):
            problems.append("a panel is not a JSON object")
            continue
        flat.append(p)
        if p.get("type") == "row" and isinstance(p.get("panels"), list):
            flat.extend(q for q in p["panels"] if isinstance(q, dict))
        gp = p.get("gridPos")
        name = f'panel {p.get("id")} "{p.get("title", "")}"'
        if (not isinstance(gp, dict) or
                not all(isinstance(gp.get(k), int) and not isinstance(gp.get(k), bool)
                        for k in "hwxy")):
            problems.append(f"{name}: gridPos must have integer h, w, x and y")
            continue
        if gp["w"] < 1 or gp["h"] < 1 or gp["x"] < 0 or gp["y"] < 0 or gp["x"] + gp["w"] > GRID_WIDTH:
            problems.append(f"{name}: gridPos {gp} is outside the {GRID_WIDTH} columns")
        for other_name, other in placed:
            if overlaps(gp, other):
                problems.append(f"{name}: gridPos {gp} overlaps {other_name} at {other}")
        placed.append((name, gp))

    for p in flat:
        pid = p.get("id")
        name = f'panel {pid} "{p.get("title", "")}"'
        if not isinstance(pid, int) or isinstance(pid, bool):
            problems.append(f"{name}: id must be an integer")
        elif pid in ids:
            problems.append(f"{name}: id {pid} is also the id of another panel")
        else:
            ids[pid] = True
        ptype = p.get("type")
        if ptype not in KNOWN_TYPES:
            problems.append(f"{name}: unknown panel type {ptype!r}")
        if ptype in NO_DATASOURCE:
            continue

        def datasource(ds, where):
            if not isinstance(ds, dict) or not isinstance(ds.get("uid"), str):
                problems.append(f"{where}: datasource must be an object {{type, uid}}, not {ds!r}")
                return None
            if ds["uid"] not in g.datasources:
                problems.append(f"{where}: datasource uid `{ds['uid']}` is not provisioned "
                                f"(provisioned: {', '.join(sorted(g.datasources)) or 'none'})")
                return None
            kind = g.datasources[ds["uid"]]
            if "type" in ds and ds["type"] != kind:
                problems.append(f"{where}: datasource `{ds['uid']}` has type `{kind}`, "
                                f"not `{ds['type']}`")
            return kind

        panel_kind = datasource(p.get("datasource"), name)
        targets = p.get("targets")
        if not isinstance(targets, list) or not targets:
            problems.append(f"{name}: no targets")
            continue
        refs = set()
        for t in targets:
            if not isinstance(t, dict):
                problems.append(f"{name}: a target is not an object")
                continue
            ref = t.get("refId")
            where = f"{name} target {ref}"
            if not isinstance(ref, str) or not ref or ref in refs:
                problems.append(f"{where}: refId missing or not unique in the panel")
            refs.add(ref)
            kind = datasource(t["datasource"], where) if "datasource" in t else panel_kind
            expr = t.get("expr")
            if kind not in ("prometheus", "loki"):
                continue
            if not isinstance(expr, str) or not expr.strip():
                problems.append(f"{where}: no expr")
                continue
            if kind == "loki":
                m = LOGQL_SELECTOR.match(expr)
                if not m or not LOGQL_EQ.search(m.group(1)):
                    problems.append(f"{where}: not a LogQL stream selector with a non-empty "
                                    f"equality matcher: {expr}")
                continue
            concrete = BUILTIN_VARS.sub("5m", expr)
            var = ANY_VAR.search(concrete)
            if var:
                problems.append(f"{where}: uses the Grafana variable `{var.group(0)}`, which "
                                f"promtool cannot parse: {expr}")
                continue
            queries.append((concrete, path, where))
    return problems


def promtool_check(promtool, queries):
    """Checks every query with `promtool check rules`; returns {index: message} of the failures."""
    if not queries:
        return {}
    rules = [{"record": f"stackc_check:q{i}", "expr": q[0]} for i, q in enumerate(queries)]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "rules.yml")
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}, f,
                           width=1 << 20, sort_keys=False)
        r = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
    out = r.stdout + r.stderr
    failures = {}
    for line in out.splitlines():
        m = re.search(r'"stackc_check:q(\d+)":\s*(.*)$', line)
        if m:
            failures[int(m.group(1))] = m.group(2)
    if r.returncode != 0 and not failures:
        print(f"dashboards-check: promtool failed without naming a query:\n{out}", file=sys.stderr)
        sys.exit(2)
    if r.returncode == 0 and failures:
        failures = {}
    return failures


def main():
    args = sys.argv[1:]
    promtool = "promtool"
    if len(args) >= 2 and args[0] == "--promtool":
        promtool, args = args[1], args[2:]
    if not args or any(a.startswith("-") for a in args):
        print(__doc__, file=sys.stderr)
        return 2
    if not shutil.which(promtool):
        print(f"dashboards-check: `{promtool}` not found (Debian package prometheus)",
              file=sys.stderr)
        return 2

    roots, problems, queries = {}, {}, []
    files = list(dashboards(args))
    for path in files:
        root = grafana_root(path)
        if root is None:
            problems[path] = ["no provisioning/datasources/datasources.yaml in a folder above it"]
            continue
        if root not in roots:
            roots[root] = Grafana(root)
        problems[path] = check_dashboard(path, roots[root], queries)
    for index, message in sorted(promtool_check(promtool, queries).items()):
        expr, path, where = queries[index]
        problems[path].append(f"{where}: promtool: {message}\n    query: {expr}")

    failed = 0
    for g in roots.values():
        for e in g.errors:
            print(e)
            failed += 1
    for path in files:
        for p in problems[path]:
            print(f"{path}: {p}")
        failed += 1 if problems[path] else 0
    passed = len(files) - sum(1 for p in files if problems[p])
    print(f"dashboards-check: {len(files)} dashboards in {len(roots)} Grafana folders, "
          f"{len(queries)} PromQL queries parsed by {promtool}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main())
