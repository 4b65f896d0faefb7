#!/usr/bin/env bash
# A few seconds of every benchmark scenario against a fresh server: proves the bench and
# the server work together. No timing thresholds (those would flake); the flash sale must
# still sell exactly its seats. Full runs are documented in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet -p boxoffice -p boxoffice-bench
work=$(mktemp -d)
trap 'kill "${server_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

target/debug/boxoffice serve --port 0 --database-url "sqlite://$work/bench.db" --data-dir "$work" \
    >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 100); do
    grep -q "listening on" "$work/server.out" 2>/dev/null && break
    sleep 0.1
done
url=$(grep -o 'http://[0-9.:]*' "$work/server.out" | head -n 1)
[ -n "$url" ] || { echo "server did not start"; cat "$work/server.err"; exit 1; }

bench() { target/debug/boxoffice-bench --target "$url" --json "$@" >"$work/report.json"; cat "$work/report.json"; }

echo "==> ceiling";    bench ceiling --connections 8 --duration 2
echo "==> capacity";   bench capacity --ops list,get,book --start-rate 50 --factor 2 --max-rate 100 --step 1
echo "==> flash-sale"; bench flash-sale --clients 300 --seats 30
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["figures"]["exactly_sold_out"] is True, r' "$work/report.json"
echo "==> fanout";     bench fanout --clients 50 --rate 20 --duration 2 --server-pid "$server_pid"
echo "==> profile";    bench profile --users 50 --rate 20 --creations-per-minute 60 --ws-clients 20 --duration 3
echo "==> boxoffice check after the load"
target/debug/boxoffice check --database-url "sqlite://$work/bench.db"
echo "bench smoke: 5 passed, 0 failed"
