#!/usr/bin/python3
"""ops-check.py prometheus|alertmanager FILE: runs the real checker on a generated file.

prometheus FILE    `promtool check config --syntax-only`. Debian's Prometheus 2.42 is built
                   without Kubernetes service discovery (its ScrapeConfig has no
                   `kubernetes_sd_configs`), so each job's `kubernetes_sd_configs` is replaced
                   by an equivalent-shaped `static_configs` entry in a temporary copy; every
                   other key, relabelling included, is checked as generated.
alertmanager FILE  `amtool check-config`. Debian's amtool is 0.25; the generated file targets
                   Alertmanager 0.27, whose Telegram `bot_token_file` and webhook `url_file` came
                   in 0.26. Those two keys alone are replaced by their inline forms with a dummy
                   value in a temporary copy; everything else is checked as generated.
Exit status: the tool's."""
import os
import subprocess
import sys
import tempfile

import yaml


def main():
    what, path = sys.argv[1], sys.argv[2]
    doc = yaml.safe_load(open(path))
    if what == "prometheus":
        for job in doc.get("scrape_configs", []):
            if "kubernetes_sd_configs" in job:
                roles = [sd.get("role") for sd in job.pop("kubernetes_sd_configs")]
                job["static_configs"] = [{"targets": [f"{r}.discovered.invalid:80" for r in roles]}]
        cmd = ["promtool", "check", "config", "--syntax-only"]
    elif what == "alertmanager":
        for r in doc.get("receivers", []):
            for t in r.get("telegram_configs", []):
                if t.pop("bot_token_file", None):
                    t["bot_token"] = "checked-as-bot_token_file"
            for w in r.get("webhook_configs", []):
                if w.pop("url_file", None):
                    w["url"] = "https://checked-as-url-file.invalid/"
        cmd = ["amtool", "check-config"]
    else:
        sys.exit(f"ops-check: unknown kind {what}")
    with tempfile.TemporaryDirectory() as d:
        copy = os.path.join(d, os.path.basename(path))
        with open(copy, "w") as f:
            yaml.safe_dump(doc, f, sort_keys=False)
        sys.exit(subprocess.run(cmd + [copy]).returncode)


if __name__ == "__main__":
    main()
