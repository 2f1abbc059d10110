#!/usr/bin/env bash
# sandbox-oci against runc and crun (issue 16), as root: `RUNTIME run` of a
# busybox bundle running `true`, and `podman run --rm IMG true` with each
# runtime (--network=none, a private podman storage). Interleaved rounds,
# median ms per container. Not a test: CI does not run it.
#   bench/oci.sh build/sandbox-oci [ROUNDS] [--crun]
# --crun: crun 1.8.1 refuses a hybrid host whose cgroup2 lists a controller
# (hugetlb here, research/oci.md); with --crun, hugetlb is bound to a v1
# hierarchy in a private mount namespace for the duration of the bench
# (kernel-global while it lasts, dissolved afterwards).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/oci/lib.sh"
ours=$(realpath "$1"); rounds=${2:-20}; with_crun=${3:-}
work=$(mktemp -d /tmp/oci-bench.XXXXXX)
trap 'grep -o " $work/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null; rm -rf "$work"' EXIT
make_bundle "$work/bundle" "$ours" >/dev/null
set_config "$work/bundle" "c['process']['args'] = ['true']; c['process']['capabilities'] = None; del c['process']['capabilities']"
runtimes=("$ours" "$(command -v runc)")
[ "$with_crun" = --crun ] && runtimes+=("$(command -v crun)")

ms() {  # ms COMMAND...: wall milliseconds of one run
  local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1000}'; }

cat > "$work/containers.conf" <<CONF
[containers]
netns = "none"
default_ulimits = ["nofile=20000:20000"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime_supports_json = ["sandbox-oci", "crun", "runc"]
CONF
export CONTAINERS_CONF="$work/containers.conf"
pm() { podman --root "$work/storage" --runroot "$work/run" --storage-driver overlay "$@"; }
tar -C "$work/bundle/rootfs" -c . | pm import - localhost/oci-bench:1 >/dev/null 2>&1

bench() {
  for r in $(seq "$rounds"); do
    for rt in "${runtimes[@]}"; do
      name=$(basename "$rt")
      ms "$rt" --root "$work/state-$name" run -b "$work/bundle" "b$r" >> "$work/run-$name"
      ms pm --runtime "$rt" run --rm --network=none localhost/oci-bench:1 true >> "$work/podman-$name"
    done
  done
  printf '| runtime | `RUNTIME run` (bundle, `true`) | `podman run --rm --network=none IMG true` |\n|---|---:|---:|\n'
  for rt in "${runtimes[@]}"; do
    name=$(basename "$rt")
    printf '| %s | %s ms | %s ms |\n' "$name" "$(median < "$work/run-$name")" "$(median < "$work/podman-$name")"
  done
  pm rmi -a -f >/dev/null 2>&1
}
if [ "$with_crun" = --crun ]; then
  mkdir -p "$work/hugetlb"
  export -f bench ms median pm; export work rounds
  unshare -m --propagation private bash -c "mount -t cgroup -o hugetlb none '$work/hugetlb' && $(declare -p runtimes) && bench"
else
  bench
fi
