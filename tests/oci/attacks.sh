#!/usr/bin/env bash
# The runc escape classes against sandbox-oci, each with its control: the
# same attack against a deliberately weakened container (annotation
# sandbox.landlock=off, which sandbox-oci announces on stderr) must succeed,
# so the test can fail, and against sandbox-oci it must not.
#   tests/oci/attacks.sh /path/to/sandbox-oci
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
runtime=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "# attacks.sh: needs root"; exit 1; }

work=$(mktemp -d /tmp/oci-attacks.XXXXXX)
state="$work/state"
cleanup() {
  for id in $("$runtime" --root "$state" list -q 2>/dev/null); do "$runtime" --root "$state" delete -f "$id"; done
  rm -rf "$work"
}
trap cleanup EXIT
# A copy of the runtime: the CVE-2019-5736 attack writes to the binary it
# reaches, and the one under test must never be at risk.
cp "$runtime" "$work/sandbox-oci"
rt=("$work/sandbox-oci" --root "$state")
make_bundle "$work/bundle" "$work/sandbox-oci" || exit 1
mkdir -p "$work/host-dir" && echo host-secret > "$work/host-dir/secret" && chmod 600 "$work/host-dir/secret"

weaken() { set_config "$work/bundle" "c.setdefault('annotations', {})['sandbox.landlock'] = '$1'"; }

# CVE-2024-21626: a descriptor of a host directory reaches the container's
# first process (runc leaked one of its own), and process.cwd names it:
# the process starts inside the host's tree and reads it relative to ".".
set_config "$work/bundle" "c['process']['cwd'] = '/proc/self/fd/7'; c['process']['args'] = ['cat', 'secret']"
weaken off
out=$(with_timeout 20 "${rt[@]}" run -b "$work/bundle" leak-control 7<"$work/host-dir" 2>&1)
check "CVE-2024-21626 control (no Landlock): the host file is read" grep -q host-secret <<<"$out"
weaken on
out=$(with_timeout 20 "${rt[@]}" run -b "$work/bundle" leak 7<"$work/host-dir" 2>&1)
check "CVE-2024-21626 against sandbox-oci: denied (got '$out')" grep -q 'Permission denied' <<<"$out"
check "CVE-2024-21626 against sandbox-oci: nothing read" bash -c '! grep -q host-secret <<<"$1"' _ "$out"
# The same, climbing out of the leaked directory with "..".
set_config "$work/bundle" "c['process']['args'] = ['cat', '../host-dir/secret']"
out=$(with_timeout 20 "${rt[@]}" run -b "$work/bundle" leak2 7<"$work/host-dir" 2>&1)
check "a leaked descriptor's parent: denied" grep -q 'Permission denied' <<<"$out"

# CVE-2019-5736: the image's entrypoint is "#!/proc/self/exe": execve runs
# whatever /proc/self/exe names at that moment, the runtime's own binary on
# the host, inside the container; its writable handle is the escape. Here
# the interpreter is asked for its --version: the control shows the host
# binary running in the container (the exploit's first half: from there
# it is opened through /proc/PID/exe and overwritten); sandbox-oci refuses
# the execve, the file being outside the container's Landlock domain.
printf '#!/proc/self/exe --version\n' > "$work/bundle/rootfs/bin/evil"
chmod 755 "$work/bundle/rootfs/bin/evil"
set_config "$work/bundle" "c['process']['cwd'] = '/'; c['process']['args'] = ['/bin/evil']"
weaken off
out=$(with_timeout 20 "${rt[@]}" run -b "$work/bundle" exe-control 2>&1)
# (the runtime's command line answers: the kernel appended the script's path)
check "CVE-2019-5736 control (no Landlock): the host runtime runs in the container" grep -q 'Run with --help' <<<"$out"
weaken on
out=$(with_timeout 20 "${rt[@]}" run -b "$work/bundle" exe 2>&1); rc=$?
check "CVE-2019-5736 against sandbox-oci: the execve is denied (126, got $rc: '$out')" test $rc -eq 126
check "CVE-2019-5736 against sandbox-oci: the message says so (got '$out')" grep -q 'Permission denied' <<<"$out"

summary "attacks"
