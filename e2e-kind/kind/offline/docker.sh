#!/usr/bin/env bash
# Starts or stops a Docker daemon for the Kind scripts on machines without systemd.
#
# Usage: docker.sh start | stop | status
#
#   start   if a Docker daemon already answers, does nothing and prints "external"; otherwise
#           starts dockerd (which supervises its own containerd) in the background, waits until
#           it answers, records its PID and prints "started"
#   stop    stops the dockerd this script started (by its recorded PID; SIGTERM, then SIGKILL
#           after 30 s) and never touches a daemon it did not start
#
# Environment:
#   TREEWAVE_CACHE        cache root (default: $HOME/.cache/treewave); state in $TREEWAVE_CACHE/kind/docker-state
#
# On a host whose capability bounding set lacks CAP_SYS_RESOURCE (as in some CI sandboxes) the
# daemon runs every container through runc-wrapper, which drops that capability from the spec.
set -Eeuo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="${TREEWAVE_CACHE:-${HOME:?}/.cache/treewave}"
STATE="$CACHE_ROOT/kind/docker-state"
PIDFILE="$STATE/dockerd.pid"
log() { printf '[docker] %s\n' "$*" >&2; }
die() { printf 'docker.sh: ERROR: %s\n' "$*" >&2; exit 1; }

answers() { timeout 10 docker version >/dev/null 2>&1; }

ours_running() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid; pid="$(cat "$PIDFILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q dockerd "/proc/$pid/cmdline" 2>/dev/null
}

# CAP_SYS_RESOURCE is capability 24.
lacks_sys_resource() {
  local bnd; bnd="$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)"
  (( (0x$bnd >> 24 & 1) == 0 ))
}

start() {
  if answers; then
    if ours_running; then echo started-before; else echo external; fi
    return 0
  fi
  command -v dockerd >/dev/null || die "no Docker daemon answers and dockerd is not installed (Debian: apt-get install docker.io)"
  [[ "$(id -u)" -eq 0 ]] || die "no Docker daemon answers, and starting dockerd needs root"
  mkdir -p "$STATE"
  local args=(--pidfile "$PIDFILE" --host unix:///var/run/docker.sock)
  if lacks_sys_resource; then
    install -m 0755 "$HERE/runc-wrapper" "$STATE/runc-wrapper"
    args+=(--add-runtime "treewave-runc=$STATE/runc-wrapper" --default-runtime treewave-runc)
    log "CAP_SYS_RESOURCE is not in the bounding set: containers run through runc-wrapper"
  fi
  rm -f "$PIDFILE"
  log "starting dockerd (log: $STATE/dockerd.log)"
  setsid dockerd "${args[@]}" >"$STATE/dockerd.log" 2>&1 </dev/null &
  local pid=$! i
  for i in $(seq 1 120); do
    if answers; then
      echo "$pid" >"$PIDFILE"
      log "dockerd answers (pid $pid) after ${i}x0.5 s"
      echo started
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { tail -20 "$STATE/dockerd.log" >&2; die "dockerd exited"; }
    sleep 0.5
  done
  tail -20 "$STATE/dockerd.log" >&2
  kill "$pid" 2>/dev/null || true
  die "dockerd did not answer within 60 s"
}

stop() {
  if ! ours_running; then
    log "no dockerd started by this script is running"
    rm -f "$PIDFILE"
    return 0
  fi
  local pid i; pid="$(cat "$PIDFILE")"
  log "stopping dockerd (pid $pid)"
  kill -TERM "$pid"
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; log "dockerd stopped"; return 0; }
    sleep 0.5
  done
  log "dockerd did not stop within 30 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if ours_running; then echo "started (pid $(cat "$PIDFILE"))"; elif answers; then echo external; else echo none; fi ;;
  *) die "usage: docker.sh start|stop|status" ;;
esac
