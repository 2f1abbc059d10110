#!/usr/bin/env bash
# A closed test network for the network tests (DESIGN §6: no test ever sends a
# packet through the machine's real interfaces).
#
#   unshare -rn bash lab.sh PROBE SCENARIO     (as any user)
#   unshare -n  bash lab.sh PROBE SCENARIO     (as root)
#
# Runs in a new, empty network namespace (the "outer" one, where the sandbox's
# slirp4netns will live), checks that it is empty, then builds:
#   outer  o-h 198.51.100.1/24 2001:db8:1::1/64; routes to 203.0.113.0/24 and
#          2001:db8:2::/64 via o-h; nothing else, no default route;
#          listeners on its own loopback (127.0.0.1 and ::1) TCP 443 8080
#   host   (a second namespace joined by the veth pair) h-o 198.51.100.2,
#          203.0.113.2, 2001:db8:1::2, 2001:db8:2::2; listeners on TCP
#          8080 8081 9000 9001 and UDP 5353 (datagrams logged)
# checks the isolation again, runs SCENARIO (bash, with $PROBE exported) in the
# outer namespace, then prints "=== udp log" and what the host received.
# Everything lives in the namespaces of this process and goes with it.
set -euo pipefail
PROBE=$1
SCENARIO=$2
export PROBE

fail() { echo "lab: $*" >&2; exit 90; }

# 1. Isolation: a fresh namespace has only lo, and no route at all.
links=$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
[ "$links" = "lo " ] || fail "not an empty network namespace (links: $links)"
[ -z "$(ip -4 route show table all)" ] || fail "IPv4 routes exist before setup"
[ -z "$(ip -6 route show table all | grep -v '^local\|^multicast\|^anycast' || true)" ] ||
  fail "IPv6 routes exist before setup"

scratch=$(mktemp -d /tmp/sandbox-netlab.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

ip link set lo up
# 2. The test host: a second namespace, held by a process of ours.
unshare -n sleep infinity &
host=$!
pids+=("$host")
# Wait until the holder has entered its own namespace.
outer_ns=$(readlink /proc/self/ns/net)
for _ in $(seq 1 200); do
  [ "$(readlink /proc/$host/ns/net 2>/dev/null)" != "$outer_ns" ] && break
  sleep 0.01
done
[ "$(readlink /proc/$host/ns/net)" != "$outer_ns" ] || fail "the test host has no namespace"
in_host() { nsenter -t "$host" -n "$@"; }

ip link add o-h type veth peer name h-o netns "$host"
ip addr add 198.51.100.1/24 dev o-h
ip addr add 2001:db8:1::1/64 dev o-h nodad
ip link set o-h up
ip route add 203.0.113.0/24 dev o-h
ip -6 route add 2001:db8:2::/64 dev o-h
in_host ip link set lo up
in_host ip addr add 198.51.100.2/24 dev h-o
in_host ip addr add 203.0.113.2/24 dev h-o
in_host ip addr add 2001:db8:1::2/64 dev h-o nodad
in_host ip addr add 2001:db8:2::2/64 dev h-o nodad
in_host ip link set h-o up
in_host ip -6 route add 2001:db8::/32 dev h-o 2>/dev/null || true

# 3. Isolation again: only lo and o-h, no default route, only test subnets.
links=$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')
[ "$links" = "lo o-h " ] || fail "unexpected links: $links"
[ -z "$(ip -4 route show default)$(ip -6 route show default)" ] || fail "a default route exists"
bad=$(ip -4 route show | grep -v '^198\.51\.100\.0/24 \|^203\.0\.113\.0/24 ' || true)
[ -z "$bad" ] || fail "unexpected IPv4 route: $bad"
bad=$(ip -6 route show | grep -v '^2001:db8:1::/64 \|^2001:db8:2::/64 \|^fe80::/64 ' || true)
[ -z "$bad" ] || fail "unexpected IPv6 route: $bad"

# 4. Listeners; each says "ready" once bound.
start_server() {  # NAME COMMAND...
  local fifo="$scratch/$1.ready"
  mkfifo "$fifo"
  shift
  "$@" > "$fifo" &
  pids+=("$!")
  local line
  read -r line < "$fifo" || true
  [ "$line" = ready ] || fail "server $* did not start: $line"
}
start_server host nsenter -t "$host" -n "$PROBE" serve :: 8080,8081,9000,9001 5353 "$scratch/udp.log"
start_server loop4 "$PROBE" serve 127.0.0.1 443,8080 0 "$scratch/loop4.log"
start_server loop6 "$PROBE" serve ::1 443,8080 0 "$scratch/loop6.log"

# 5. The scenario, then what the host received.
set +e
bash -c "$SCENARIO"
echo "scenario=$?"
echo "=== udp log"
cat "$scratch/udp.log"
