//go:build tools

// Package tools pins the node binaries build-node-image.sh compiles, so that
// `go mod tidy` keeps their whole dependency graph in go.mod/go.sum.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kubeadm"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
