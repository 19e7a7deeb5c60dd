#!/usr/bin/env python3
"""Fidelity of a stackc example to the upstream manifests of the application it describes.

    fidelity.py UPSTREAM.yaml BUILT_DIR README.md
    fidelity.py --self-test UPSTREAM.yaml BUILT_DIR README.md

Compares, workload by workload (a Deployment, StatefulSet, DaemonSet, Job or CronJob upstream and
the object of the same name that `stackc build` wrote into BUILT_DIR, the kubernetes/<env>/
folder), every field that decides how the application runs: the kind, replicas, the grace
period, the node selector, and per container the image, command, args, the effective environment
(ConfigMap and Secret references resolved to where the value comes from), the ports, the probes
with their timings (Kubernetes' defaults filled in on both sides), the resources, the mounts with
the volume behind each, and the effective security context (the pod's merged into the
container's). Services are compared by name: type, and each port's number, target port (resolved
to the container's number), protocol and node port.

Every difference must be listed in the README's "Intended differences" table (a row
`| WORKLOAD | FIELD | reason |`, where `*` in WORKLOAD and FIELD matches any text): a difference
that is not listed fails the check, and so does a listed row that no difference matches (the
README would no longer be true). --self-test changes the upstream objects in a few ways that must
each be caught, so the check itself cannot silently pass everything.
"""

import copy
import os
import re
import sys

import yaml

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
PROBE_DEFAULTS = {"initialDelaySeconds": 0, "periodSeconds": 10, "timeoutSeconds": 1,
                  "failureThreshold": 3, "successThreshold": 1}


def load_objects(paths):
    objects = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if isinstance(doc, dict) and "kind" in doc:
                    if doc["kind"] == "List":
                        objects.extend(doc.get("items") or [])
                    else:
                        objects.append(doc)
    return objects


def load_dir(folder):
    paths = sorted(os.path.join(folder, n) for n in os.listdir(folder)
                   if n.endswith((".yaml", ".yml")))
    return load_objects(paths)


def index(objects):
    return {(o["kind"], o["metadata"]["name"]): o for o in objects}


# --- normalising values -----------------------------------------------------------------------

def image_ref(ref):
    """docker.io/library/NAME:latest for the short forms Docker Hub allows."""
    if not ref:
        return ref
    name, digest = (ref.split("@", 1) + [None])[:2]
    tag = None
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    parts = name.split("/")
    if len(parts) == 1 or not ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        if len(parts) == 1:
            parts = ["library"] + parts
        parts = ["docker.io"] + parts
    out = "/".join(parts)
    if digest:
        return out + "@" + digest
    return out + ":" + (tag or "latest")


def repository(ref):
    """The image without its tag or digest."""
    name = (ref or "").split("@", 1)[0]
    return name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name


def cpu_millis(v):
    if v is None:
        return None
    s = str(v)
    if s.endswith("m"):
        return int(float(s[:-1]))
    return int(round(float(s) * 1000))


UNITS = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "k": 10**3, "K": 10**3,
         "M": 10**6, "G": 10**9, "T": 10**12}


def bytes_of(v):
    if v is None:
        return None
    s = str(v)
    for unit in sorted(UNITS, key=len, reverse=True):
        if s.endswith(unit):
            return int(float(s[:-len(unit)]) * UNITS[unit])
    return int(float(s))


def resources(c):
    r = c.get("resources") or {}
    out = {}
    for side in ("requests", "limits"):
        for res, conv in (("cpu", cpu_millis), ("memory", bytes_of)):
            v = (r.get(side) or {}).get(res)
            out[f"{side}.{res}"] = conv(v)
    return out


def port_number(port, container):
    """A probe's or a Service's target port as a number (names looked up in the container)."""
    if isinstance(port, int) or port is None:
        return port
    if str(port).isdigit():
        return int(port)
    for p in container.get("ports") or []:
        if p.get("name") == port:
            return p["containerPort"]
    return f"unknown port {port}"


def probe(p, container):
    if not p:
        return None
    out = {k: p.get(k, d) for k, d in PROBE_DEFAULTS.items()}
    if "httpGet" in p:
        h = p["httpGet"]
        out["http"] = {"path": h.get("path", "/"), "port": port_number(h.get("port"), container),
                       "scheme": h.get("scheme", "HTTP"),
                       "headers": sorted((x["name"], x["value"]) for x in h.get("httpHeaders") or [])}
    elif "tcpSocket" in p:
        out["tcp"] = port_number(p["tcpSocket"].get("port"), container)
    elif "grpc" in p:
        out["grpc"] = {"port": p["grpc"].get("port"), "service": p["grpc"].get("service", "")}
    elif "exec" in p:
        out["exec"] = list(p["exec"].get("command") or [])
    return out


def env_of(c, objs):
    """name -> where the value comes from: ('value', text), ('secret', name, key), ..."""
    env = {}
    for src in c.get("envFrom") or []:
        prefix = src.get("prefix", "")
        if "configMapRef" in src:
            cm = objs.get(("ConfigMap", src["configMapRef"]["name"]), {})
            for k, v in (cm.get("data") or {}).items():
                env[prefix + k] = ("value", str(v))
        if "secretRef" in src:
            env[prefix + "*"] = ("secret-all", src["secretRef"]["name"])
    for e in c.get("env") or []:
        if "valueFrom" not in e:
            env[e["name"]] = ("value", str(e.get("value", "")))
            continue
        vf = e["valueFrom"]
        if "configMapKeyRef" in vf:
            ref = vf["configMapKeyRef"]
            cm = objs.get(("ConfigMap", ref["name"]), {})
            env[e["name"]] = ("value", str((cm.get("data") or {}).get(ref["key"], "")))
        elif "secretKeyRef" in vf:
            ref = vf["secretKeyRef"]
            env[e["name"]] = ("secret", ref["name"], ref["key"])
        elif "fieldRef" in vf:
            env[e["name"]] = ("field", vf["fieldRef"]["fieldPath"])
        elif "resourceFieldRef" in vf:
            env[e["name"]] = ("resource", vf["resourceFieldRef"]["resource"])
    return env


def volume_source(v):
    if v is None:
        return "missing volume"
    if "emptyDir" in v:
        e = v["emptyDir"] or {}
        return ("emptyDir", e.get("medium", ""), bytes_of(e.get("sizeLimit")))
    if "configMap" in v:
        return ("configMap", v["configMap"]["name"])
    if "secret" in v:
        return ("secret", v["secret"]["secretName"])
    if "persistentVolumeClaim" in v:
        return ("claim", v["persistentVolumeClaim"]["claimName"])
    if "hostPath" in v:
        return ("hostPath", v["hostPath"]["path"])
    return ("other", sorted(v.keys()))


def mounts(c, pod, claims):
    volumes = {v["name"]: v for v in pod.get("volumes") or []}
    out = {}
    for m in c.get("volumeMounts") or []:
        src = volume_source(volumes.get(m["name"]))
        if m["name"] in claims and m["name"] not in volumes:
            src = ("claim-template", bytes_of(claims[m["name"]]))
        out[m["mountPath"]] = {"volume": src, "readOnly": bool(m.get("readOnly", False)),
                               "subPath": m.get("subPath", "")}
    return out


def caps(names):
    return sorted({str(n).upper().removeprefix("CAP_") for n in names or []})


def security(c, pod):
    ps = pod.get("securityContext") or {}
    cs = c.get("securityContext") or {}

    def pick(key, default=None):
        return cs.get(key, ps.get(key, default))
    capabilities = cs.get("capabilities") or {}
    seccomp = (cs.get("seccompProfile") or ps.get("seccompProfile") or {}).get("type", "")
    return {"runAsUser": pick("runAsUser"), "runAsGroup": pick("runAsGroup"),
            "runAsNonRoot": bool(pick("runAsNonRoot", False)),
            "readOnlyRootFilesystem": bool(cs.get("readOnlyRootFilesystem", False)),
            "allowPrivilegeEscalation": cs.get("allowPrivilegeEscalation", True),
            "privileged": bool(cs.get("privileged", False)),
            "capabilities.add": caps(capabilities.get("add")),
            "capabilities.drop": caps(capabilities.get("drop")),
            "seccompProfile": seccomp, "fsGroup": ps.get("fsGroup")}


def container_view(c, pod, objs, claims):
    return {"image": image_ref(c.get("image")), "command": c.get("command"),
            "args": c.get("args"), "env": env_of(c, objs),
            "ports": sorted((p["containerPort"], p.get("protocol", "TCP"))
                            for p in c.get("ports") or []),
            "probes": {k: probe(c.get(k + "Probe"), c) for k in ("liveness", "readiness",
                                                                  "startup")},
            "resources": resources(c), "mounts": mounts(c, pod, claims),
            "security": security(c, pod), "workingDir": c.get("workingDir", "")}


def pod_of(obj):
    spec = obj["spec"]
    if obj["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]


def workload_view(obj, objs):
    template = pod_of(obj)
    pod = template["spec"]
    claims = {}
    for t in obj["spec"].get("volumeClaimTemplates") or []:
        claims[t["metadata"]["name"]] = t["spec"]["resources"]["requests"]["storage"]
    replicas = obj["spec"].get("replicas", 1) if obj["kind"] in ("Deployment",
                                                                  "StatefulSet") else None
    hpa = [o for o in objs.values() if o["kind"] == "HorizontalPodAutoscaler"
           and o["spec"]["scaleTargetRef"]["name"] == obj["metadata"]["name"]]
    if hpa:
        replicas = (hpa[0]["spec"].get("minReplicas", 1), hpa[0]["spec"]["maxReplicas"])
    view = {"kind": obj["kind"], "replicas": replicas,
            "terminationGracePeriodSeconds": pod.get("terminationGracePeriodSeconds", 30),
            "nodeSelector": dict(sorted((pod.get("nodeSelector") or {}).items())),
            "containers": [(c["name"], container_view(c, pod, objs, claims))
                           for c in pod.get("containers") or []],
            "initContainers": [(c["name"], container_view(c, pod, objs, claims))
                               for c in pod.get("initContainers") or []]}
    return view, template


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def service_view(svc, workloads):
    selector = svc["spec"].get("selector") or {}
    backing = [w for w, (view, template, _) in workloads.items()
               if selects(selector, template["metadata"].get("labels") or {})]
    containers = []
    for w in backing:
        containers += [c for c in pod_of(workloads[w][2])["spec"].get("containers") or []]

    def target(p):
        t = p.get("targetPort", p["port"])
        for c in containers:
            n = port_number(t, c)
            if isinstance(n, int):
                return n
        return t
    ports = sorted((p["port"], target(p), p.get("protocol", "TCP"), p.get("nodePort"))
                   for p in svc["spec"].get("ports") or [])
    return {"type": svc["spec"].get("type", "ClusterIP"), "ports": ports,
            "selects": sorted(backing)}


# --- comparing --------------------------------------------------------------------------------

def diff(path, a, b, out):
    """Appends (path, upstream, ours) for every leaf that differs."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            diff(f"{path}.{k}" if path else str(k), a.get(k), b.get(k), out)
    elif a != b:
        out.append((path, a, b))


def compare(upstream_objs, ours_objs):
    up, ours = index(upstream_objs), index(ours_objs)
    up_w = {name: o for (kind, name), o in up.items() if kind in WORKLOAD_KINDS}
    our_w = {name: o for (kind, name), o in ours.items() if kind in WORKLOAD_KINDS}
    diffs = []  # (workload, field, upstream, ours)
    up_views = {n: workload_view(o, up) + (o,) for n, o in up_w.items()}
    our_views = {n: workload_view(o, ours) + (o,) for n, o in our_w.items()}
    for name in sorted(up_w):
        if name not in our_w:
            diffs.append((name, "workload", "present", "missing"))
            continue
        a, b = up_views[name][0], our_views[name][0]
        for key in ("kind", "replicas", "terminationGracePeriodSeconds", "nodeSelector"):
            if a[key] != b[key]:
                diffs.append((name, key, a[key], b[key]))
        for group in ("containers", "initContainers"):
            mine = dict(b[group])
            used = set()
            for cname, cview in a[group]:
                match = cname if cname in mine else None
                if match is None:  # stackc names the main container after the workload,
                    # and its exporter `exporter`: match by image, then by repository
                    for same in (lambda v: v["image"] == cview["image"],
                                 lambda v: repository(v["image"]) == repository(cview["image"])):
                        found = [n for n, v in b[group] if same(v) and n not in used]
                        if found:
                            match = found[0]
                            break
                if match is None and group == "containers" and len(a[group]) == 1 and b[group]:
                    match = b[group][0][0]
                if match is None:
                    diffs.append((name, f"{group}[{cname}]", "present", "missing"))
                    continue
                used.add(match)
                found = []
                diff("", cview, mine[match], found)
                for path, x, y in found:
                    diffs.append((name, f"{group}[{cname}].{path}", x, y))
            for n, _ in b[group]:
                if n not in used:
                    diffs.append((name, f"{group}[{n}]", "missing", "present"))
    for name in sorted(our_w):
        if name not in up_w:
            diffs.append((name, "workload", "missing", "present"))
    up_s = {n: o for (k, n), o in up.items() if k == "Service"}
    our_s = {n: o for (k, n), o in ours.items() if k == "Service"}
    for name in sorted(set(up_s) | set(our_s)):
        if name not in our_s or name not in up_s:
            diffs.append((f"service/{name}", "service", "present" if name in up_s else "missing",
                           "present" if name in our_s else "missing"))
            continue
        a = service_view(up_s[name], up_views)
        b = service_view(our_s[name], our_views)
        for key in ("type", "ports", "selects"):
            if a[key] != b[key]:
                diffs.append((f"service/{name}", key, a[key], b[key]))
    return diffs


def intended(readme):
    """The rows of the README's "Intended differences" table: (workload, field, reason)."""
    rows, inside = [], False
    with open(readme, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                inside = line.strip().lower().startswith("## intended differences")
                continue
            if not inside or not line.startswith("|"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 3 or cells[0].lower() == "workload" or set(cells[0]) <= set("-: "):
                continue
            rows.append((cells[0].strip("`"), cells[1].strip("`"), cells[2]))
    return rows


def matches(pattern, text):
    """`*` matches any run of characters; everything else, brackets included, is literal."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), text) is not None


def judge(diffs, rows):
    """(unlisted differences, rows that match nothing)."""
    hit = [False] * len(rows)
    unlisted = []
    for d in diffs:
        ok = False
        for i, (w, field, _) in enumerate(rows):
            if matches(w, d[0]) and matches(field, d[1]):
                hit[i] = ok = True
        if not ok:
            unlisted.append(d)
    return unlisted, [r for r, h in zip(rows, hit) if not h]


def show(value):
    text = repr(value)
    return text if len(text) <= 100 else text[:97] + "..."


def run(upstream, built, readme, quiet=False):
    diffs = compare(load_objects([upstream]), load_dir(built))
    rows = intended(readme)
    unlisted, stale = judge(diffs, rows)
    if not quiet:
        for w, field, a, b in unlisted:
            print(f"  UNINTENDED {w} {field}: upstream {show(a)}, stackc {show(b)}")
        for w, field, reason in stale:
            print(f"  STALE README row: {w} | {field} (no such difference any more)")
    return diffs, unlisted, stale


def self_test(upstream, built, readme):
    """Each mutation of the upstream objects must produce a difference the README does not
    list, or the check could not fail."""
    base = load_objects([upstream])
    ours = load_dir(built)
    rows = intended(readme)

    def mutate_image(objs):
        c = pod_of(next(o for o in objs if o["kind"] in WORKLOAD_KINDS))["spec"]["containers"][0]
        c["image"] = c["image"] + "-changed"

    def mutate_env(objs):
        c = pod_of(next(o for o in objs if o["kind"] in WORKLOAD_KINDS))["spec"]["containers"][0]
        c.setdefault("env", []).append({"name": "FIDELITY_SELF_TEST", "value": "1"})

    def mutate_port(objs):
        svc = next(o for o in objs if o["kind"] == "Service")
        svc["spec"]["ports"][0]["port"] = 1 + int(svc["spec"]["ports"][0]["port"]) % 60000

    def mutate_replicas(objs):
        w = next(o for o in objs if o["kind"] == "Deployment")
        w["spec"]["replicas"] = int(w["spec"].get("replicas", 1)) + 7

    def mutate_grace(objs):
        pod_of(next(o for o in objs if o["kind"] in WORKLOAD_KINDS))["spec"][
            "terminationGracePeriodSeconds"] = 12345

    mutations = (mutate_image, mutate_env, mutate_port, mutate_replicas, mutate_grace)
    failures = 0
    for mutate in mutations:
        objs = copy.deepcopy(base)
        mutate(objs)
        unlisted, _ = judge(compare(objs, ours), rows)
        if not unlisted:
            print(f"  SELF-TEST: {mutate.__name__} went unnoticed")
            failures += 1
    return failures, len(mutations)


def main(argv):
    selftest = "--self-test" in argv
    args = [a for a in argv if a != "--self-test"]
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    upstream, built, readme = args
    if selftest:
        failures, tried = self_test(upstream, built, readme)
        print(f"self-test: {tried - failures}/{tried} mutations caught")
        return 1 if failures else 0
    diffs, unlisted, stale = run(upstream, built, readme)
    listed = len(diffs) - len(unlisted)
    print(f"{len(diffs)} differences, {listed} intended (listed in {os.path.basename(readme)}), "
          f"{len(unlisted)} unintended; {len(stale)} stale README rows")
    return 1 if unlisted or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
