#!/usr/bin/env python3
"""Checks that the Argo CD Applications (argocd/*.yaml) and Flux Kustomizations (flux/*.yaml) of a
generated folder point at what the build wrote: each source path is a folder of this repository
(the examples' `gitops.path` is `out/<stack>`, as here) holding the form it names (plain
manifests, an overlay with kustomization.yaml, or the chart with its values file), and each
destination / target namespace is the namespace of the environment's Namespace object.

usage: gitops-check.py OUT_STACK_DIR   (run from the repository's root)
"""
import glob
import os
import sys

import yaml


def docs(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def namespace_of(stack, env):
    for d in docs(os.path.join(stack, "kubernetes", env, "00-namespace.yaml")):
        if d["kind"] == "Namespace":
            return d["metadata"]["name"]
    return None


def main():
    stack = sys.argv[1].rstrip("/")
    bad = []
    seen = 0
    for f in sorted(glob.glob(os.path.join(stack, "argocd", "*.yaml"))):
        env = os.path.basename(f)[:-5]
        for d in docs(f):
            seen += 1
            src, dst = d["spec"]["source"], d["spec"]["destination"]
            path = src["path"]
            if not os.path.isdir(path):
                bad.append(f"{f}: source path {path} is not a folder")
            elif "helm" in src:
                if not os.path.isfile(os.path.join(path, "Chart.yaml")):
                    bad.append(f"{f}: {path} has no Chart.yaml")
                for v in src["helm"].get("valueFiles", []):
                    if not os.path.isfile(os.path.join(path, v)):
                        bad.append(f"{f}: {path}/{v} is missing")
            elif "/kustomize/overlays/" in path:
                if not os.path.isfile(os.path.join(path, "kustomization.yaml")):
                    bad.append(f"{f}: {path} has no kustomization.yaml")
            elif not glob.glob(os.path.join(path, "*.yaml")):
                bad.append(f"{f}: {path} holds no manifests")
            if dst["namespace"] != namespace_of(stack, env):
                bad.append(f"{f}: destination namespace {dst['namespace']} is not the environment's")
    for f in sorted(glob.glob(os.path.join(stack, "flux", "*.yaml"))):
        env = os.path.basename(f)[:-5]
        repos = {}
        for d in docs(f):
            seen += 1
            if d["kind"] == "GitRepository":
                repos[d["metadata"]["name"]] = d
        for d in docs(f):
            if d["kind"] != "Kustomization":
                continue
            spec = d["spec"]
            path = spec["path"]
            if not os.path.isdir(path):
                bad.append(f"{f}: path {path} is not a folder")
            ref = spec["sourceRef"]
            if ref["kind"] != "GitRepository" or ref["name"] not in repos:
                bad.append(f"{f}: sourceRef {ref} is not the file's GitRepository")
            ns = spec.get("targetNamespace")
            if ns is not None and ns != namespace_of(stack, env):
                bad.append(f"{f}: targetNamespace {ns} is not the environment's")
    for b in bad:
        print(b)
    print(f"{seen} GitOps objects, {len(bad)} problems")
    sys.exit(1 if bad or not seen else 0)


if __name__ == "__main__":
    main()
