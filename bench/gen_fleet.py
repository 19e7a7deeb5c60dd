#!/usr/bin/env python3
"""gen_fleet.py N: prints the benchmark fleet of N services as a .stack file, the workload that
../shared/bench-peers/ measures with the peer tools: services svc-0000.. each with resources, a
replica range, a port, health checks, env, `needs` on the two before it and an alert each, on
one cluster large enough for all of them."""
import sys


def main() -> None:
    n = int(sys.argv[1])
    width = max(4, len(str(max(n - 1, 1))))
    out = []
    w = out.append
    w('stack fleet {\n  registry = "ghcr.io/fleet"\n  version  = "1.0.0"\n}\n\n')
    nodes = max(3, n * 2 // 40 + 3)
    w(f"cluster big {{\n  nodes = {nodes}..{nodes * 6}\n"
      "  node { cpu = 64  memory = 256Gi  disk = 1000Gi }\n}\n\n")
    w('environment prod { cluster = big  namespace = "fleet" }\n\n')
    w('monitoring {\n  alertmanager {\n'
      '    receiver slack { webhook = secret("alerting", key = "slack")  channel = "#fleet" }\n'
      '  }\n}\n\n')
    for i in range(n):
        name = f"svc-{i:0{width}d}"
        deps = [f"svc-{j:0{width}d}" for j in (i - 1, i - 2) if j >= 0]
        w(f"service {name} {{\n")
        # Each service's own tag, as the peers write it: a full reference (the image rule takes a
        # bare NAME:TAG for Docker Hub's).
        w(f'  image     = "ghcr.io/fleet/{name}:1.0.{i}"\n')
        w("  replicas  = 2..10\n  port http = 8080\n  cpu       = 100m..500m\n")
        w("  memory    = 128Mi..256Mi\n  autoscale { cpu = 70% }\n")
        w('  health    { liveness = http("/healthz")  readiness = http("/ready") }\n')
        w(f'  env {{ LOG_LEVEL = "info"  SERVICE_NAME = "{name}" }}\n')
        if deps:
            w(f"  needs     = [{', '.join(deps)}]\n")
        w("  metrics { counter http_requests_errors_total }\n}\n")
        w(f"alert Svc{i:0{width}d}HighErrorRate {{\n")
        w(f'  expr     = "rate(http_requests_errors_total{{service=\\"{name}\\"}}[5m]) > 0.1"\n')
        w('  for      = 5m\n  severity = warning\n')
        w(f'  summary  = "High error rate on {name}"\n  notify   = [slack]\n}}\n')
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
