#!/usr/bin/env bash
# Rootless podman with sandbox-oci: a real unprivileged user with a
# subordinate id range (newuidmap/newgidmap, setuid root from Debian's
# uidmap). The user is made for the test and removed with its ranges
# afterwards (the only change to the machine: /etc/passwd, group, shadow,
# subuid, subgid, for the duration of the test).
#   tests/oci/rootless.sh /path/to/sandbox-oci
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
runtime=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "# rootless.sh: needs root (to make the test user)"; exit 1; }
command -v newuidmap >/dev/null || { echo "# rootless.sh: newuidmap missing (uidmap)"; exit 1; }

user=sbxoci$$
work=$(mktemp -d /tmp/oci-rootless.XXXXXX)
chmod 755 "$work"
cleanup() {
  if id "$user" >/dev/null 2>&1; then
    runuser -u "$user" -- env HOME="$work/home" XDG_RUNTIME_DIR="$work/xdg" \
      podman --root "$work/storage" --runroot "$work/run" rm -a -f >/dev/null 2>&1
    runuser -u "$user" -- env HOME="$work/home" XDG_RUNTIME_DIR="$work/xdg" \
      podman --root "$work/storage" --runroot "$work/run" unshare rm -rf "$work/storage" >/dev/null 2>&1
    pkill -u "$user" -KILL 2>/dev/null  # podman's pause process, the user's only
    userdel "$user" 2>/dev/null
  fi
  # Ranges left behind by a userdel that does not remove them.
  sed -i "/^$user:/d" /etc/subuid /etc/subgid
  grep -o " $work/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
useradd --no-create-home --home-dir "$work/home" --shell /usr/sbin/nologin "$user" || exit 1
# A range nobody else has: above every range in use.
start=$(awk -F: 'BEGIN {m = 100000} {e = $2 + $3; if (e > m) m = e} END {print m}' /etc/subuid /etc/subgid)
usermod --add-subuids "$start-$((start + 65535))" --add-subgids "$start-$((start + 65535))" "$user" || exit 1
mkdir -p "$work/home" "$work/xdg" "$work/storage" "$work/run"
chown "$user:" "$work/home" "$work/xdg" "$work/storage" "$work/run" && chmod 700 "$work/xdg"
cp "$runtime" "$work/sandbox-oci" && chmod 755 "$work/sandbox-oci"
make_rootfs "$work/rootfs"
tar -C "$work/rootfs" -c . > "$work/image.tar" && chmod 644 "$work/image.tar"
cat > "$work/containers.conf" <<CONF
[containers]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime_supports_json = ["sandbox-oci", "crun", "runc"]
CONF
chmod 644 "$work/containers.conf"
pm() {
  with_timeout 60 runuser -u "$user" -- env HOME="$work/home" XDG_RUNTIME_DIR="$work/xdg" \
    CONTAINERS_CONF="$work/containers.conf" \
    podman --root "$work/storage" --runroot "$work/run" --storage-driver overlay \
    --runtime "$work/sandbox-oci" "$@"
}
if ! pm import "$work/image.tar" localhost/oci-test:1 >"$work/import.log" 2>&1; then
  sed 's/^/# /' "$work/import.log"; echo "# rootless import failed"; exit 1
fi
img=localhost/oci-test:1

out=$(pm run --rm --network=none $img sh -c 'echo uid=$(id -u); cat /proc/self/uid_map' 2>&1)
echo "# $out" | head -3
check "rootless: run --rm (root in the container)" grep -q 'uid=0' <<<"$out"
check "rootless: the container's root is the user's uid outside" grep -Eq "^ +0 +$(id -u "$user") +1" <<<"$out"
pm run -d --name rl --network=none $img sleep 300 >/dev/null 2>&1
out=$(pm exec rl sh -c 'echo exec-ok' 2>&1)
check "rootless: exec (got '$out')" grep -q exec-ok <<<"$out"
pm rm -f rl >/dev/null 2>&1; rc=$?
check "rootless: rm -f (rc $rc)" test $rc -eq 0
check "rootless: no process left" bash -c '! pgrep -u "$1" -f "sleep 300" >/dev/null' _ "$user"
mkdir -p "$work/host-dir" && echo user-secret > "$work/host-dir/secret"
chown -R "$user:" "$work/host-dir" && chmod 600 "$work/host-dir/secret"
out=$(pm run --rm --network=none --preserve-fds 1 $img cat /proc/self/fd/3/secret 3<"$work/host-dir" 2>&1)
check "rootless: a handed-in host directory gives nothing (got '$out')" grep -q "can't open.*Permission denied" <<<"$out"
out=$(pm run --rm --network=none --preserve-fds 1 --annotation sandbox.landlock=off $img cat /proc/self/fd/3/secret 3<"$work/host-dir" 2>&1)
check "rootless control without Landlock: the user's file is read" grep -q 'user-secret' <<<"$out"

summary "rootless podman"
