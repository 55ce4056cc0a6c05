//go:build tools

// Package tools pins the main package build.sh compiles, so that
// `go mod tidy` keeps its whole dependency graph in go.mod/go.sum.
// This file is never compiled (the "tools" build tag is never set).
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
