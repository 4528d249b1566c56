#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium, which `npm run dashboards:pictures` uses to turn the dashboard
# pictures (SVG drawn from real query results) into PNG. Idempotent; needs root like setup-system.sh.
set -euo pipefail
command -v chromium >/dev/null && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-chromium: chromium is missing; run as root or: sudo apt-get install chromium" >&2
  exit 1
fi
echo "install-chromium: installing chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
