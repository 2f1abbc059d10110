#!/usr/bin/env bash
# The warm pool's rows (issue 17, DESIGN §14): bwrap's strict line, the cold
# launch and the pooled launch of `sandbox /usr/bin/true`, interleaved by
# bench/launch_cost.cc (single launch after 5 ms idle, 50 back to back, CPU
# per launch), as the calling user. Starts a `sandbox --serve` on a private
# XDG_RUNTIME_DIR and names it to launch_cost (CPU_OF_PID), so the pooled CPU
# row holds the service's share too: its own CPU and that of the warm
# sandboxes it made, ran and reaped. Afterwards says how many launches the
# pool took and why it declined any (a declined launch runs cold and is still
# counted in the pooled row), and how often the pool was replaced because the
# machine's mount table changed (that CPU lands in the pooled row too).
#   bench/pool.sh SANDBOX_BIN [ROUNDS] [POOL_SIZE] [MODES]   (MODES: single,seq,cpu)
set -euo pipefail
sandbox_bin=$(readlink -f "$1")
rounds=${2:-40}
pool_size=${3:-4}
modes=${4:-single,seq,cpu}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/sandbox-pool-bench.XXXXXX)
chmod 0755 "$work"
trap 'kill "$service" 2>/dev/null; wait "$service" 2>/dev/null; rm -rf "$work"' EXIT
c++ -O2 -std=c++20 -o "$work/launch_cost" "$root/bench/launch_cost.cc"
mkdir -m 0700 "$work/runtime"
XDG_RUNTIME_DIR=$work/runtime "$sandbox_bin" --serve --pool-size "$pool_size" --log-jobs 2>"$work/service.log" &
service=$!
for _ in $(seq 100); do [ -S "$work/runtime/sandbox/pool.sock" ] && break; sleep 0.05; done
sleep 1  # the pool fills
bwrap="bwrap --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/sbin /sbin --symlink usr/lib /lib \
--symlink usr/lib64 /lib64 --symlink usr/lib32 /lib32 --proc /proc --dev /dev --tmpfs /tmp --unshare-all \
--die-with-parent --new-session --cap-drop ALL --"
uptime
"$work/launch_cost" --rounds "$rounds" --modes "$modes" \
  "bwrap=$bwrap /usr/bin/true" \
  "cold=SANDBOX_POOL=off $sandbox_bin /usr/bin/true" \
  "pooled=CPU_OF_PID=$service XDG_RUNTIME_DIR=$work/runtime $sandbox_bin /usr/bin/true" \
  "bare=/usr/bin/true"
uptime
echo
echo "pool: $(grep -c ': pooled job ' "$work/service.log") launches pooled; declined (cold):"
grep ': cold: ' "$work/service.log" | sed 's/.*: cold: //' | sort | uniq -c || true
echo "pool replaced (the mount table changed): $(grep -c 'warm sandboxes: the mount table changed' "$work/service.log" || true) times"
