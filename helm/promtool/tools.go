//go:build tools

// Package tools pins promtool's module so go.sum lists everything the build needs.
package tools

import _ "github.com/prometheus/prometheus/cmd/promtool"
