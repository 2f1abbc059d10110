// The classifier of --explain (src/explain/classify.h), row by row of issue
// 14 item 2, against a posed host.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "explain/classify.h"

namespace sandbox::explain {
namespace {

struct Fixture {
  std::set<std::string> host_paths = {"/home/u/data.csv", "/home/u", "/srv/out", "/srv/bin/helper",
                                      "/srv/ro", "/srv/ro/f", "/etc/shadow", "/etc/hostname",
                                      "/home/u/.ssh/id_rsa", "/home/u/.ssh", "/srv/noperm",
                                      "/run/app.sock", "/etc/sandbox-hidden.conf"};
  std::set<std::string> unreadable = {"/etc/shadow", "/srv/noperm"};
  std::set<unsigned> listening = {18095};
  Plan plan;
  Host host;
  Fixture() {
    plan.system_trees = {"/usr", "/bin", "/lib"};
    plan.home = "/home/u";
    plan.grants = {{"/srv/ro", Access::read}, {"/srv/rw", Access::read_write}};
    host.exists = [this](const std::string& p) { return host_paths.count(p) != 0; };
    host.permits = [this](const std::string& p, int) { return unreadable.count(p) == 0; };
    host.world_readable = [this](const std::string& p) { return unreadable.count(p) == 0; };
    host.listens_tcp = [this](unsigned port) { return listening.count(port) != 0; };
    host.listens_abstract = [](const std::string& name) { return name == "host-bus"; };
  }
  std::optional<Verdict> path(Op op, const std::string& p, int err) const {
    Attempt a;
    a.op = op;
    a.path = p;
    a.err = err;
    return classify(a, plan, host);
  }
  std::optional<Verdict> connect(const std::string& addr, unsigned port, int err, bool udp = false) const {
    Attempt a;
    a.op = Op::connect;
    a.family = addr.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    a.address = addr;
    a.port = port;
    a.udp = udp;
    a.err = err;
    return classify(a, plan, host);
  }
};

std::string options(const std::optional<Verdict>& v) {
  if (!v) return "<not a denial>";
  std::string out;
  for (const auto& g : v->grants) out += (out.empty() ? "" : " ") + g.option + (g.value.empty() ? "" : " " + g.value);
  return out.empty() ? "<none>" : out;
}

TEST(ExplainClassify, HiddenFileThatExistsOutsideIsGrantedByItsKind) {
  Fixture f;
  EXPECT_EQ(options(f.path(Op::read, "/home/u/data.csv", ENOENT)), "--ro /home/u/data.csv");
  EXPECT_EQ(options(f.path(Op::write, "/home/u/data.csv", ENOENT)), "--rw /home/u/data.csv");
  EXPECT_EQ(options(f.path(Op::exec, "/srv/bin/helper", ENOENT)), "--exec /srv/bin/helper");
  EXPECT_EQ(f.path(Op::read, "/home/u/data.csv", ENOENT)->cause, "exists outside, not in the view");
}

TEST(ExplainClassify, CreateInAHiddenDirectoryGrantsThatDirectoryOnly) {
  Fixture f;
  EXPECT_EQ(options(f.path(Op::create, "/srv/out/result.txt", ENOENT)), "--rw /srv/out");
  // Never a parent further up: /srv/out/sub does not exist on the host.
  EXPECT_EQ(options(f.path(Op::create, "/srv/out/sub/result.txt", ENOENT)), "<not a denial>");
}

// Listing the view's root (a program started in /, as uid 65534 in a
// lab) is a denial, but --ro / would hand over the whole host: no grant.
TEST(ExplainClassify, TheRootIsNeverOfferedAsAGrant) {
  Fixture f;
  f.host_paths.insert("/");
  EXPECT_EQ(options(f.path(Op::read, "/", EACCES)), "<none>");
  EXPECT_NE(f.path(Op::read, "/", EACCES)->cause.find("a grant of / would be the whole host"), std::string::npos);
  f.host_paths.insert("/new.txt");
  EXPECT_EQ(options(f.path(Op::create, "/x.txt", ENOENT)), "<none>");  // --rw / is not offered either
  EXPECT_EQ(options(f.path(Op::read, "/srv/ro/f", EACCES)), "--ro /srv/ro/f");  // below it, as before
}

// make, git or ls run from a directory that is not in the view start in
// $HOME: what they reach there by a relative path they meant in the working
// directory, whose grant (--ro ., --rw .) is the answer.
TEST(ExplainClassify, ARelativePathFromAWorkingDirectoryOutsideTheViewGrantsThatDirectory) {
  Fixture f;
  f.plan.outside_cwd = "/srv/proj";
  f.host_paths.insert("/srv/proj");
  f.host_paths.insert("/srv/proj/Makefile");
  EXPECT_EQ(options(f.path(Op::read, "/home/u", EACCES)), "--ro /srv/proj");           // "."
  EXPECT_EQ(options(f.path(Op::stat, "/home/u/Makefile", EACCES)), "--ro /srv/proj");  // "Makefile"
  EXPECT_EQ(options(f.path(Op::create, "/home/u/out.o", EACCES)), "--rw /srv/proj");   // "out.o"
  EXPECT_NE(f.path(Op::read, "/home/u/Makefile", EACCES)->cause.find("meant /srv/proj/Makefile"), std::string::npos);
  // Nothing of that name in the working directory: the home's own rules.
  f.host_paths.insert("/home/u/.bashrc");
  EXPECT_EQ(options(f.path(Op::read, "/home/u/.bashrc", EACCES)), "--ro /home/u/.bashrc");
  // Without an outside working directory, as before.
  f.plan.outside_cwd.clear();
  EXPECT_EQ(options(f.path(Op::read, "/home/u", EACCES)), "-M");
}

TEST(ExplainClassify, PathMissingOnTheHostTooIsNotADenial) {
  Fixture f;
  EXPECT_EQ(options(f.path(Op::read, "/home/u/missing.txt", ENOENT)), "<not a denial>");
  EXPECT_EQ(options(f.path(Op::stat, "/usr/lib/nothing.so", ENOENT)), "<not a denial>");
}

TEST(ExplainClassify, StatOfAHiddenPathIsAProbe) {
  Fixture f;
  auto v = f.path(Op::stat, "/home/u/data.csv", ENOENT);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->probe);
  EXPECT_EQ(options(v), "--ro /home/u/data.csv");
}

TEST(ExplainClassify, ReadOnlyGrantAnswersEroFsAndRwGrantsIt) {
  Fixture f;
  EXPECT_EQ(options(f.path(Op::write, "/srv/ro/f", EROFS)), "--rw /srv/ro/f");
  EXPECT_EQ(options(f.path(Op::create, "/srv/ro/new", EROFS)), "--rw /srv/ro");
  EXPECT_EQ(f.path(Op::write, "/srv/ro/f", EROFS)->cause, "under the read-only grant /srv/ro");
  EXPECT_EQ(options(f.path(Op::create, "/usr/new", EROFS)), "<none>");  // a system tree
}

TEST(ExplainClassify, WriteInHomeOrTmpWithoutScratchIsMountM) {
  Fixture f;
  EXPECT_EQ(options(f.path(Op::create, "/home/u/new.txt", EACCES)), "-M");
  EXPECT_EQ(options(f.path(Op::create, "/tmp/x", EACCES)), "-M");
  // Listing the sandbox's own /tmp or $HOME: a scratch, never the host's directory.
  EXPECT_EQ(options(f.path(Op::read, "/tmp", EACCES)), "-M");
  EXPECT_EQ(options(f.path(Op::read, "/home/u", EACCES)), "-M");
  f.plan.scratch = true;
  EXPECT_NE(options(f.path(Op::create, "/tmp/x", EACCES)), "-M");
}

TEST(ExplainClassify, ExecUnderANonExecGrantIsExec) {
  Fixture f;
  f.host_paths.insert("/srv/ro/tool");
  EXPECT_EQ(options(f.path(Op::exec, "/srv/ro/tool", EACCES)), "--exec /srv/ro/tool");
  // The caller cannot execute it either: file permissions, no option.
  EXPECT_EQ(options(f.path(Op::exec, "/srv/noperm", EACCES)), "<none>");
}

TEST(ExplainClassify, EtcSecretsAreNeverGrantedOtherEntriesAre) {
  Fixture f;
  auto secret = f.path(Op::read, "/etc/shadow", EACCES);
  ASSERT_TRUE(secret);
  EXPECT_TRUE(secret->grants.empty());
  EXPECT_TRUE(secret->sensitive);
  EXPECT_NE(secret->cause.find("secret"), std::string::npos);
  EXPECT_EQ(options(f.path(Op::read, "/etc/sandbox-hidden.conf", EACCES)), "--ro /etc/sandbox-hidden.conf");
  EXPECT_EQ(options(f.path(Op::read, "/etc/hostname", ENOENT)), "--ro /etc/hostname");  // -t min: no /etc
}

TEST(ExplainClassify, SensitivePathsAreMarked) {
  Fixture f;
  auto v = f.path(Op::read, "/home/u/.ssh/id_rsa", ENOENT);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->sensitive);
  EXPECT_EQ(options(v), "--ro /home/u/.ssh/id_rsa");
}

TEST(ExplainClassify, TcpConnectRefusedByLandlockIsAllowTcp) {
  Fixture f;
  f.plan.net = NetMode::host;
  EXPECT_EQ(options(f.connect("192.0.2.1", 443, EACCES)), "--allow-tcp 443");
}

TEST(ExplainClassify, HostLoopbackFromItsOwnNamespaceIsNetHost) {
  Fixture f;
  EXPECT_EQ(options(f.connect("127.0.0.1", 18095, ECONNREFUSED)), "--net host --allow-tcp 18095");
  // Nothing listens on the host there: a closed port, not a denial.
  EXPECT_EQ(options(f.connect("127.0.0.1", 18096, ECONNREFUSED)), "<not a denial>");
  f.plan.net = NetMode::host;  // the host's own loopback: refused there too
  EXPECT_EQ(options(f.connect("127.0.0.1", 18095, ECONNREFUSED)), "<not a denial>");
}

TEST(ExplainClassify, UdpSocketDeniedBySeccompIsAllowUdp) {
  Fixture f;
  f.plan.net = NetMode::host;
  Attempt a;
  a.denied_call = true;
  a.op = Op::socket;
  a.syscall = "socket";
  a.family = AF_INET;
  a.flags = SOCK_DGRAM | SOCK_CLOEXEC;
  a.err = EPERM;
  EXPECT_EQ(options(classify(a, f.plan, f.host)), "--allow-udp");
  a.flags = SOCK_RAW;
  EXPECT_EQ(options(classify(a, f.plan, f.host)), "<none>");
}

TEST(ExplainClassify, FilteredResetsAndDropsNameTheAllowRuleFromTheRuleTable) {
  Fixture f;
  f.plan.net = NetMode::filtered;
  f.plan.net_rules = {{NetVerdict::allow, "198.51.100.0/24:80"}, {NetVerdict::deny, "10.0.0.0/8"}};
  EXPECT_EQ(options(f.connect("10.1.2.3", 80, ECONNREFUSED)), "--allow-net 10.1.2.3/32:80");
  // A dropped UDP datagram fails no call: the rule table says it.
  EXPECT_EQ(options(f.connect("10.1.2.3", 53, 0, true)), "--allow-net 10.1.2.3/32:53");
  // A datagram sent with a destination: the output rule makes the send fail.
  Attempt send;
  send.op = Op::send;
  send.family = AF_INET;
  send.udp = true;
  send.address = "10.1.2.3";
  send.port = 5353;
  send.err = EPERM;
  auto v = classify(send, f.plan, f.host);
  EXPECT_EQ(options(v), "--allow-net 10.1.2.3/32:5353");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->object, "udp 10.1.2.3:5353");
  EXPECT_EQ(v->cause, "the filter drops it");
  // Allowed by the rules: a refusal is the server's own.
  EXPECT_EQ(options(f.connect("198.51.100.7", 80, ECONNREFUSED)), "<not a denial>");
  // A non-blocking connect returns EINPROGRESS before the reset: screened, it
  // is the same denial; allowed, it is nothing (whatever the host answers).
  EXPECT_EQ(options(f.connect("10.1.2.3", 443, EINPROGRESS)), "--allow-net 10.1.2.3/32:443");
  EXPECT_EQ(options(f.connect("198.51.100.7", 80, EINPROGRESS)), "<not a denial>");
  EXPECT_EQ(options(f.connect("10.1.2.3", 53, EINPROGRESS, true)), "<not a denial>");
  // DNS only through the forwarder, and only when allowed.
  EXPECT_EQ(options(f.connect("10.0.2.3", 53, 0, true)), "--allow-dns");
  f.plan.allow_dns = true;
  EXPECT_EQ(options(f.connect("10.0.2.3", 53, 0, true)), "<not a denial>");
  // The sandbox's own loopback is not screened.
  EXPECT_EQ(options(f.connect("127.0.0.1", 9, ECONNREFUSED)), "<not a denial>");
}

TEST(ExplainClassify, ForkRefusedByThePidsLimitIsPids) {
  Fixture f;
  f.plan.pids = 10;
  Attempt a;
  a.op = Op::fork;
  a.err = EAGAIN;
  EXPECT_EQ(options(classify(a, f.plan, f.host)), "--pids 20");
  f.plan.pids = 0;  // no limit of ours: the host's
  EXPECT_EQ(options(classify(a, f.plan, f.host)), "<not a denial>");
}

TEST(ExplainClassify, SignalsAbstractSocketsAndDenyListHaveNoOption) {
  Fixture f;
  Attempt kill;
  kill.op = Op::signal;
  kill.signal = 15;
  kill.target = 1;
  kill.err = EPERM;
  auto v = classify(kill, f.plan, f.host);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->grants.empty());
  EXPECT_NE(v->cause.find("init"), std::string::npos);
  EXPECT_EQ(v->object, "SIGTERM to pid 1");
  Attempt abstract;
  abstract.op = Op::connect;
  abstract.family = AF_UNIX;
  abstract.address = "@some-bus";
  abstract.err = EPERM;
  v = classify(abstract, f.plan, f.host);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->grants.empty());
  EXPECT_NE(v->cause.find("no option grants this"), std::string::npos);
  // From a network namespace of its own: refused, and a denial only where
  // the host listens on that name.
  abstract.err = ECONNREFUSED;
  EXPECT_EQ(options(classify(abstract, f.plan, f.host)), "<not a denial>");
  abstract.address = "@host-bus";
  v = classify(abstract, f.plan, f.host);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->grants.empty());
  EXPECT_NE(v->cause.find("the host listens there"), std::string::npos);
  Attempt denied;
  denied.denied_call = true;
  denied.op = Op::syscall;
  denied.syscall = "unshare";
  denied.err = EPERM;
  v = classify(denied, f.plan, f.host);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->grants.empty());
  EXPECT_EQ(v->object, "unshare");
}

TEST(ExplainClassify, UnixSocketOutsideTheViewIsRo) {
  Fixture f;
  Attempt a;
  a.op = Op::connect;
  a.family = AF_UNIX;
  a.address = "/run/app.sock";
  a.err = ENOENT;
  EXPECT_EQ(options(classify(a, f.plan, f.host)), "--ro /run/app.sock");
}

TEST(ExplainClassify, FilePermissionsOfTheCallerAreNotAGrant) {
  Fixture f;
  EXPECT_EQ(options(f.path(Op::read, "/srv/noperm", EACCES)), "<none>");
}

}  // namespace
}  // namespace sandbox::explain
