// The network modes (DESIGN §6), end to end, inside a closed test network.
//
// Every test runs tests/net/lab.sh in network and mount namespaces that root
// makes for it (`unshare -nm`): the lab checks that the network namespace is
// empty, builds a test host on a veth pair (198.51.100.0/24, 203.0.113.0/24,
// 192.168.77.0/24, 2001:db8:1::/64, 2001:db8:2::/64) and listeners on its
// own loopback, checks that there is no other link and no default route, and
// runs a scenario there. No packet can reach the machine's real interfaces;
// slirp4netns, started by the sandbox inside the lab, can reach only the
// test host.
//
// Each test runs twice in the root run of the suite: the sandbox as root,
// and as uid 65534 of the machine's own user namespace (setpriv inside the
// lab, as a real unprivileged caller is). In the suite's uid-65534 run they
// are skipped: only root can make such a lab, and the root run covers both.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <regex>
#include <sstream>

#include "support/run.h"

using namespace testing_support;

namespace {

std::string lab_script() {
  const char* env = std::getenv("SANDBOX_NET_LAB");
  if (env != nullptr && *env != '\0') return env;
  std::string here = __FILE__;  // .../tests/integration/net_test.cc
  return here.substr(0, here.rfind("/integration/")) + "/net/lab.sh";
}

enum class Caller { root, nobody };

void PrintTo(Caller caller, std::ostream* out) { *out << (caller == Caller::root ? "root" : "uid 65534"); }

constexpr const char* kAsNobody = "setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME=/nonexistent ";

struct Lab {
  std::map<std::string, std::string> values;  // "key=value" lines of the scenario
  std::string udp_log;                        // what the test host received
  std::string dns_log;                        // the names its name server was asked
  std::string out;                            // everything, for messages
  int status = -1;

  int code(const std::string& key) const {
    const auto it = values.find(key);
    return it == values.end() ? -1 : std::atoi(it->second.c_str());
  }
  bool received(const std::string& datagram) const {
    return ("\n" + udp_log).find("\n" + datagram + "\n") != std::string::npos;
  }
  bool asked(const std::string& name) const {
    return ("\n" + dns_log).find("\n" + name + "\n") != std::string::npos;
  }
};

struct LabOptions {
  std::string tun_mode = "0666";  // the lab's /dev/net/tun (udev's mode on Debian)
};

// Runs `scenario` (bash; $SB is the sandbox binary run as `caller`, $SB_USERNS
// the same from a user namespace where the caller is uid 0, $PROBE the net
// probe) in a fresh lab and collects its key=value lines.
Lab in_lab(const std::string& scenario, Caller caller, const LabOptions& options = {}) {
  const std::string as = caller == Caller::nobody ? kAsNobody : "";
  const std::string explain = explain_injected() ? " --explain" : "";  // SANDBOX_TEST_EXPLAIN
  const std::vector<std::string> argv = {"env", "SB=" + as + sandbox_bin() + explain,
                                         "SB_USERNS=" + as + "unshare -r " + sandbox_bin() + explain,
                                         "LAB_TUN_MODE=" + options.tun_mode,
                                         "unshare", "-nm", "--propagation", "private",
                                         "bash", lab_script(), probe("net_probe"), scenario};
  RunOptions run_options;
  run_options.timeout_seconds = 90;
  const RunResult r = run(argv, run_options);
  Lab lab;
  lab.status = r.status;
  lab.out = r.out + r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::string* log = nullptr;
  while (std::getline(lines, line)) {
    if (line == "=== udp log") {
      log = &lab.udp_log;
    } else if (line == "=== dns log") {
      log = &lab.dns_log;
    } else if (log != nullptr) {
      *log += line + "\n";
    } else if (const auto eq = line.find('='); eq != std::string::npos && line.find(' ') == std::string::npos) {
      lab.values[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  return lab;
}

class Net : public ::testing::TestWithParam<Caller> {
 protected:
  void SetUp() override {
    if (!is_root()) {
      GTEST_SKIP() << "needs a lab namespace made by root of the machine's user namespace; "
                      "the root run runs every lab test as root and as uid 65534";
    }
    if (GetParam() == Caller::nobody) {
      // The staged copies (scripts/stage.sh): a checkout under /root is not theirs to run.
      const auto r = run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", "sh", "-c",
                          "test -x \"$0\" && test -x \"$1\"", sandbox_bin(), probe("net_probe")});
      ASSERT_EQ(r.status, 0) << "uid 65534 cannot run " << sandbox_bin() << " or " << probe("net_probe")
                             << ": set SANDBOX_BIN and SANDBOX_PROBE_DIR to a staged copy (scripts/stage.sh)";
    }
  }
  Lab in_lab(const std::string& scenario, const LabOptions& options = {}) const {
    return ::in_lab(scenario, GetParam(), options);
  }
  bool as_root() const { return GetParam() == Caller::root; }
};

std::string caller_name(const ::testing::TestParamInfo<Caller>& caller) {
  return caller.param == Caller::root ? "root" : "uid65534";
}

INSTANTIATE_TEST_SUITE_P(As, Net, ::testing::Values(Caller::root, Caller::nobody), caller_name);

// "tcp ADDR PORT: ECONNREFUSED 0.3 ms" -> 0.3
double connect_ms(const Lab& lab, const std::string& target) {
  const std::regex pattern("tcp " + target + ": [A-Z]+ ([0-9.]+) ms");
  std::smatch m;
  return std::regex_search(lab.out, m, pattern) ? std::stod(m[1]) : 1e9;
}

constexpr int kRefused = 111;      // ECONNREFUSED
constexpr int kUnreachable = 101;  // ENETUNREACH

TEST_P(Net, NoneCannotReachTheTestHost) {
  const Lab lab = in_lab(R"(
    $PROBE tcp 198.51.100.2 8080; echo control=$?
    $SB $PROBE tcp 198.51.100.2 8080; echo none=$?
    $SB --net=none $PROBE tcp 2001:db8:1::2 8080; echo none6=$?
    $SB --net=none $PROBE udp 198.51.100.2 5353 from-none; echo none_udp=$?
  )");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("control"), 0) << lab.out;  // the host is there
  EXPECT_EQ(lab.code("none"), kUnreachable) << lab.out;
  EXPECT_EQ(lab.code("none6"), kUnreachable) << lab.out;
  EXPECT_NE(lab.code("none_udp"), 0) << lab.out;
  EXPECT_FALSE(lab.received("from-none")) << lab.udp_log;
}

TEST_P(Net, FilteredAllowedHostGetsTcpAndUdpAndNothingElse) {
  const Lab lab = in_lab(R"(
    F="$SB --net=filtered --allow-net 198.51.100.2/32 --net-default=deny"
    $F $PROBE tcp 198.51.100.2 8080; echo tcp=$?
    $F $PROBE udp 198.51.100.2 5353 allowed-udp; echo udp=$?
    $F $PROBE tcp 203.0.113.2 8080; echo other=$?
    $F $PROBE udp 203.0.113.2 5353 other-udp; echo other_udp=$?
  )");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("tcp"), 0) << lab.out;
  EXPECT_NE(lab.out.find("tcp 198.51.100.2 8080: OK"), std::string::npos) << lab.out;
  EXPECT_NE(lab.out.find("hello"), std::string::npos) << lab.out;
  EXPECT_EQ(lab.code("udp"), 0) << lab.out;
  EXPECT_TRUE(lab.received("allowed-udp")) << lab.out;
  EXPECT_EQ(lab.code("other"), kRefused) << lab.out;  // the default verdict
  EXPECT_FALSE(lab.received("other-udp")) << lab.out;
}

TEST_P(Net, DeniedSubnetRefusesTcpAtOnceAndDropsUdp) {
  const Lab lab = in_lab(R"(
    F="$SB --net=filtered --net-default=allow --deny-net 203.0.113.0/24"
    $F $PROBE tcp 203.0.113.2 8080; echo denied=$?
    $F $PROBE udp 203.0.113.2 5353 denied-udp; echo denied_udp=$?
    $F $PROBE tcp 198.51.100.2 8080; echo control=$?
    $F $PROBE udp 198.51.100.2 5353 control-udp; echo control_udp=$?
  )");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("denied"), kRefused) << lab.out;
  EXPECT_LT(connect_ms(lab, "203.0.113.2 8080"), 100.0) << lab.out;  // a reset, not a hang
  EXPECT_FALSE(lab.received("denied-udp")) << lab.out;
  EXPECT_EQ(lab.code("control"), 0) << lab.out;
  EXPECT_TRUE(lab.received("control-udp")) << lab.out;
}

TEST_P(Net, PortRangesAndFirstMatchWins) {
  const Lab lab = in_lab(R"(
    R="$SB --net=filtered --allow-net 198.51.100.2/32:9000-9001"
    $R $PROBE tcp 198.51.100.2 9000; echo p9000=$?
    $R $PROBE tcp 198.51.100.2 9001; echo p9001=$?
    $R $PROBE tcp 198.51.100.2 8080; echo p8080=$?
    D="$SB --net=filtered --deny-net 198.51.100.2/32:8081 --allow-net 198.51.100.0/24"
    $D $PROBE tcp 198.51.100.2 8081; echo deny_first=$?
    $D $PROBE tcp 198.51.100.2 8080; echo deny_first_other=$?
    A="$SB --net=filtered --allow-net 198.51.100.0/24 --deny-net 198.51.100.2/32:8081"
    $A $PROBE tcp 198.51.100.2 8081; echo allow_first=$?
  )");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("p9000"), 0) << lab.out;
  EXPECT_EQ(lab.code("p9001"), 0) << lab.out;
  EXPECT_EQ(lab.code("p8080"), kRefused) << lab.out;
  EXPECT_EQ(lab.code("deny_first"), kRefused) << lab.out;
  EXPECT_EQ(lab.code("deny_first_other"), 0) << lab.out;
  EXPECT_EQ(lab.code("allow_first"), 0) << lab.out;
}

TEST_P(Net, Ipv6IsScreenedTheSameWay) {
  const Lab lab = in_lab(R"(
    F="$SB --net=filtered --allow-net 2001:db8:1::/64 --deny-net 2001:db8:2::/64:8080,5353"
    $F $PROBE tcp 2001:db8:1::2 8080; echo allowed=$?
    $F $PROBE udp 2001:db8:1::2 5353 allowed6; echo allowed_udp=$?
    $F $PROBE tcp 2001:db8:2::2 8080; echo denied=$?
    $F $PROBE udp 2001:db8:2::2 5353 denied6; echo denied_udp=$?
    $F $PROBE tcp 2001:db8:2::2 8081; echo default=$?
  )");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("allowed"), 0) << lab.out;
  EXPECT_TRUE(lab.received("allowed6")) << lab.out;
  EXPECT_EQ(lab.code("denied"), kRefused) << lab.out;
  EXPECT_LT(connect_ms(lab, "2001:db8:2::2 8080"), 100.0) << lab.out;
  EXPECT_FALSE(lab.received("denied6")) << lab.out;
  EXPECT_EQ(lab.code("default"), kRefused) << lab.out;  // --net-default=deny
}

// A datagram sent just before the program ends lies in tap0's queue until
// slirp4netns forwards it; slirp4netns was killed at the end at once, and such
// a datagram was lost now and then on a busy machine. The test holds
// slirp4netns stopped (SIGSTOP) while the program sends and ends, so that the
// datagrams are queued when the sandbox ends: continued 50 ms after, within
// the supervisor's wait for it (net/slirp_drain.h), they arrive. Control:
// continued only after the sandbox returned, they are lost (they were queued,
// and the wait is bounded).
TEST_P(Net, WhatWasSentBeforeTheEndIsForwarded) {
  const Lab lab = in_lab(R"lab(
    run_held() {  # TEXT CONT_BEFORE_RETURN
      local out; out=$(mktemp); chmod 666 "$out"
      $SB --net=filtered --allow-net 2001:db8:1::/64 --exec $PROBE sh -c \
        "sleep 0.5; $PROBE udp 2001:db8:1::2 5353 $1-a; $PROBE udp 2001:db8:1::2 5353 $1-b; echo sent" > "$out" &
      local sb=$! slirp="" _
      for _ in $(seq 300); do  # slirp4netns: a child of the keeper, a child of this sandbox's supervisor
        slirp=$(pgrep -x slirp4netns -P "$(pgrep -d, -P $sb)") && break
        sleep 0.01
      done
      [ -n "$slirp" ] || { echo "$1_found=no"; wait $sb; return; }
      kill -STOP $slirp
      for _ in $(seq 1000); do grep -q sent "$out" && break; sleep 0.01; done
      if [ "$2" = yes ]; then sleep 0.05; kill -CONT $slirp 2>/dev/null; fi
      wait $sb; echo "$1=$?"
      kill -CONT $slirp 2>/dev/null
      rm -f "$out"
    }
    run_held drained yes
    run_held control no
  )lab");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("drained"), 0) << lab.out;
  EXPECT_TRUE(lab.received("drained-a")) << lab.out << lab.udp_log;
  EXPECT_TRUE(lab.received("drained-b")) << lab.out << lab.udp_log;
  EXPECT_EQ(lab.code("control"), 0) << lab.out;
  EXPECT_FALSE(lab.received("control-a")) << lab.out << lab.udp_log;  // queued, and lost with slirp4netns
  EXPECT_FALSE(lab.received("control-b")) << lab.out << lab.udp_log;
}

TEST_P(Net, ProgramCannotReadOrChangeTheRules) {
  const Lab lab = in_lab(R"(
    F="$SB --net=filtered --net-default=allow --deny-net 203.0.113.0/24"
    $F /usr/sbin/nft list ruleset; echo list=$?
    $F --exec $PROBE sh -c '/usr/sbin/nft flush ruleset; echo flush=$?;
              /usr/sbin/ip link set tap0 down; echo linkdown=$?;
              /usr/sbin/ip route del default; echo routedel=$?;
              '$PROBE' tcp 203.0.113.2 8080; echo after=$?'
  )");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_NE(lab.code("list"), 0) << lab.out;
  EXPECT_EQ(lab.out.find("table inet sandbox"), std::string::npos) << lab.out;
  EXPECT_NE(lab.code("flush"), 0) << lab.out;
  EXPECT_NE(lab.code("linkdown"), 0) << lab.out;
  EXPECT_NE(lab.code("routedel"), 0) << lab.out;
  EXPECT_EQ(lab.code("after"), kRefused) << lab.out;  // the rules still hold
}

TEST_P(Net, FilteredCannotReachTheHostsLoopback) {
  const Lab lab = in_lab(R"(
    $PROBE tcp 127.0.0.1 8080; echo control=$?
    F="$SB --net=filtered --net-default=allow"
    $F $PROBE tcp 10.0.2.2 8080; echo gw=$?
    $F $PROBE tcp 10.0.2.2 443; echo gw443=$?
    $F $PROBE tcp fd00::2 8080; echo gw6=$?
    $F $PROBE tcp 127.0.0.1 8080; echo own_lo=$?
  )");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("control"), 0) << lab.out;
  EXPECT_NE(lab.code("gw"), 0) << lab.out;
  EXPECT_NE(lab.code("gw443"), 0) << lab.out;
  EXPECT_NE(lab.code("gw6"), 0) << lab.out;
  EXPECT_NE(lab.code("own_lo"), 0) << lab.out;  // the sandbox's own loopback is empty
}

TEST_P(Net, HostModeLimitsTcpPortsAndRefusesUdp) {
  const Lab lab = in_lab(R"(
    H="$SB --net=host --allow-tcp 443"
    $H $PROBE tcp 127.0.0.1 443; echo p443=$?
    $H $PROBE tcp 127.0.0.1 8080; echo p8080=$?
    $H $PROBE tcp ::1 8080; echo p8080v6=$?
    $H $PROBE socket udp; echo udp=$?
    $H $PROBE socket udp6; echo udp6=$?
    $H $PROBE socket packet; echo packet=$?
    $SB --net=host --allow-tcp 443 --allow-udp $PROBE socket udp; echo allow_udp=$?
    $SB --net=host $PROBE tcp 127.0.0.1 8080; echo control=$?
  )");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("p443"), 0) << lab.out;
  EXPECT_EQ(lab.code("p8080"), 13) << lab.out;  // EACCES from Landlock
  EXPECT_EQ(lab.code("p8080v6"), 13) << lab.out;
  EXPECT_EQ(lab.code("udp"), 1) << lab.out;     // EPERM from seccomp
  EXPECT_EQ(lab.code("udp6"), 1) << lab.out;
  EXPECT_EQ(lab.code("packet"), 1) << lab.out;
  EXPECT_EQ(lab.code("allow_udp"), 0) << lab.out;
  EXPECT_EQ(lab.code("control"), 0) << lab.out;
}

TEST_P(Net, AllowDnsResolvesThroughSlirpsForwarderOnly) {
  // The lab's /etc/resolv.conf names the test host, which answers every A
  // query with 203.0.113.2: with --allow-dns the sandbox's resolv.conf names
  // slirp4netns's forwarder, which asks the test host; without it, the query
  // is refused like any other packet (the default verdict is deny).
  const Lab lab = in_lab(R"(
    $SB --net=filtered --allow-dns cat /etc/resolv.conf; echo cat=$?
    $SB --net=filtered --allow-dns getent ahostsv4 allowed.lab.test; echo allowed=$?
    $SB --net=filtered getent ahostsv4 denied.lab.test; echo denied=$?
  )");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("cat"), 0) << lab.out;
  EXPECT_NE(lab.out.find("nameserver 10.0.2.3\n"), std::string::npos) << lab.out;
  EXPECT_EQ(lab.code("allowed"), 0) << lab.out;
  EXPECT_NE(lab.out.find("203.0.113.2     STREAM allowed.lab.test"), std::string::npos) << lab.out;
  EXPECT_TRUE(lab.asked("allowed.lab.test")) << lab.out;
  EXPECT_NE(lab.code("denied"), 0) << lab.out;
  EXPECT_FALSE(lab.asked("denied.lab.test")) << lab.out;
}

// The built-in profiles with a network, end to end (issue 13: as uid 65534
// slirp4netns failed to start, exit 125). web: TCP 80 and 443 and DNS, the
// private ranges denied; net: everything.
TEST_P(Net, WebAndNetProfilesWork) {
  const Lab lab = in_lab(R"(
    W="$SB -t web"
    $W $PROBE tcp 198.51.100.2 80; echo web80=$?
    $W $PROBE tcp 2001:db8:1::2 443; echo web443v6=$?
    $W $PROBE tcp 198.51.100.2 8080; echo web8080=$?
    $W $PROBE tcp 192.168.77.2 80; echo web_private=$?
    $W $PROBE udp 203.0.113.2 5353 from-web; echo web_udp=$?
    $W getent ahostsv4 web.lab.test; echo web_dns=$?
    N="$SB -t net"
    $N $PROBE tcp 198.51.100.2 8080; echo net8080=$?
    $N $PROBE tcp 192.168.77.2 80; echo net_private=$?
    $N $PROBE udp 203.0.113.2 5353 from-net; echo net_udp=$?
    $N $PROBE tcp 127.0.0.1 8080; echo net_host_lo=$?
  )");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("web80"), 0) << lab.out;
  EXPECT_NE(lab.out.find("tcp 198.51.100.2 80: OK"), std::string::npos) << lab.out;
  EXPECT_EQ(lab.code("web443v6"), 0) << lab.out;
  EXPECT_EQ(lab.code("web8080"), kRefused) << lab.out;
  EXPECT_EQ(lab.code("web_private"), kRefused) << lab.out;
  EXPECT_FALSE(lab.received("from-web")) << lab.out;
  EXPECT_EQ(lab.code("web_dns"), 0) << lab.out;
  EXPECT_TRUE(lab.asked("web.lab.test")) << lab.out;
  EXPECT_EQ(lab.code("net8080"), 0) << lab.out;
  EXPECT_EQ(lab.code("net_private"), 0) << lab.out;
  EXPECT_TRUE(lab.received("from-net")) << lab.out;
  EXPECT_NE(lab.code("net_host_lo"), 0) << lab.out;  // its own loopback, empty
}

// A caller that is uid 0 of a user namespace of its own (a rootless
// container): slirp4netns needs no user namespace of the keeper's there, but
// gets one all the same.
TEST_P(Net, FilteredWorksForRootOfAUserNamespace) {
  const Lab lab = in_lab(R"(
    F="$SB_USERNS --net=filtered --allow-net 198.51.100.2/32"
    $F $PROBE tcp 198.51.100.2 8080; echo allowed=$?
    $F $PROBE tcp 203.0.113.2 8080; echo denied=$?
  )");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("allowed"), 0) << lab.out;
  EXPECT_EQ(lab.code("denied"), kRefused) << lab.out;
}

// When slirp4netns cannot start, the error names the step and gives
// slirp4netns's own reason. A /dev/net/tun of mode 0600 (what the kernel
// makes without udev) stops an unprivileged caller; root opens it anyway.
TEST_P(Net, Slirp4netnsFailureSaysWhy) {
  LabOptions options;
  options.tun_mode = "0600";
  const Lab lab = in_lab(R"(
    $SB --net=filtered true; echo filtered=$?
  )", options);
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  if (as_root()) {
    EXPECT_EQ(lab.code("filtered"), 0) << lab.out;
    return;
  }
  EXPECT_EQ(lab.code("filtered"), 125) << lab.out;
  EXPECT_NE(lab.out.find("sandbox: --net=filtered: slirp4netns failed while creating tap0 in the sandbox's "
                         "network namespace: open(\"/dev/net/tun\"): Permission denied (exit status 1)"),
            std::string::npos) << lab.out;
  EXPECT_NE(lab.out.find("(/dev/net/tun is mode 0600: --net=filtered needs it readable and "
                         "writable by the caller; udev makes it 0666 on Debian)"),
            std::string::npos) << lab.out;
}

TEST_P(Net, Slirp4netnsIsGoneAfterEveryExit) {
  // Our slirp4netns is the child of the supervisor's keeper process (found by
  // parent pids, never by name alone); at the end no slirp4netns may be left
  // in the lab's namespace.
  const Lab lab = in_lab(R"SH(
    slirp_of() { while kill -0 "$1" 2>/dev/null; do for k in $(pgrep -P "$1"); do s=$(pgrep -P "$k" -x slirp4netns) && { echo "$s"; return; }; done; sleep 0.01; done; }
    gone() { for _ in $(seq 1 300); do [ -e /proc/$1 ] || { echo 1; return; }; sleep 0.01; done; echo 0; }
    $SB --net=filtered sleep 1 & sup=$!; s=$(slirp_of $sup); echo found_normal=${s:+1}
    wait $sup; echo normal_gone=$(gone $s)
    $SB --net=filtered sh -c 'sleep 1; kill -9 $$' & sup=$!; s=$(slirp_of $sup); echo found_signal=${s:+1}
    wait $sup; echo signal_status=$?; echo signal_gone=$(gone $s)
    $SB --net=filtered /nonexistent/command; echo failed=$?
    $SB --net=filtered sleep 30 & sup=$!; s=$(slirp_of $sup); echo found_kill=${s:+1}
    kill -9 $sup; wait $sup 2>/dev/null; echo kill_gone=$(gone $s)
    mine=$(readlink /proc/self/ns/net); left=0
    for p in $(pgrep -x slirp4netns); do [ "$(readlink /proc/$p/ns/net 2>/dev/null)" = "$mine" ] && left=$((left+1)); done
    echo leftover=$left
  )SH");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("found_normal"), 1) << lab.out;
  EXPECT_EQ(lab.code("normal_gone"), 1) << lab.out;
  EXPECT_EQ(lab.code("found_signal"), 1) << lab.out;
  EXPECT_EQ(lab.code("signal_status"), 137) << lab.out;
  EXPECT_EQ(lab.code("signal_gone"), 1) << lab.out;
  EXPECT_EQ(lab.code("failed"), 127) << lab.out;
  EXPECT_EQ(lab.code("found_kill"), 1) << lab.out;
  EXPECT_EQ(lab.code("kill_gone"), 1) << lab.out;  // supervisor SIGKILLed: exit fd EOF + PDEATHSIG
  EXPECT_EQ(lab.code("leftover"), 0) << lab.out;
}

}  // namespace
