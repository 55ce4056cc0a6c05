//go:build tools

// Package tools pins the registry's module so go.sum lists everything the build needs.
package tools

import _ "github.com/distribution/distribution/v3/cmd/registry"
