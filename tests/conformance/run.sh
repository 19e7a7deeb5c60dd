#!/usr/bin/env bash
# Proves the committed out/ with the real tools, for every stack in it:
#  1. every Kubernetes object validates against the strict Kubernetes 1.32 schemas (ajv);
#  2. the Helm chart, rendered by Go text/template + sprig + sigs.k8s.io/yaml (the engines Helm
#     uses) with its default values and with each values-<env>.yaml, yields exactly the objects
#     of kubernetes/<env>/, and they validate too;
#  3. `kubectl kustomize overlays/<env>` yields exactly the objects of kubernetes/<env>/;
#  4. the NetworkPolicies allow exactly the edges of the dependency graph, and outside traffic
#     only to Ingress backends and LoadBalancer/NodePort Services (netpol-check.py);
#  5. the monitoring stack's files: `promtool check config` and `check rules`, `amtool
#     check-config`, every dashboard query through promtool (dashboards-check.py), the Prometheus
#     Operator objects and the restore Jobs against the strict schemas;
#  6. the GitHub workflows with actionlint and GitHub's own parser (actions-check.js);
#  7. the Argo CD Applications and Flux objects against their strict schemas, and their paths and
#     namespaces against the generated folders (gitops-check.py);
#  8. the generated alert rules of the stacks in rules-test/ under `promtool test rules`;
#  9. the Compose projects (compose/<env>/) against the Compose Specification schema, with their
#     references and .env.example (compose-validate.js);
# 10. the clusters (terraform/<cluster>/): the HCL parsed by HashiCorp's parser, every resource,
#     argument and block against the yandex provider's documented schema, start.sh by `sh -n`
#     (terraform-check.js).
# Run tests/conformance/setup.sh first (as root).
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=tests/conformance
RENDER=$HERE/.bin/helm-render
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
checks=0
step() {  # step DESCRIPTION COMMAND...
  local what=$1; shift
  checks=$((checks + 1))
  if "$@" > "$tmp/log" 2>&1; then
    echo "ok   $what"
  else
    echo "FAIL $what"; sed 's/^/     /' "$tmp/log" | tail -25
    fail=$((fail + 1))
  fi
}
for stack in out/*/; do
  stack=${stack%/}; name=$(basename "$stack")
  [ -d "$stack/kubernetes" ] || continue
  step "$name: kubernetes/ against the strict schemas" node $HERE/k8s-validate.js "$stack/kubernetes"
  chart="$stack/helm/$name"
  if [ -d "$chart" ]; then
    first=$(sed -n 's/^environment: //p' "$chart/values.yaml")
    step "$name: helm template (default values = $first)" sh -c "'$RENDER' '$chart' > '$tmp/helm-default.yaml'"
    step "$name: helm default values == kubernetes/$first" python3 $HERE/yaml-equal.py "$stack/kubernetes/$first" "$tmp/helm-default.yaml"
    for values in "$chart"/values-*.yaml; do
      env=$(basename "$values" .yaml); env=${env#values-}
      step "$name: helm template -f values-$env.yaml" sh -c "'$RENDER' '$chart' -f '$values' > '$tmp/helm-$env.yaml'"
      step "$name: helm $env == kubernetes/$env" python3 $HERE/yaml-equal.py "$stack/kubernetes/$env" "$tmp/helm-$env.yaml"
      step "$name: helm $env against the strict schemas" node $HERE/k8s-validate.js "$tmp/helm-$env.yaml"
    done
  fi
  for overlay in "$stack"/kustomize/overlays/*/; do
    [ -d "$overlay" ] || continue
    env=$(basename "$overlay")
    step "$name: kubectl kustomize overlays/$env" sh -c "kubectl kustomize '$overlay' > '$tmp/kustomize-$env.yaml'"
    step "$name: kustomize $env == kubernetes/$env" python3 $HERE/yaml-equal.py "$stack/kubernetes/$env" "$tmp/kustomize-$env.yaml"
  done
done
for stack in out/*/; do
  stack=${stack%/}; name=$(basename "$stack")
  for mon in "$stack"/monitoring/*/; do
    [ -d "$mon" ] || continue
    env=$(basename "$mon")
    step "$name: promtool check config ($env)" python3 $HERE/ops-check.py prometheus "$mon/prometheus/prometheus.yml"
    step "$name: promtool check rules ($env)" promtool check rules "$mon"/prometheus/rules*.yml
    if [ -f "$mon/alertmanager/alertmanager.yml" ]; then
      step "$name: amtool check-config ($env)" python3 $HERE/ops-check.py alertmanager "$mon/alertmanager/alertmanager.yml"
    fi
    if [ -d "$mon/grafana/dashboards" ]; then
      step "$name: dashboards and their queries ($env)" python3 $HERE/dashboards-check.py "$mon/grafana"
    fi
    step "$name: operator objects ($env) against the strict schemas" node $HERE/k8s-validate.js "$mon/operator"
  done
  for b in "$stack"/backup/*/; do
    [ -d "$b" ] || continue
    step "$name: restore Jobs ($(basename "$b")) against the strict schemas" node $HERE/k8s-validate.js "$b"
  done
  if [ -d "$stack/argocd" ] || [ -d "$stack/flux" ]; then
    for g in argocd flux; do
      [ -d "$stack/$g" ] || continue
      step "$name: $g/ against the strict schemas" node $HERE/k8s-validate.js "$stack/$g"
    done
    step "$name: argocd/ and flux/ point at the generated folders" python3 $HERE/gitops-check.py "$stack"
  fi
  if [ -d "$stack/compose" ]; then
    step "$name: compose/ against the Compose Specification" node $HERE/compose-validate.js "$stack/compose"
  fi
  if [ -d "$stack/terraform" ]; then
    step "$name: terraform/ parsed, against the yandex provider's schema" node $HERE/terraform-check.js "$stack/terraform"
  fi
  if [ -d "$stack/github/workflows" ]; then
    step "$name: workflows (actionlint, GitHub's parser) and dependabot.yml" \
      node $HERE/actions-check.js "$stack/github"
  fi
done
STACKC=${STACKC:-build/compiler/stackc}
for src in examples/*/*.stack; do
  name=$("$STACKC" check --dump-model "$src" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stack"]["name"])')
  step "$name: network policies == the dependency graph" python3 $HERE/netpol-check.py "$STACKC" "$src" "out/$name"
done
# The generated alert rules under promtool's unit tests: a `Down` rule fires for a workload that
# should run a pod and has none, and is not made where it may run none or is left out.
for t in $HERE/rules-test/*.test.yml; do
  rt="$tmp/rules-$(basename "$t" .test.yml)"
  "$STACKC" build "${t%.test.yml}.stack" -o "$rt" --target monitoring > /dev/null
  cp "$t" "$rt/"
  step "rules: promtool test rules $(basename "$t")" promtool test rules "$rt/$(basename "$t")"
done
echo "conformance: $((checks - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
