#!/usr/bin/env bash
# A closed test network for the network tests (DESIGN §6: no test ever sends a
# packet through the machine's real interfaces).
#
#   unshare -nm --propagation private bash lab.sh PROBE SCENARIO    (as root)
#
# Root of the machine's own user namespace makes the lab, so that the
# scenario can run the sandbox as root and as a real unprivileged user (uid
# 65534 of the machine's user namespace, through setpriv): a lab made with
# `unshare -rn` would make every caller uid 0 of a user namespace instead.
#
# Runs in a new, empty network namespace (the "outer" one, where the sandbox's
# slirp4netns will live) and a mount namespace of its own, checks both, then
# builds:
#   /dev/net   a tmpfs in the lab's mount namespace with a tun node of mode
#              $LAB_TUN_MODE (default 0666, what udev makes it on Debian; the
#              machine's own node is left alone)
#   /etc/resolv.conf   "nameserver 198.51.100.2" (the test host), in the lab's
#              mount namespace: slirp4netns's DNS forwarder asks the test host
#   outer  o-h 198.51.100.1/24 2001:db8:1::1/64; routes to 203.0.113.0/24,
#          192.168.77.0/24 and 2001:db8:2::/64 via o-h; nothing else, no
#          default route; listeners on its own loopback (127.0.0.1 and ::1)
#          TCP 443 8080
#   host   (a second namespace joined by the veth pair) h-o 198.51.100.2,
#          203.0.113.2, 192.168.77.2 (a private address), 2001:db8:1::2,
#          2001:db8:2::2; listeners on TCP 80 443 8080 8081 9000 9001 and UDP
#          5353 (datagrams logged); a name server on 198.51.100.2 port 53 that
#          answers every A query with 203.0.113.2 (names logged)
# checks the isolation again, runs SCENARIO (bash, with $PROBE exported, in /)
# in the outer namespace, then prints "=== udp log" and what the host
# received, and "=== dns log" and the names it was asked.
# Everything lives in the namespaces of this process and goes with it.
set -euo pipefail
PROBE=$1
SCENARIO=$2
export PROBE
tun_mode=${LAB_TUN_MODE:-0666}

fail() { echo "lab: $*" >&2; exit 90; }

# 0. Root of the machine's user namespace, in namespaces of its own.
[ "$(id -u)" = 0 ] || fail "must run as root (the tests run the sandbox as root and as uid 65534 in it)"
[ "$(awk '{print $1, $2, $3}' /proc/self/uid_map)" = "0 0 4294967295" ] ||
  fail "must run in the machine's own user namespace, not in $(cat /proc/self/uid_map)"
for ns in net mnt; do
  [ "$(readlink /proc/self/ns/$ns)" != "$(readlink /proc/$PPID/ns/$ns)" ] ||
    fail "not in a $ns namespace of its own (run it with unshare -nm --propagation private)"
done

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

# 2. The lab's /dev/net/tun and /etc/resolv.conf, in its own mount namespace.
[ -c /dev/net/tun ] || fail "/dev/net/tun is missing (modprobe tun)"
mount --make-rprivate /
mount -t tmpfs -o mode=0755,size=16k lab-dev-net /dev/net
mknod -m "$tun_mode" /dev/net/tun c 10 200
echo "nameserver 198.51.100.2" > "$scratch/resolv.conf"
chmod 644 "$scratch/resolv.conf"
mount --bind "$scratch/resolv.conf" /etc/resolv.conf

ip link set lo up
# 3. The test host: a second namespace, held by a process of ours.
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
ip route add 192.168.77.0/24 dev o-h
ip -6 route add 2001:db8:2::/64 dev o-h
in_host ip link set lo up
in_host ip addr add 198.51.100.2/24 dev h-o
in_host ip addr add 203.0.113.2/24 dev h-o
in_host ip addr add 192.168.77.2/24 dev h-o
in_host ip addr add 2001:db8:1::2/64 dev h-o nodad
in_host ip addr add 2001:db8:2::2/64 dev h-o nodad
in_host ip link set h-o up
in_host ip -6 route add 2001:db8::/32 dev h-o 2>/dev/null || true

# 4. Isolation again: only lo and o-h, no default route, only test subnets.
links=$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')
[ "$links" = "lo o-h " ] || fail "unexpected links: $links"
[ -z "$(ip -4 route show default)$(ip -6 route show default)" ] || fail "a default route exists"
bad=$(ip -4 route show | grep -v '^198\.51\.100\.0/24 \|^203\.0\.113\.0/24 \|^192\.168\.77\.0/24 ' || true)
[ -z "$bad" ] || fail "unexpected IPv4 route: $bad"
bad=$(ip -6 route show | grep -v '^2001:db8:1::/64 \|^2001:db8:2::/64 \|^fe80::/64 ' || true)
[ -z "$bad" ] || fail "unexpected IPv6 route: $bad"

# 5. Listeners; each says "ready" once bound.
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
start_server host nsenter -t "$host" -n "$PROBE" serve :: 80,443,8080,8081,9000,9001 5353 "$scratch/udp.log"
start_server dns nsenter -t "$host" -n "$PROBE" dns 198.51.100.2 203.0.113.2 "$scratch/dns.log"
start_server loop4 "$PROBE" serve 127.0.0.1 443,8080 0 "$scratch/loop4.log"
start_server loop6 "$PROBE" serve ::1 443,8080 0 "$scratch/loop6.log"

# 6. The scenario, then what the host received.
set +e
(cd / && bash -c "$SCENARIO")
echo "scenario=$?"
echo "=== udp log"
cat "$scratch/udp.log"
echo "=== dns log"
cat "$scratch/dns.log"
