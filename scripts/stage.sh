#!/usr/bin/env bash
# Copies the built binaries into a directory every user can reach, so that
# tests and the demo can run them as an unprivileged user too (the checkout
# may live under a home directory that uid 65534 cannot search).
# Prints the directory.
set -euo pipefail
cd "$(dirname "$0")/.."
stage=${SANDBOX_STAGE:-/tmp/sandbox-stage-$(id -u)}
rm -rf "$stage"
mkdir -p "$stage/probes"
cp build/sandbox "$stage/"
[ -f build/tests/integration_tests ] && cp build/tests/integration_tests "$stage/"
[ -d build/probes ] && cp -r build/probes/. "$stage/probes/"
# Laid out as the build tree is: share/sandbox/profiles beside the binary
# (the profiles are found relative to it, never through a compiled-in path).
[ -d build/share ] && cp -r build/share "$stage/"
cp tests/net/lab.sh "$stage/net-lab.sh"
# The mail-filter chain example and its message generator (mail_chain_test).
mkdir -p "$stage/examples" "$stage/tests/mail"
cp examples/mail-chain.sh "$stage/examples/"
cp tests/mail/make-messages.py "$stage/tests/mail/"
chmod -R a+rX "$stage"
chmod 755 "$stage"
echo "$stage"
