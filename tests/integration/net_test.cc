// The network modes (DESIGN §6), end to end, inside a closed test network.
//
// Every test runs tests/net/lab.sh in a network namespace of its own (root:
// `unshare -n`; anyone else: `unshare -rn`): the lab checks that namespace is
// empty, builds a test host on a veth pair (198.51.100.0/24, 203.0.113.0/24,
// 2001:db8:1::/64, 2001:db8:2::/64) and listeners on its own loopback, checks
// that there is no other link and no default route, and runs a scenario there.
// No packet can reach the machine's real interfaces; slirp4netns, started by
// the sandbox inside the lab, can reach only the test host.
#include <gtest/gtest.h>

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

struct Lab {
  std::map<std::string, std::string> values;  // "key=value" lines of the scenario
  std::string udp_log;                        // what the test host received
  std::string out;                            // everything, for messages
  int status = -1;

  int code(const std::string& key) const {
    const auto it = values.find(key);
    return it == values.end() ? -1 : std::atoi(it->second.c_str());
  }
  bool received(const std::string& datagram) const {
    return ("\n" + udp_log).find("\n" + datagram + "\n") != std::string::npos;
  }
};

// Runs `scenario` (bash; $SB is the sandbox binary, $PROBE the net probe) in a
// fresh lab and collects its key=value lines.
Lab in_lab(const std::string& scenario) {
  std::vector<std::string> argv = {"env", "SB=" + sandbox_bin(), "unshare"};
  argv.push_back(is_root() ? "-n" : "-rn");
  argv.insert(argv.end(), {"bash", lab_script(), probe("net_probe"), scenario});
  RunOptions options;
  options.timeout_seconds = 60;
  const RunResult r = run(argv, options);
  Lab lab;
  lab.status = r.status;
  lab.out = r.out + r.err;
  std::istringstream lines(r.out);
  std::string line;
  bool in_log = false;
  while (std::getline(lines, line)) {
    if (line == "=== udp log") {
      in_log = true;
    } else if (in_log) {
      lab.udp_log += line + "\n";
    } else if (const auto eq = line.find('='); eq != std::string::npos && line.find(' ') == std::string::npos) {
      lab.values[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  return lab;
}

// "tcp ADDR PORT: ECONNREFUSED 0.3 ms" -> 0.3
double connect_ms(const Lab& lab, const std::string& target) {
  const std::regex pattern("tcp " + target + ": [A-Z]+ ([0-9.]+) ms");
  std::smatch m;
  return std::regex_search(lab.out, m, pattern) ? std::stod(m[1]) : 1e9;
}

constexpr int kRefused = 111;      // ECONNREFUSED
constexpr int kUnreachable = 101;  // ENETUNREACH

TEST(Net, NoneCannotReachTheTestHost) {
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

TEST(Net, FilteredAllowedHostGetsTcpAndUdpAndNothingElse) {
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

TEST(Net, DeniedSubnetRefusesTcpAtOnceAndDropsUdp) {
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

TEST(Net, PortRangesAndFirstMatchWins) {
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

TEST(Net, Ipv6IsScreenedTheSameWay) {
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

TEST(Net, ProgramCannotReadOrChangeTheRules) {
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

TEST(Net, FilteredCannotReachTheHostsLoopback) {
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

TEST(Net, HostModeLimitsTcpPortsAndRefusesUdp) {
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

TEST(Net, AllowDnsBindsAGeneratedResolvConf) {
  const Lab lab = in_lab(R"(
    $SB --net=filtered --allow-dns cat /etc/resolv.conf; echo cat=$?
  )");
  ASSERT_EQ(lab.code("scenario"), 0) << lab.out;
  EXPECT_EQ(lab.code("cat"), 0) << lab.out;
  EXPECT_NE(lab.out.find("nameserver 10.0.2.3\n"), std::string::npos) << lab.out;
}

TEST(Net, Slirp4netnsIsGoneAfterEveryExit) {
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
