//go:build tools

// Package tools pins the main packages build.sh compiles, so that
// `go mod tidy` keeps their whole dependency graph in go.mod/go.sum.
// This file is never compiled (the "tools" build tag is never set).
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
