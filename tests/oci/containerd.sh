#!/usr/bin/env bash
# containerd with sandbox-oci as the runc binary of its runc shim (the path
# Kubernetes takes through a RuntimeClass): a private containerd (its own
# root, state and socket; the CRI plugin off), the busybox image imported
# from an OCI archive (no registry), ctr run/exec/kill/delete.
#   tests/oci/containerd.sh /path/to/sandbox-oci
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
runtime=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "# containerd.sh: needs root"; exit 1; }
command -v containerd >/dev/null || { echo "# containerd.sh: containerd missing (scripts/setup-deps.sh --oci)"; exit 1; }

work=$(mktemp -d /tmp/oci-containerd.XXXXXX)
# The shim keeps its runtime state under /run/containerd: removed at the end
# when it was not there before.
made_run=""; [ -e /run/containerd ] || made_run=/run/containerd
sock="$work/containerd.sock"
cat > "$work/config.toml" <<CONF
version = 2
root = "$work/root"
state = "$work/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
CONF
containerd --config "$work/config.toml" > "$work/containerd.log" 2>&1 &
daemon=$!
c() { with_timeout 60 ctr --address "$sock" --namespace oci-test "$@"; }
cleanup() {
  for t in $(c task ls -q 2>/dev/null); do c task kill -s KILL "$t" >/dev/null 2>&1; c task delete -f "$t" >/dev/null 2>&1; done
  for t in $(c containers ls -q 2>/dev/null); do c containers delete "$t" >/dev/null 2>&1; done
  c images rm localhost/oci-test:1 >/dev/null 2>&1
  kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null
  grep -o " $work/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$work"
  if [ -n "$made_run" ]; then rm -rf "$made_run"; else rmdir /run/containerd/runc/oci-test 2>/dev/null; fi
}
trap cleanup EXIT
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { echo "# containerd did not start"; cat "$work/containerd.log"; exit 1; }

# The image: the busybox root as an OCI archive, through a private podman.
make_rootfs "$work/rootfs"
export CONTAINERS_CONF=/dev/null
pm() { with_timeout 60 podman --root "$work/podman" --runroot "$work/podman-run" --storage-driver overlay "$@"; }
tar -C "$work/rootfs" -c . | pm import - localhost/oci-test:1 >/dev/null 2>&1
pm save --format oci-archive -o "$work/image.tar" localhost/oci-test:1 >/dev/null 2>&1
pm rmi -a -f >/dev/null 2>&1
c images import --base-name localhost/oci-test "$work/image.tar" >/dev/null 2>&1
c images tag localhost/oci-test:1 localhost/oci-test:1 >/dev/null 2>&1
img=$(c images ls -q | head -1)
[ -n "$img" ] || { echo "# image import failed"; exit 1; }

out=$(c run --rm --runc-binary "$runtime" "$img" oci-echo echo hello-ctr 2>&1)
check "ctr run --rm --runc-binary sandbox-oci (got '$out')" test "$out" = hello-ctr
c run --rm --runc-binary "$runtime" "$img" oci-status sh -c 'exit 3' >/dev/null 2>&1; rc=$?
check "ctr run: the exit status (3, got $rc)" test $rc -eq 3
c run -d --runc-binary "$runtime" "$img" oci-long sleep 300 >/dev/null 2>&1
out=$(c task exec --exec-id e1 oci-long sh -c 'echo exec-$(cat /proc/1/cmdline | tr "\0" " ")' 2>&1)
check "ctr task exec (got '$out')" grep -q 'exec-sleep 300' <<<"$out"
task_pid=$(c task ls 2>/dev/null | awk '$1 == "oci-long" {print $2}')
out=$(c task ps oci-long 2>&1)
check "ctr task ps (sandbox-oci ps --format json) lists the task's pid $task_pid" grep -q "^${task_pid:-none} " <<<"$out"
c task pause oci-long >/dev/null 2>&1
check "ctr task pause" grep -q PAUSED <<<"$(c task ls 2>&1)"
c task resume oci-long >/dev/null 2>&1
check "ctr task resume" grep -q RUNNING <<<"$(c task ls 2>&1)"
c task kill -s KILL oci-long >/dev/null 2>&1
for _ in $(seq 50); do grep -q STOPPED <<<"$(c task ls 2>&1)" && break; sleep 0.1; done
check "ctr task kill" grep -q STOPPED <<<"$(c task ls 2>&1)"
c task delete oci-long >/dev/null 2>&1
check "ctr task delete" bash -c '! grep -q oci-long <<<"$1"' _ "$(c task ls 2>&1)"
c containers delete oci-long >/dev/null 2>&1
check "ctr container delete" bash -c '! grep -q oci-long <<<"$1"' _ "$(c containers ls 2>&1)"
check "sandbox-oci's state is gone" test -z "$("$runtime" --root /run/containerd/runc/oci-test list -q 2>/dev/null)"

summary "containerd"
