#!/usr/bin/env bash
# The test command (README): installs what is missing, builds, and runs every
# suite — unit and integration tests as root and as uid 65534, and the seed
# transcript's acceptance checks. Ends with "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/setup-deps.sh --tests || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
scripts/build.sh || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
stage=$(scripts/stage.sh)

passed=0 failed=0
suite() {  # suite NAME COMMAND...
  local name=$1; shift
  echo "=== $name"
  if "$@"; then passed=$((passed+1)); echo "=== $name: ok"
  else failed=$((failed+1)); echo "=== $name: FAILED"; fi
}

export SANDBOX_BIN="$stage/sandbox" SANDBOX_PROBE_DIR="$stage/probes" SANDBOX_NET_LAB="$stage/net-lab.sh"
suite "unit and integration tests (as $(id -un))" \
  ctest --test-dir build --output-on-failure --timeout 120 -j2
if [ "$(id -u)" -eq 0 ]; then
  suite "integration tests (as uid 65534)" \
    setpriv --reuid=65534 --regid=65534 --clear-groups -- \
    env HOME=/nonexistent "SANDBOX_BIN=$SANDBOX_BIN" "SANDBOX_PROBE_DIR=$SANDBOX_PROBE_DIR" \
    "SANDBOX_NET_LAB=$SANDBOX_NET_LAB" \
    "$stage/integration_tests" --gtest_brief=1
  # No change of behaviour under --explain (issue 14): the same integration
  # suite with --explain added to every run of a command (tests/support/run.cc),
  # as root and as uid 65534 (about 2 minutes each).
  suite "integration tests with --explain added (as $(id -un))" \
    env SANDBOX_TEST_EXPLAIN=1 "$stage/integration_tests" --gtest_brief=1 --gtest_filter=-Explain.*
  suite "integration tests with --explain added (as uid 65534)" \
    setpriv --reuid=65534 --regid=65534 --clear-groups -- \
    env HOME=/nonexistent SANDBOX_TEST_EXPLAIN=1 "SANDBOX_BIN=$SANDBOX_BIN" "SANDBOX_PROBE_DIR=$SANDBOX_PROBE_DIR" \
    "SANDBOX_NET_LAB=$SANDBOX_NET_LAB" \
    "$stage/integration_tests" --gtest_brief=1 --gtest_filter=-Explain.*
  # The same integration suite through the warm pool (issue 17): a
  # `sandbox --serve` of the user on a private XDG_RUNTIME_DIR, which every
  # run asks first (SANDBOX_TEST_POOL=1 is set for the tests to see); what
  # the pool does not carry launches cold, as for a user. scripts/with-pool.sh
  # fails when the pool took no job.
  suite "integration tests through the warm pool (as $(id -un))" \
    scripts/with-pool.sh "$SANDBOX_BIN" "$stage/integration_tests" --gtest_brief=1
  suite "integration tests through the warm pool (as uid 65534)" \
    setpriv --reuid=65534 --regid=65534 --clear-groups -- \
    env HOME=/nonexistent "SANDBOX_BIN=$SANDBOX_BIN" "SANDBOX_PROBE_DIR=$SANDBOX_PROBE_DIR" \
    "SANDBOX_NET_LAB=$SANDBOX_NET_LAB" \
    "$root/scripts/with-pool.sh" "$SANDBOX_BIN" "$stage/integration_tests" --gtest_brief=1
  suite "library tests (as uid 65534)" \
    setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME=/nonexistent \
    "$stage/library_tests" --gtest_brief=1
  # sandbox-oci (issue 16): podman, the escape classes, containerd, rootless
  # podman, runc's own bats suite.
  suite "OCI runtime (tests/oci)" tests/oci/run.sh build/sandbox-oci
fi
# The include edges between src/ folders follow the layers of DESIGN §11.
suite "include edges follow the layers" scripts/check-includes.sh
# The installed library, as an embedder builds against it (examples/).
suite "examples/ against the install tree (find_package, pkg-config)" scripts/example.sh
acceptance="$root/../shared/acceptance/seed-transcript.sh"
if [ -x "$acceptance" ] || [ -f "$acceptance" ]; then
  suite "seed transcript acceptance" env SANDBOX="$stage/sandbox" bash "$acceptance"
  # Through the pool: the checks without options are pooled (with-pool.sh
  # counts them); as root the script repeats them as uid 65534, whose
  # clients refuse root's pool directory and launch cold, so the pool of
  # uid 65534 gets its own run.
  suite "seed transcript acceptance through the warm pool" \
    scripts/with-pool.sh "$stage/sandbox" env SANDBOX="$stage/sandbox" bash "$acceptance"
  if [ "$(id -u)" -eq 0 ]; then
    suite "seed transcript acceptance through the warm pool (as uid 65534)" \
      setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME=/nonexistent \
      "$root/scripts/with-pool.sh" "$stage/sandbox" env SANDBOX="$stage/sandbox" bash "$acceptance"
  fi
fi
# Every example command of README.md, run as written (tests/readme/run-examples.py
# documents the convention; the examples assume the reader's own privileges, root here).
suite "README examples run as written" \
  env SANDBOX="$stage/sandbox" EXAMPLES="$stage" python3 tests/readme/run-examples.py
# The man page is generated from the option table (sandbox --man): the
# committed one must be the same text.
suite "docs/sandbox.1 matches the option table" \
  bash -c 'diff -u docs/sandbox.1 <("$0" --man)' "$stage/sandbox"
# The profile parser under libFuzzer for a short while (scripts/fuzz.sh;
# setup-deps.sh --tests installs clang).
if command -v clang++-14 >/dev/null || command -v clang++ >/dev/null; then
  suite "profile parser fuzzing (20 s)" scripts/fuzz.sh 20
else
  echo "=== profile parser fuzzing: skipped (no clang)"
fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
