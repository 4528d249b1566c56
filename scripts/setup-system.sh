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
services=(prometheus prometheus-alertmanager prometheus-node-exporter)
# The Debian packages start their services at install time; the tests start their own instances on free
# ports. Keep the install from starting them (policy-rc.d exit 101 is honoured by invoke-rc.d and
# deb-systemd-invoke) rather than stopping processes afterwards: a Prometheus already on this host — the
# user's own, or a parallel test run's — is none of our business and is never touched.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# setup-system.sh: no service starts during its install\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
# An existing policy-rc.d is the administrator's and stays as it is; if it lets services start, stop the
# units this install started (inactive before, active after), by unit name only.
was_active=()
systemd=false
if [ -d /run/systemd/system ]; then systemd=true; fi
if $systemd; then
  for svc in "${services[@]}"; do
    if systemctl is-active --quiet "$svc"; then was_active+=("$svc"); fi
  done
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
if $systemd; then
  for svc in "${services[@]}"; do
    if [[ " ${was_active[*]} " != *" $svc "* ]] && systemctl is-active --quiet "$svc"; then
      systemctl stop "$svc" || true
    fi
  done
fi
