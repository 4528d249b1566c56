#!/usr/bin/env bash
# Local monitoring stack without Docker: Debian's Prometheus scraping the demo at 127.0.0.1:9464.
# Usage: npm run stack   (in another terminal: npm run demo). Ctrl-C stops it.
# Env: PROMETHEUS_PORT (default 9090), STACK_DIR (default .cache/stack).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
port=${PROMETHEUS_PORT:-9090}
dir=${STACK_DIR:-.cache/stack}
mkdir -p "$dir/prometheus"
promtool check config deploy/prometheus/prometheus.local.yml >/dev/null
prometheus \
  --config.file=deploy/prometheus/prometheus.local.yml \
  --storage.tsdb.path="$dir/prometheus" \
  --storage.tsdb.retention.time=33d \
  --web.listen-address="127.0.0.1:$port" \
  --web.enable-lifecycle >"$dir/prometheus.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
echo "Prometheus: http://127.0.0.1:$port  (targets: http://127.0.0.1:$port/targets, log: $dir/prometheus.log)"
echo "Try: sum by (protocol) (active_connections)   or   rate(bytes_received_total[1m]) * 8"
wait $pid
