#!/usr/bin/env bash
# Builds the flux-metrics Collector distribution from collector/builder-config.yaml with the
# OpenTelemetry Collector Builder (installed with `go install` from the Go module proxy) and
# caches the binary outside the repo, keyed by the manifest's hash, so later runs are instant.
# Prints the binary's path on stdout (last line); progress and build time go to stderr.
set -euo pipefail

BUILDER_VERSION=v0.165.0 # same release as the core modules in the manifest
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
manifest="$here/builder-config.yaml"

export PATH="/usr/local/go/bin:$PATH"
# Go needs a home for its module and build caches; CI environments may not set one.
export HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
command -v go >/dev/null || { echo "build.sh: Go >= 1.26 is required (/usr/local/go/bin/go)" >&2; exit 1; }

hash="$( (cat "$manifest"; echo "$BUILDER_VERSION") | sha256sum | cut -c1-16)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/flux-metrics"
bin="$cache/otelcol-$hash"

if [[ -x "$bin" ]]; then
  echo "build.sh: cached Collector $bin" >&2
  echo "$bin"
  exit 0
fi

mkdir -p "$cache"
# One build at a time (tests and CI may call this concurrently).
exec 9>"$cache/build.lock"
flock 9
if [[ -x "$bin" ]]; then echo "$bin"; exit 0; fi

start=$(date +%s)
gobin="$cache/bin"
if [[ ! -x "$gobin/builder-$BUILDER_VERSION" ]]; then
  echo "build.sh: installing go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION" >&2
  GOBIN="$gobin" go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION"
  mv "$gobin/builder" "$gobin/builder-$BUILDER_VERSION"
fi

work="$(mktemp -d "$cache/build-XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The manifest's output_path is relative; build in a scratch copy so the repo stays clean.
cp "$manifest" "$work/builder-config.yaml"
(cd "$work" && "$gobin/builder-$BUILDER_VERSION" --config builder-config.yaml) >&2

mv "$work/_build/otelcol-flux" "$bin.tmp"
mv "$bin.tmp" "$bin"
echo "build.sh: built $bin in $(( $(date +%s) - start ))s" >&2
echo "$bin"
