//go:build tools

// Package tools pins the Prometheus commands built by tools/build.sh. A wrapper module is needed because
// `go install github.com/prometheus/prometheus/cmd/...@v0.307.3` is refused (its go.mod has exclude directives).
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/prometheus"
	_ "github.com/prometheus/prometheus/cmd/promtool"
)
