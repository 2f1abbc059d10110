#!/usr/bin/env bash
# podman as root with sandbox-oci as its runtime (issue 16's acceptance):
# a busybox image imported locally (no registry), --network=none only.
#   tests/oci/podman.sh /path/to/sandbox-oci
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
runtime=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "# podman.sh: needs root"; exit 1; }
command -v podman >/dev/null || { echo "# podman.sh: podman missing (scripts/setup-deps.sh --oci)"; exit 1; }

work=$(mktemp -d /tmp/oci-podman.XXXXXX)
# conmon writes an "oom" marker into its working directory when a container
# is OOM-killed (the --memory check below): ours, not the caller's.
cd "$work" || exit 1
# What podman and sandbox-oci make on the machine, removed at the end when
# it was not there before: the runtime's state root, podman's parent cgroups.
made=()
[ -e /run/sandbox-oci ] || made+=(/run/sandbox-oci)
for c in /sys/fs/cgroup/*/; do [ -e "${c}libpod_parent" ] || made+=("${c}libpod_parent"); done
cat > "$work/containers.conf" <<CONF
[containers]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime_supports_json = ["sandbox-oci", "crun", "runc"]
CONF
export CONTAINERS_CONF="$work/containers.conf"
pm() { with_timeout 60 podman --root "$work/storage" --runroot "$work/run" --storage-driver overlay \
         --runtime "$runtime" "$@"; }
cleanup() {
  pm rm -a -f >/dev/null 2>&1
  pm rmi -a -f >/dev/null 2>&1
  # podman's own overlay mounts under its private root, then the files.
  grep -o " $work/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$work"
  local d
  for d in "${made[@]}"; do
    [ -d "$d/conmon" ] && rmdir "$d/conmon" 2>/dev/null
    rmdir "$d" 2>/dev/null
  done
}
trap cleanup EXIT

make_rootfs "$work/rootfs"
tar -C "$work/rootfs" -c . | pm import - localhost/oci-test:1 >/dev/null || { echo "# import failed"; exit 1; }
img=localhost/oci-test:1
run=(run --rm --network=none)

check "podman run --rm IMG true" pm "${run[@]}" $img true
out=$(pm "${run[@]}" $img echo hello 2>/dev/null)
check "podman run --rm IMG echo hello (got '$out')" test "$out" = hello
pm "${run[@]}" $img sh -c 'exit 7' 2>/dev/null; rc=$?
check "the exit status comes back (7, got $rc)" test $rc -eq 7

# -it: a real terminal, read line by line by an interactive shell.
out=$(printf 'tty\necho typed-$((40+2))\nexit 5\n' | \
      with_timeout 30 script -qec "podman --root $work/storage --runroot $work/run --storage-driver overlay --runtime $runtime run -it --rm --network=none $img sh -i" /dev/null 2>&1)
rc=$?
check "run -it: a pty inside" grep -q '/dev/pts/' <<<"$out"
check "run -it: the shell reads the terminal" grep -q 'typed-42' <<<"$out"
check "run -it: exit status through the terminal (5, got $rc)" test $rc -eq 5

# exec, stop, kill, rm -f on a running container.
pm run -d --name oci-exec --network=none $img sleep 300 >/dev/null
out=$(pm exec oci-exec sh -c 'echo in-$(hostname); cat /proc/1/cmdline | tr "\0" " "' 2>/dev/null)
check "exec runs in the container (got '$out')" grep -q 'sleep 300' <<<"$out"
out=$(printf 'echo exec-tty\nexit\n' | with_timeout 30 script -qec \
      "podman --root $work/storage --runroot $work/run --storage-driver overlay --runtime $runtime exec -it oci-exec sh -i" /dev/null 2>&1)
check "exec -it" grep -q 'exec-tty' <<<"$out"
pm stop -t 1 oci-exec >/dev/null 2>&1
check "stop: the container is exited" test "$(pm inspect -f '{{.State.Status}}' oci-exec)" = exited
pm rm oci-exec >/dev/null
pm run -d --name oci-kill --network=none $img sleep 300 >/dev/null
pm kill -s KILL oci-kill >/dev/null
pm wait oci-kill >/dev/null 2>&1
check "kill: the container is exited" test "$(pm inspect -f '{{.State.Status}}' oci-kill)" = exited
pm rm oci-kill >/dev/null
# rm -f of a container whose tree holds a daemon: all of it goes, and the cgroup with it.
pm run -d --name oci-rm --network=none $img sh -c 'setsid sleep 400 & sleep 300' >/dev/null
pid=$(pm inspect -f '{{.State.Pid}}' oci-rm)
cg=$(awk -F: '$1 == "0" {print $3}' /proc/$pid/cgroup)
pm rm -f oci-rm >/dev/null 2>&1
check "rm -f: no process left of the container's tree" test -z "$(cat /sys/fs/cgroup/unified$cg/cgroup.procs 2>/dev/null)"
check "rm -f: its cgroup is removed" test ! -d "/sys/fs/cgroup/unified$cg"

# Limits: v1 controllers on this hybrid host (facts/kernel.md).
pm run -d --name oci-mem --memory 32m --pids-limit 10 --network=none $img sleep 300 >/dev/null
pid=$(pm inspect -f '{{.State.Pid}}' oci-mem)
mem=$(awk -F: '$2 == "memory" {print $3}' /proc/$pid/cgroup)
pids=$(awk -F: '$2 == "pids" {print $3}' /proc/$pid/cgroup)
check "--memory 32m: memory.limit_in_bytes" test "$(cat /sys/fs/cgroup/memory$mem/memory.limit_in_bytes)" = 33554432
check "--pids-limit 10: pids.max" test "$(cat /sys/fs/cgroup/pids$pids/pids.max)" = 10
pm rm -f oci-mem >/dev/null 2>&1
pm "${run[@]}" --memory 32m --memory-swap 32m $img sh -c 'head -c 200m /dev/zero | tail > /dev/null' >/dev/null 2>&1; rc=$?
check "--memory 32m: a 200 MB tail is killed (137, got $rc)" test $rc -eq 137
out=$(pm "${run[@]}" --pids-limit 10 $img sh -c 'for i in $(seq 20); do sleep 2 & done 2>&1; wait' 2>&1)
check "--pids-limit 10: the 11th fork fails" grep -qi "fork" <<<"$out"

out=$(pm "${run[@]}" --read-only $img sh -c 'touch /x 2>&1; touch /tmp/y && echo tmp-ok' 2>&1)
check "--read-only: the root is read-only" grep -q 'Read-only file system' <<<"$out"
check "--read-only: /tmp stays writable" grep -q 'tmp-ok' <<<"$out"
out=$(pm "${run[@]}" $img sh -c 'ls /sys/class/net' 2>&1)
check "--network=none: only lo (got '$out')" test "$out" = lo

# Our layers: a descriptor of a host directory handed in (the CVE-2024-21626
# class) gives nothing; the same with sandbox.landlock=off (the control) does.
mkdir -p "$work/host-dir" && echo host-secret > "$work/host-dir/secret" && chmod 600 "$work/host-dir/secret"
out=$(pm "${run[@]}" --preserve-fds 1 $img cat /proc/self/fd/3/secret 3<"$work/host-dir" 2>&1)
check "host directory handed in: its files are denied (got '$out')" grep -q "can't open.*Permission denied" <<<"$out"
out=$(pm "${run[@]}" --preserve-fds 1 --annotation sandbox.landlock=off $img cat /proc/self/fd/3/secret 3<"$work/host-dir" 2>&1)
check "control without Landlock: the host file is read" grep -q 'host-secret' <<<"$out"
out=$(pm "${run[@]}" $img sh -c 'echo x > /dev/tty0 2>&1; mknod /tmp/sda b 8 0 2>&1; echo done' 2>&1)
check "no device node can be made" grep -q "mknod: /tmp/sda: Permission denied" <<<"$out"

# Each container is labelled and visible to sandbox --list; sandbox --kill ends it.
sandbox=$(dirname "$runtime")/sandbox
if [ -x "$sandbox" ]; then
  pm run -d --name oci-list --network=none $img sleep 300 >/dev/null
  pid=$(pm inspect -f '{{.State.Pid}}' oci-list)
  label=$("$sandbox" --list --json | python3 -c '
import json, sys
for i in json.load(sys.stdin):
    if i.get("init_pid") == int(sys.argv[1]): print(i["label"])' "$pid")
  check "sandbox --list shows the container (label '$label')" grep -q '^sandbox_oci_t:s0:c' <<<"$label"
  inside=$(pm exec oci-list sh -c 'echo $SANDBOX_LABEL' 2>/dev/null)
  check "the container's processes have its label (\$SANDBOX_LABEL '$inside')" test -n "$label" -a "$inside" = "$label"
  "$sandbox" --kill "$label" >/dev/null 2>&1
  pm wait oci-list >/dev/null 2>&1
  check "sandbox --kill LABEL ends the container" test "$(pm inspect -f '{{.State.Status}}' oci-list)" = exited
  pm rm -f oci-list >/dev/null 2>&1
else
  skip "sandbox --list: no sandbox binary beside $runtime"
fi

summary "podman (root)"
