#!/usr/bin/env bash
# runc's own integration suite (bats, from Debian's runc source package)
# against sandbox-oci, and against runc on the same subset in the same job:
# both tallies are printed. Passes when sandbox-oci passes at least 90% of
# the subset's tests that are not skipped (issue 16); the failures we
# accept are listed with their reasons in docs/oci.md.
#   tests/oci/bats.sh /path/to/sandbox-oci
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
runtime=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "# bats.sh: needs root"; exit 1; }
for tool in bats jq runc script dpkg-source; do
  command -v $tool >/dev/null || { echo "# bats.sh: $tool missing (scripts/setup-deps.sh --oci)"; exit 1; }
done
subset=(create start start_detached start_hello run exec kill delete state tty pause cwd umask mask dev mounts hooks)

# The source: `apt-get source runc` through a private sources list and
# cache (the machine's apt configuration is left alone), kept in
# build/oci-bats/ for later runs.
cache=$(cd "$here/../.." && pwd)/build/oci-bats
src=$(ls -d "$cache"/runc-*/ 2>/dev/null | head -1)
if [ -z "$src" ]; then
  mkdir -p "$cache/apt/lists/partial"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" > "$cache/sources.list"
  apt=(-o "Dir::Etc::SourceList=$cache/sources.list" -o Dir::Etc::SourceParts=/dev/null
       -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt/cache")
  (cd "$cache" && with_timeout 300 apt-get "${apt[@]}" update -qq && with_timeout 300 apt-get "${apt[@]}" source -qq runc) \
    >/dev/null 2>&1 || { echo "# bats.sh: apt-get source runc failed"; exit 1; }
  src=$(ls -d "$cache"/runc-*/ | head -1)
fi
suite="$src/tests/integration"

# The images: busybox-static with its applets, made here (get-images.sh
# would download them and needs Go to name the architecture). The "debian"
# image of hooks.bats is the same busybox root (docs/oci.md).
work=$(mktemp -d /tmp/oci-bats.XXXXXX)
chmod 755 "$work"
# The suite's cgroup tests name /runc-cgroups-integration-test/...: its
# teardown removes the v1 groups, the v2 parent is removed here.
suite_cg=/sys/fs/cgroup/unified/runc-cgroups-integration-test
made_cg=""; [ -e "$suite_cg" ] || made_cg=$suite_cg
trap 'rm -rf "$work"; [ -n "$made_cg" ] && [ -d "$made_cg" ] && { rmdir "$made_cg"/* 2>/dev/null; rmdir "$made_cg"; }' EXIT
make_rootfs "$work/busybox"
# As the docker-library busybox image: no /proc, /sys (mask.bats makes
# them symlinks).
rmdir "$work/busybox/proc" "$work/busybox/sys"
tar -C "$work/busybox" -cJf "$suite/testdata/busybox-amd64.tar.xz" .
cp "$suite/testdata/busybox-amd64.tar.xz" "$suite/testdata/debian-amd64.tar.xz"
cat > "$suite/get-images.sh" <<IMAGES
#!/bin/bash
echo BUSYBOX_IMAGE=$suite/testdata/busybox-amd64.tar.xz
echo DEBIAN_IMAGE=$suite/testdata/debian-amd64.tar.xz
IMAGES
chmod +x "$suite/get-images.sh"
mkdir -p "$src/contrib/cmd/recvtty"
cp "$here/recvtty.py" "$src/contrib/cmd/recvtty/recvtty"
# Python starts slower than runc's Go recvtty: setup_recvtty waits until
# the socket is there (for runc and sandbox-oci alike).
grep -q 'wait for recvtty' "$suite/helpers.bash" ||
  sed -i 's|^\t("$RECVTTY" --pid-file "$dir/pid" --mode null "$CONSOLE_SOCKET" &) &$|&\n\tfor _ in $(seq 500); do [ -S "$CONSOLE_SOCKET" ] \&\& break; sleep 0.01; done # wait for recvtty|' "$suite/helpers.bash"

files=()
for f in "${subset[@]}"; do files+=("$suite/$f.bats"); done
tally() {  # tally NAME RUNTIME: runs the subset, prints "passed failed skipped"
  local name=$1 rt=$2 out="$work/$1.tap"
  # Under a pty: the tty tests need /dev/tty.
  with_timeout 600 script -qec "RUNC=$rt bats --formatter tap ${files[*]}" /dev/null > "$out" 2>&1 < /dev/null
  local skipped passed failed
  skipped=$(grep -c '^ok .* # skip' "$out")
  passed=$(( $(grep -c '^ok ' "$out") - skipped ))
  failed=$(grep -c '^not ok ' "$out")
  echo "$passed $failed $skipped"
}
read -r r_pass r_fail r_skip < <(tally runc "$(command -v runc)")
read -r s_pass s_fail s_skip < <(tally sandbox-oci "$runtime")
echo "# runc's bats subset (${subset[*]}):"
echo "#   runc:        $r_pass passed, $r_fail failed, $r_skip skipped"
echo "#   sandbox-oci: $s_pass passed, $s_fail failed, $s_skip skipped"
echo "# sandbox-oci's failures:"
grep '^not ok ' "$work/sandbox-oci.tap" | sed 's/^/#   /'
ran=$((s_pass + s_fail))
check "sandbox-oci passes at least 90% of the subset's tests that ran ($s_pass of $ran)" \
  test $((s_pass * 100)) -ge $((ran * 90))
check "the subset ran (runc passed some: $r_pass)" test "$r_pass" -gt 0
summary "runc bats"
