#!/usr/bin/env bash
# Builds the Prometheus-family tools that users deploy (the versions deploy/docker-compose.yml pins) from the
# Go module proxy and caches them in ~/.cache/flux-metrics keyed by version, so later runs are instant.
# Usage: tools/build.sh prometheus|promtool|alertmanager|amtool|thanos   → prints the binary's path (last line).
# First builds on a 2-core machine: promtool ≈ 6 min, prometheus +15 s, alertmanager/amtool ≈ 1 min each,
# thanos (the scale-out store, only for `npm run test:scale`/`bench:scale`, not `npm test`) ≈ 4–5 min.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=/dev/null
source "$here/versions.env"
tool="${1:?usage: tools/build.sh prometheus|promtool|alertmanager|amtool|thanos}"

export PATH="/usr/local/go/bin:$PATH"
export HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
command -v go >/dev/null || { echo "tools/build.sh: Go >= 1.26 is required" >&2; exit 1; }

case "$tool" in
  prometheus | promtool) version="$PROMETHEUS_VERSION" ;;
  alertmanager | amtool) version="$ALERTMANAGER_VERSION" ;;
  thanos) version="$THANOS_VERSION" ;;
  *) echo "tools/build.sh: unknown tool '$tool'" >&2; exit 2 ;;
esac
cache="${XDG_CACHE_HOME:-$HOME/.cache}/flux-metrics"
bin="$cache/$tool-$version"
if [[ -x "$bin" ]]; then echo "$bin"; exit 0; fi

mkdir -p "$cache"
# One build at a time (tests and CI may call this concurrently); the module cache is shared.
exec 9>"$cache/go-tools.lock"
flock 9
if [[ -x "$bin" ]]; then echo "$bin"; exit 0; fi

start=$(date +%s)
echo "tools/build.sh: building $tool $version from the Go module proxy (cached afterwards in $cache)" >&2
case "$tool" in
  prometheus | promtool)
    work="$(mktemp -d "$cache/build-XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    cp "$here/prometheus/go.mod" "$here/prometheus/tools.go" "$work/"
    (
      cd "$work"
      GOFLAGS=-mod=mod go mod tidy >&2
      go build -o "$bin.tmp" \
        -ldflags "-X github.com/prometheus/common/version.Version=$version" \
        "github.com/prometheus/prometheus/cmd/$tool" >&2
    )
    ;;
  thanos)
    work="$(mktemp -d "$cache/build-XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    cp "$here/thanos/go.mod" "$here/thanos/tools.go" "$work/"
    (
      cd "$work"
      GOFLAGS=-mod=mod go mod tidy >&2
      # Thanos's own build tags (its .promu.yml): without slicelabels, Receive and Query panic decoding labels.
      go build -o "$bin.tmp" -tags netgo,slicelabels \
        -ldflags "-X github.com/prometheus/common/version.Version=$version" \
        github.com/thanos-io/thanos/cmd/thanos >&2
    )
    ;;
  alertmanager | amtool)
    gobin="$(mktemp -d "$cache/build-XXXXXX")"
    trap 'rm -rf "$gobin"' EXIT
    GOBIN="$gobin" go install \
      -ldflags "-X github.com/prometheus/common/version.Version=$version" \
      "github.com/prometheus/alertmanager/cmd/$tool@v$version" >&2
    mv "$gobin/$tool" "$bin.tmp"
    ;;
esac
mv "$bin.tmp" "$bin"
echo "tools/build.sh: built $bin in $(($(date +%s) - start))s" >&2
echo "$bin"
