#!/usr/bin/env bash
# sandbox-oci's acceptance suites (issue 16), run by scripts/test.sh as root:
#   tests/oci/run.sh /path/to/sandbox-oci [SUITE...]
# SUITE: podman attacks containerd rootless bats (default: all). Each suite
# prints TAP-like lines and its own tally; this prints which suites failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runtime=$(realpath "$1"); shift
suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
  for s in podman attacks containerd rootless bats; do [ -x "$here/$s.sh" ] && suites+=("$s"); done
fi
[ "$(id -u)" -eq 0 ] || { echo "# tests/oci: needs root (podman, containerd and runc's suite as root)"; exit 1; }
failed=()
for s in "${suites[@]}"; do
  echo "## tests/oci/$s.sh"
  start=$(date +%s)
  if ! "$here/$s.sh" "$runtime"; then failed+=("$s"); fi
  echo "## $s: $(( $(date +%s) - start )) s"
done
if [ ${#failed[@]} -gt 0 ]; then echo "## tests/oci failed: ${failed[*]}"; exit 1; fi
echo "## tests/oci: every suite passed"
