#!/usr/bin/env python3
"""netpol-check.py STACKC FILE.stack OUT_DIR: proves that the NetworkPolicies stackc emitted for
each environment allow exactly the dependency edges of the graph (AC-109) — no more, no less.

From kubernetes/<env>/*.yaml it computes the allowed pairs (client -> server) between workloads
of the namespace: for every policy, each ingress `from` pod selector that names a workload; and
each egress `to` pod selector. It compares both sets with the edges of `stackc graph --format
json --env ENV` (a stateful's own replicas talking to each other, the ingress controller, DNS and
Prometheus when the stack does not run it are outside the graph; egress exceptions by ipBlock
are not pairs of workloads). It also checks the default-deny
policy. Peers are matched to workloads by their pods' labels: a selector names every workload
whose pod template carries all its labels (so the Service-wide selector of a versioned workload,
`app.kubernetes.io/name: reviews`, names each of `reviews-v1`, `reviews-v2`, ..., whose pods add
`version`), and `app.kubernetes.io/name In [...]` every workload whose pods have one of those
names. It also checks that traffic from outside the namespace (ipBlock and namespaceSelector
peers, or a rule without `from`) is admitted only by workloads reachable from outside (an
Ingress, or a LoadBalancer or NodePort Service), and that every such Service's policy admits the
outside on each of its ports, as the container's port and protocol (from its source ranges when
it has them). Prints `N passed, M failed` and exits 1 on any difference."""
import glob
import json
import os
import subprocess
import sys

import yaml


def outside_problems(docs, policies):
    """What is wrong with the rules that admit traffic from outside the namespace."""
    problems = []
    ingresses = {d["metadata"]["name"] for d in docs if d["kind"] == "Ingress"}
    services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
    containers = {}  # app name (the Service's, of every version) -> {port name: (port, protocol)}
    for d in docs:
        spec = d.get("spec", {})
        tmpl = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
        if d["kind"] in ("Deployment", "StatefulSet", "Job", "CronJob") and tmpl:
            app = tmpl.get("metadata", {}).get("labels", {}).get("app.kubernetes.io/name", d["metadata"]["name"])
            containers.setdefault(app, {}).update({
                p["name"]: (p["containerPort"], p.get("protocol", "TCP"))
                for c in tmpl["spec"].get("containers", []) for p in c.get("ports", [])})
    exposed = {n for n, s in services.items() if s["spec"].get("type") in ("LoadBalancer", "NodePort")}
    for p in policies:
        me = p["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name")
        if not me:
            continue
        outside_rules = []
        for rule in p["spec"].get("ingress", []):
            peers = rule.get("from")
            if peers is None or any("ipBlock" in x or "namespaceSelector" in x for x in peers):
                if me not in ingresses and me not in exposed:
                    problems.append(f"{me} admits {peers} but has no Ingress and no exposed Service")
                if peers and all("ipBlock" in x for x in peers):
                    outside_rules.append(rule)
        if me in exposed:
            svc = services[me]["spec"]
            want = {(containers.get(me, {}).get(sp["targetPort"], (sp["targetPort"], None))[0],
                     sp.get("protocol", "TCP"))
                    for sp in svc["ports"] if sp["name"] != "metrics"}
            ranges = svc.get("loadBalancerSourceRanges")
            ok = False
            for rule in outside_rules:
                got = {(x["port"], x.get("protocol", "TCP")) for x in rule.get("ports", [])}
                cidrs = sorted(x["ipBlock"]["cidr"] for x in rule["from"])
                if want <= got and (ranges is None or cidrs == sorted(ranges)):
                    ok = True
            if not ok:
                problems.append(f"{me} is a {svc['type']} Service, but no rule admits the outside "
                                f"on {sorted(want)}" + (f" from {ranges}" if ranges else ""))
    return problems


def main():
    stackc, source, out = sys.argv[1:4]
    failed = passed = 0
    for env_dir in sorted(glob.glob(os.path.join(out, "kubernetes", "*"))):
        env = os.path.basename(env_dir)
        g = json.loads(subprocess.run([stackc, "graph", "--format", "json", "--env", env, source],
                                      check=True, capture_output=True, text=True).stdout)
        edges = {(e["from"], e["to"]) for e in g["edges"]}
        docs = [d for p in sorted(glob.glob(os.path.join(env_dir, "*.yaml")))
                for d in yaml.safe_load_all(open(p)) if d]
        policies = [d for d in docs if d["kind"] == "NetworkPolicy"]
        # Edges to a workload that serves nothing (no container port) carry no traffic.
        serving = set()
        for d in docs:
            spec = d.get("spec", {})
            pod = spec.get("template", {}).get("spec") or spec.get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec")
            if pod and any(c.get("ports") for c in pod.get("containers", [])):
                serving.add(d["metadata"]["name"])
        edges = {e for e in edges if e[1] in serving}
        deny = [p for p in policies if p["metadata"]["name"] == "default-deny"]
        ok_deny = len(deny) == 1 and deny[0]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        # Each workload's pod labels (the graph's nodes are the workload objects' names).
        pod_labels = {}
        for d in docs:
            spec = d.get("spec", {})
            tmpl = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
            if d["kind"] in ("Deployment", "StatefulSet", "Job", "CronJob") and tmpl:
                pod_labels[d["metadata"]["name"]] = tmpl.get("metadata", {}).get("labels", {})

        def selected(selector):
            """The workloads whose pods a podSelector selects."""
            labels = selector.get("matchLabels", {})
            exprs = selector.get("matchExpressions", [])
            out = set()
            for w, pl in pod_labels.items():
                if any(pl.get(k) != v for k, v in labels.items()):
                    continue
                if any(e["operator"] != "In" or pl.get(e["key"]) not in e["values"] for e in exprs):
                    continue
                out.add(w)
            return out

        ingress_pairs, egress_pairs = set(), set()
        for p in policies:
            sel = p["spec"]["podSelector"]
            if not sel.get("matchLabels", {}).get("app.kubernetes.io/name"):
                continue
            mine = selected(sel)
            for rule in p["spec"].get("ingress", []):
                for peer in rule.get("from", []):
                    # The ingress controller and Prometheus outside the namespace are not
                    # workloads; a stateful's replicas talking to each other are not an edge.
                    if "namespaceSelector" in peer or "podSelector" not in peer:
                        continue
                    who = selected(peer["podSelector"])
                    if who == mine:
                        continue
                    ingress_pairs.update((c, s) for c in who for s in mine if c != s)
            for rule in p["spec"].get("egress", []):
                for peer in rule.get("to", []):
                    if "namespaceSelector" in peer or "podSelector" not in peer:
                        continue
                    who = selected(peer["podSelector"])
                    if who == mine:
                        continue
                    egress_pairs.update((c, s) for c in mine for s in who if c != s)
        problems = outside_problems(docs, policies)
        if problems:
            failed += 1
            print(f"FAIL {env}: outside traffic: " + "; ".join(problems))
        else:
            passed += 1
            print(f"ok   {env}: outside traffic only to Ingress backends and exposed Services")
        for what, got in (("ingress", ingress_pairs), ("egress", egress_pairs)):
            if got == edges:
                passed += 1
                print(f"ok   {env}: {what} allows exactly the {len(edges)} edges of the graph")
            else:
                failed += 1
                print(f"FAIL {env}: {what} allows {sorted(got - edges)} beyond the graph, misses {sorted(edges - got)}")
        if ok_deny:
            passed += 1
            print(f"ok   {env}: default-deny for the namespace")
        else:
            failed += 1
            print(f"FAIL {env}: no default-deny policy")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
