#!/usr/bin/env bash
# sandbox-oci against runc and crun (issue 16), as root: `RUNTIME run` of a
# busybox bundle running `true`, and `podman run --rm IMG true` with each
# runtime (--network=none, a private podman storage). Interleaved rounds,
# median ms per container. Not a test: CI does not run it.
#   bench/oci.sh build/sandbox-oci [ROUNDS]
#
# crun 1.8.1 refuses a hybrid host whose cgroup2 hierarchy lists a controller
# ("cgroups in hybrid mode not supported, drop all controllers from
# cgroupv2"; here it lists hugetlb, research/oci.md): it reads
# /sys/fs/cgroup/unified/cgroup.controllers. So the whole bench (every
# runtime alike) runs in a private mount namespace of its own in which an
# empty file is bound over that one file. Nothing global changes: no
# controller is bound or moved, the bind is invisible outside the namespace
# and goes with it; the script checks that the host's mount table and
# /proc/cgroups are the same before and after.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/oci/lib.sh"
ours=$(realpath "$1"); rounds=${2:-20}
work=$(mktemp -d /tmp/oci-bench.XXXXXX)
trap 'grep -o " $work/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null; rm -rf "$work"' EXIT
make_bundle "$work/bundle" "$ours" >/dev/null
set_config "$work/bundle" "c['process']['args'] = ['true']; c['process']['capabilities'] = None; del c['process']['capabilities']"
runc=$(command -v runc); crun=$(command -v crun || true)
# name|command prefix for `run`; crun twice (cgroupfs, and no cgroups at all).
runs=("sandbox-oci|$ours" "runc|$runc")
[ -n "$crun" ] && runs+=("crun|$crun" "crun-nocgroup|$crun --cgroup-manager=disabled")

ms() {  # ms COMMAND...: wall microseconds of one run ($EPOCHREALTIME: no fork of date inside the interval)
  local t0 t1; t0=${EPOCHREALTIME/./}; "$@" >/dev/null 2>"$work/err"; local rc=$?; t1=${EPOCHREALTIME/./}
  [ $rc -eq 0 ] || { echo "failed: $*" >&2; tail -3 "$work/err" >&2; }
  echo $(( t1 - t0 ))
}
median() { sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1000}'; }

cat > "$work/containers.conf" <<CONF
[containers]
netns = "none"
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime_supports_json = ["sandbox-oci", "crun", "runc"]
CONF
export CONTAINERS_CONF="$work/containers.conf"
pm() { podman --root "$work/storage" --runroot "$work/run" --storage-driver overlay "$@"; }

bench() {
  local controllers=/sys/fs/cgroup/unified/cgroup.controllers
  if [ -n "$(cat "$controllers")" ]; then
    : > "$work/no-controllers"
    mount --bind "$work/no-controllers" "$controllers" || { echo "cannot hide $controllers" >&2; return 1; }
  fi
  # The runtimes' state (--root) on a tmpfs, as their defaults are (/run/runc,
  # /run/crun, /run/sandbox-oci): on /tmp's ext4 the bench's rapid create and
  # delete of state files made ext4's inode allocation (recently_deleted) a
  # large share of every runtime's time. Mounted in this namespace only.
  mkdir -p "$work/state" && mount -t tmpfs -o mode=0700 bench-state "$work/state" || return 1
  tar -C "$work/bundle/rootfs" -c . | pm import - localhost/oci-bench:1 >/dev/null 2>&1
  local r entry name cmd
  for r in $(seq "$rounds"); do
    for entry in "${runs[@]}"; do
      name=${entry%%|*}; cmd=${entry#*|}
      # shellcheck disable=SC2086
      ms $cmd --root "$work/state/$name" run -b "$work/bundle" "b$r" >> "$work/run-$name"
    done
    for entry in "${runs[@]}"; do
      name=${entry%%|*}; cmd=${entry#*|}
      case $name in *nocgroup) continue ;; esac
      ms pm --runtime "${cmd%% *}" run --rm --network=none localhost/oci-bench:1 true >> "$work/podman-$name"
    done
  done
  pm rmi -a -f >/dev/null 2>&1
}
before=$(mktemp); after=$(mktemp)
snapshot() { { cat /proc/self/mountinfo; cut -f1-2,4 /proc/cgroups; cat /sys/fs/cgroup/unified/cgroup.controllers; } > "$1"; }
snapshot "$before"
export -f bench ms median pm; export work rounds
unshare -m --propagation private bash -c "$(declare -p runs) && bench"
snapshot "$after"
if ! cmp -s "$before" "$after"; then echo "the host's mounts or cgroup bindings changed:" >&2; diff "$before" "$after" >&2; fi
rm -f "$before" "$after"

printf 'load: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '| runtime | `RUNTIME run` (bundle, `true`) | `podman run --rm --network=none IMG true` |\n|---|---:|---:|\n'
for entry in "${runs[@]}"; do
  name=${entry%%|*}
  p=-; [ -s "$work/podman-$name" ] && p="$(median < "$work/podman-$name") ms"
  printf '| %s | %s ms | %s |\n' "$name" "$(median < "$work/run-$name")" "$p"
done
ratio() { awk -v a="$(median < "$work/run-$1")" -v b="$(median < "$work/run-$2")" 'BEGIN {printf "%.2f", a / b}'; }
if [ -n "$crun" ]; then
  echo "sandbox-oci run / crun run: $(ratio sandbox-oci crun)x (goal <= 0.5x); / crun-nocgroup: $(ratio sandbox-oci crun-nocgroup)x; / runc: $(ratio sandbox-oci runc)x"
fi
