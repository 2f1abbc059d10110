# Shared by the tests/oci/ suites: counting, a busybox root filesystem, a
# private podman (its own storage, run root and containers.conf: nothing of
# the machine's podman configuration is used or changed).
# shellcheck shell=bash

OCI_PASSED=0 OCI_FAILED=0 OCI_SKIPPED=0
ok() { OCI_PASSED=$((OCI_PASSED + 1)); echo "ok - $*"; }
not_ok() { OCI_FAILED=$((OCI_FAILED + 1)); echo "not ok - $*"; }
skip() { OCI_SKIPPED=$((OCI_SKIPPED + 1)); echo "ok - # SKIP $*"; }
# check NAME COMMAND...: passes when COMMAND succeeds.
check() {
  local name=$1; shift
  if "$@"; then ok "$name"; else not_ok "$name"; fi
}
summary() {  # summary SUITE
  echo "# $1: $OCI_PASSED passed, $OCI_FAILED failed, $OCI_SKIPPED skipped"
  [ "$OCI_FAILED" -eq 0 ]
}

# make_rootfs DIR: busybox-static and its applets, the usual directories.
make_rootfs() {
  local dir=$1
  mkdir -p "$dir/bin" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/etc" "$dir/tmp" "$dir/root" "$dir/run" "$dir/var/tmp"
  cp /bin/busybox "$dir/bin/busybox"
  local applet
  for applet in $("$dir/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
  done
  echo "root:x:0:0:root:/root:/bin/sh" > "$dir/etc/passwd"
  echo "root:x:0:" > "$dir/etc/group"
  chmod 1777 "$dir/tmp"
}

# make_bundle DIR RUNTIME: a bundle from `RUNTIME spec`, no terminal.
make_bundle() {
  local dir=$1 runtime=$2
  mkdir -p "$dir"
  make_rootfs "$dir/rootfs"
  (cd "$dir" && "$runtime" spec) || return 1
  python3 - "$dir/config.json" <<'PY'
import json, sys
path = sys.argv[1]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["rlimits"] = []
json.dump(c, open(path, "w"), indent=1)
PY
}

# set_config BUNDLE PYTHON-EXPRESSION-STATEMENTS on `c` (the config).
set_config() {
  python3 - "$1/config.json" "$2" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
c = json.load(open(path))
exec(code)
json.dump(c, open(path, "w"), indent=1)
PY
}

# with_timeout SECONDS COMMAND...: no test may hang.
with_timeout() { timeout --kill-after=5 "$@"; }
