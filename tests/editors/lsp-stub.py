#!/usr/bin/env python3
"""A stand-in for `stackc lsp` that tests the editors' client configuration, not the server.

lsp-stub.py STACKC: a Language Server Protocol server over stdio that answers `initialize`,
publishes on didOpen/didSave the diagnostics of `STACKC check --diagnostics=json FILE` (so they
are stackc's own), answers `shutdown` and exits on `exit`. Every message it receives is logged to
$LSP_STUB_LOG when set, so a test can see which client spoke to it.
"""
import json
import os
import subprocess
import sys
import urllib.parse

STACKC = sys.argv[1]
LOG = os.environ.get("LSP_STUB_LOG")


def read():
    length = None
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            sys.exit(0)
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return json.loads(sys.stdin.buffer.read(length))


def send(msg):
    body = json.dumps(msg).encode()
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    sys.stdout.buffer.flush()


def diagnostics(uri):
    path = urllib.parse.unquote(urllib.parse.urlparse(uri).path)
    out = subprocess.run([STACKC, "check", "--diagnostics=json", path], capture_output=True, text=True).stdout
    result = []
    for d in json.loads(out or '{"diagnostics": []}')["diagnostics"]:
        loc = d["location"]
        start = {"line": loc["line"] - 1, "character": loc["column"] - 1}
        end = {"line": loc["end_line"] - 1, "character": max(loc["end_column"], loc["column"])}
        result.append({"range": {"start": start, "end": end}, "severity": 1 if d["severity"] == "error" else 2,
                       "code": d["code"], "source": "stackc", "message": d["message"]})
    send({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
          "params": {"uri": uri, "diagnostics": result}})


while True:
    msg = read()
    if LOG:
        with open(LOG, "a") as f:
            f.write(json.dumps({"method": msg.get("method"), "id": msg.get("id"),
                                "client": (msg.get("params") or {}).get("clientInfo")}) + "\n")
    method = msg.get("method")
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {
            "capabilities": {"textDocumentSync": {"openClose": True, "change": 1, "save": True}},
            "serverInfo": {"name": "lsp-stub"}}})
    elif method in ("textDocument/didOpen", "textDocument/didSave"):
        diagnostics(msg["params"]["textDocument"]["uri"])
    elif method == "shutdown":
        send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
    elif method == "exit":
        sys.exit(0)
    elif "id" in msg and method is not None:
        send({"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32601, "message": "not in the stub"}})
