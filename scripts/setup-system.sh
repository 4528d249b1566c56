#!/usr/bin/env bash
# Installs the real tools the tests run against, from Debian's packages: Prometheus and promtool,
# Alertmanager and amtool, ffmpeg, srt-live-transmit, docker-compose (config validation only).
# Idempotent: installs only what is missing. Needs root (CI and these machines run as root).
set -euo pipefail
need=()
command -v prometheus >/dev/null || need+=(prometheus)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null && command -v amtool >/dev/null || need+=(prometheus-alertmanager)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v srt-live-transmit >/dev/null || need+=(srt-tools)
command -v docker-compose >/dev/null || need+=(docker-compose)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-system: missing ${need[*]}; run as root or: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
echo "setup-system: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian packages start services at install time; tests start their own instances on free ports.
for svc in prometheus prometheus-alertmanager prometheus-node-exporter; do
  (systemctl stop "$svc" || service "$svc" stop || pkill -x "${svc#prometheus-}") >/dev/null 2>&1 || true
done
