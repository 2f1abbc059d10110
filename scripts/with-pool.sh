#!/usr/bin/env bash
# Runs a command with this user's warm pool (`sandbox --serve`, DESIGN §14)
# up: a private XDG_RUNTIME_DIR, the service on it, the command with
# XDG_RUNTIME_DIR exported (so every `sandbox` it runs asks the pool first)
# and SANDBOX_TEST_POOL=1. Afterwards: how many jobs the pool took and why
# it declined the others; fails when the command fails or the pool took
# no job at all (a suite that silently ran cold proves nothing).
#   scripts/with-pool.sh SANDBOX_BIN COMMAND [ARG...]
set -uo pipefail
sandbox_bin=$1; shift
runtime=$(mktemp -d /tmp/sandbox-pool-test.XXXXXX)
chmod 0700 "$runtime"
log="$runtime.log"
XDG_RUNTIME_DIR=$runtime "$sandbox_bin" --serve --pool-size 2 --log-jobs 2>"$log" &
service=$!
for _ in $(seq 100); do [ -S "$runtime/sandbox/pool.sock" ] && break; sleep 0.05; done
XDG_RUNTIME_DIR=$runtime SANDBOX_TEST_POOL=1 "$@"
status=$?
kill "$service" 2>/dev/null; wait "$service" 2>/dev/null
pooled=$(grep -c ': pooled job ' "$log")
lean=$(grep -c ': pooled job .*, lean client, ' "$log")
echo "with-pool: the pool took $pooled jobs ($lean through the lean client); declined (launched cold):"
grep ': cold: ' "$log" | sed 's/.*: cold: //' | sort | uniq -c | sort -rn | head -20
grep -v ': pooled job \|: cold: \|: listening on \|: ending' "$log" | head -20
rm -rf "$runtime" "$log"
[ "$status" -eq 0 ] && [ "$pooled" -gt 0 ]
