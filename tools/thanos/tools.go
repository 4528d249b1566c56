//go:build tools

// Package tools pins the Thanos command built by tools/build.sh. A wrapper module is needed because
// `go install github.com/thanos-io/thanos/cmd/thanos@v0.42.4` is refused (its go.mod has replace directives,
// which are repeated in go.mod here).
package tools

import (
	_ "github.com/thanos-io/thanos/cmd/thanos"
)
