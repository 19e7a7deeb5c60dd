#!/usr/bin/env python3
"""Writes the hostile corpus (issue 18's audit inputs) into a folder: inputs that once made
stackc take exponential time, gigabytes of memory or output, hang, or change meaning when
formatted. tests/hostile/replay.py runs each (each must end with diagnostics or a result, never a
crash or a hang); bench/hostile.sh measures the time and peak RSS of each.

usage: make.py DIR

Writes DIR/NAME.stack (and DIR/NAME/ for inputs that need a folder), and DIR/cases.txt: one line
per case, `NAME<TAB>COMMAND<TAB>ARGS...`, where COMMAND is check, fmt or plan and {dir} stands for
DIR.
"""
import os
import sys

HEADER = """stack shop { registry = "ghcr.io/shop"  version = "1.0.0" }
cluster main { nodes = 2  node { cpu = 4  memory = 16Gi } }
environment prod { cluster = main }
"""

SERVICE = """service api from {template} {{
  image     = "api"
  port http = 8080
}}
"""


def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)


def doubling(levels):
    """template tN for service from tN-1, tN-1: 2^levels applications without memoisation."""
    out = [HEADER, "template t0 for service { cpu = 100m..200m  memory = 64Mi..128Mi }\n"]
    for i in range(1, levels + 1):
        out.append(f"template t{i} for service from t{i - 1}, t{i - 1} {{ }}\n")
    out.append(SERVICE.format(template=f"t{levels}"))
    return "".join(out)


def chain(depth):
    """A straight chain of `from`, `depth` templates long."""
    out = [HEADER, "template t0 for service { cpu = 100m..200m  memory = 64Mi..128Mi }\n"]
    for i in range(1, depth):
        out.append(f"template t{i} for service from t{i - 1} {{ }}\n")
    out.append(SERVICE.format(template=f"t{depth - 1}"))
    return "".join(out)


def cycle(n):
    """n templates in one cycle: t0 from t1 from ... from t(n-1) from t0."""
    out = [HEADER]
    for i in range(n):
        out.append(f"template t{i} for service from t{(i + 1) % n} {{ cpu = 100m }}\n")
    out.append(SERVICE.format(template="t0"))
    return "".join(out)


def unknown_keys(n):
    """n unknown keys on one line of one service."""
    keys = "  ".join(f"bogus{i} = 1" for i in range(n))
    return HEADER + f'service api {{ image = "api"  port http = 8080  {keys} }}\n'


def env_entries(n):
    """A valid service with n env entries (merging them was quadratic)."""
    body = "\n".join(f'    K{i} = "v"' for i in range(n))
    return (HEADER + 'service api {\n  image = "api"\n  port http = 8080\n  cpu = 100m\n'
            '  memory = 64Mi\n  env {\n' + body + '\n  }\n}\n')


def long_key_fmt(n, key_len):
    """n ordinary keys and one very long one in one block: alignment padding."""
    lines = [f"  KEY_{i} = \"v\"" for i in range(n)]
    lines.insert(n // 2, f"  {'K' * key_len} = \"v\"")
    body = "\n".join(lines)
    return (HEADER + "service api {\n  image = \"api\"\n  port http = 8080\n  cpu = 100m\n"
            "  memory = 64Mi\n  env {\n" + body + "\n  }\n}\n")


def comma_statements():
    """Statements separated by commas: fmt must keep their meaning."""
    return (HEADER + """service api {
  image     = "api"
  port http = 8080
  cpu       = 100m
  memory    = 64Mi
  metrics { counter requests_total, gauge in_flight }
}
""")


def replicas(n, most):
    """n autoscaled services of `most` replicas at their maximum: n * most pods to plan."""
    out = [HEADER]
    for i in range(n):
        out.append(f"service s{i} {{\n  image = \"s{i}\"\n  port http = 8080\n"
                   f"  replicas = 1..{most}\n  cpu = 10m\n  memory = 16Mi\n"
                   f"  autoscale {{ cpu = 70% }}\n}}\n")
    return "".join(out)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = os.path.abspath(sys.argv[1])
    os.makedirs(d, exist_ok=True)
    cases = []

    def case(name, command, *args):
        cases.append("\t".join([name, command, *args]))

    write(f"{d}/template-doubling-30.stack", doubling(30))
    case("template-doubling-30", "check", "{dir}/template-doubling-30.stack")
    write(f"{d}/template-doubling-34.stack", doubling(34))
    case("template-doubling-34", "check", "{dir}/template-doubling-34.stack")
    write(f"{d}/template-chain-40.stack", chain(40))
    case("template-chain-40", "check", "{dir}/template-chain-40.stack")
    write(f"{d}/template-chain-100000.stack", chain(100000))
    case("template-chain-100000", "check", "{dir}/template-chain-100000.stack")
    write(f"{d}/template-cycle-10001.stack", cycle(10001))
    case("template-cycle-10001", "check", "{dir}/template-cycle-10001.stack")
    write(f"{d}/unknown-keys-16000.stack", unknown_keys(16000))
    case("unknown-keys-16000", "check", "{dir}/unknown-keys-16000.stack")
    case("unknown-keys-16000-json", "check", "--diagnostics=json",
         "{dir}/unknown-keys-16000.stack")
    case("unknown-keys-16000-sarif", "check", "--diagnostics=sarif",
         "{dir}/unknown-keys-16000.stack")
    write(f"{d}/env-32000.stack", env_entries(32000))
    case("env-32000", "check", "{dir}/env-32000.stack")
    write(f"{d}/fmt-long-key.stack", long_key_fmt(4000, 100 * 1024))
    case("fmt-long-key", "fmt", "--stdout", "{dir}/fmt-long-key.stack")
    write(f"{d}/comma-statements.stack", comma_statements())
    case("comma-statements", "check", "{dir}/comma-statements.stack")
    case("comma-statements-fmt", "fmt", "--stdout", "{dir}/comma-statements.stack")
    # 20,000,000 pods at the maximum replicas (the capacity plan once made a record of each).
    write(f"{d}/replicas-20m.stack", replicas(200, 100000))
    case("replicas-20m", "check", "{dir}/replicas-20m.stack")
    case("replicas-20m-plan-json", "plan", "--format", "json", "{dir}/replicas-20m.stack")
    # 1 GiB sparse file: must be refused by size, not read.
    with open(f"{d}/sparse-1g.stack", "wb") as f:
        f.truncate(1 << 30)
    case("sparse-1g", "check", "{dir}/sparse-1g.stack")
    case("dev-zero", "check", "/dev/zero")
    case("dev-zero-fmt", "fmt", "--stdout", "/dev/zero")
    # A FIFO as the root file, and as an import (nobody ever writes to them: reading would hang).
    for fifo in ("fifo-root.stack", "fifo-import/fifo.stack"):
        p = f"{d}/{fifo}"
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if os.path.lexists(p):
            os.remove(p)
        os.mkfifo(p)
    case("fifo-root", "check", "{dir}/fifo-root.stack")
    write(f"{d}/fifo-import/main.stack", 'import "./fifo.stack"\n' + HEADER)
    case("fifo-import", "check", "{dir}/fifo-import/main.stack")
    # An import through a symbolic link that points at itself.
    p = f"{d}/symlink-loop/loop.stack"
    os.makedirs(os.path.dirname(p), exist_ok=True)
    if os.path.lexists(p):
        os.remove(p)
    os.symlink("loop.stack", p)
    write(f"{d}/symlink-loop/main.stack", 'import "./loop.stack"\n' + HEADER)
    case("symlink-loop", "check", "{dir}/symlink-loop/main.stack")
    write(f"{d}/cases.txt", "\n".join(cases) + "\n")


if __name__ == "__main__":
    main()
