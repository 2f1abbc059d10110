// The warm pool, `sandbox --serve` (DESIGN §14, issue 17): who may hand it
// a job, what pooled sandboxes share (nothing), and that nothing of it
// outlives the service. Each test starts its own service on a private
// XDG_RUNTIME_DIR, with a control that shows what the defence stops.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "attacks/pool_service.h"
#include "attacks/support.h"

namespace {

using testing_support::Background;
using testing_support::is_root;
using testing_support::probe;
using testing_support::read_file;
using testing_support::run;
using testing_support::sandbox_bin;
using testing_support::TempDir;
using pool_test::alive;
using pool_test::Service;
using pool_test::tree_of;

TEST(PoolAttack, APooledRunIsTheSameRun) {
  Service service;
  const auto result = run(service.pooled({"sh", "-c", "echo out; echo err >&2; cat /etc/shadow; exit 7"}));
  EXPECT_EQ(result.status, 7) << result.err;
  EXPECT_EQ(result.out, "out\n");
  EXPECT_NE(result.err.find("err\n"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("/etc/shadow: Permission denied"), std::string::npos) << result.err;
  EXPECT_NE(service.log().find("pooled job 1: sh"), std::string::npos) << service.log();
}

// The service's stderr (a terminal, when started as `sandbox --serve &`)
// gets no line per job unless --log-jobs asks for them. Control: with it,
// the job's line is there.
TEST(PoolService, SaysNothingPerJobUnlessAsked) {
  Service quiet({}, false);
  EXPECT_EQ(run(quiet.pooled({"true"})).status, 0);
  const std::string log = quiet.log();
  EXPECT_NE(log.find("listening on"), std::string::npos) << log;
  EXPECT_EQ(log.find("pooled job"), std::string::npos) << log;
  Service logging;
  EXPECT_EQ(run(logging.pooled({"true"})).status, 0);
  EXPECT_NE(logging.log().find("pooled job 1: true"), std::string::npos) << logging.log();
}

// --timeout is the client's own deadline against init's pidfd, so a job
// with it is pooled, and ends as a cold one does: SIGTERM to the tree, then
// SIGKILL after the grace period, status 124, nothing of it left.
TEST(PoolService, ATimeoutIsPooledAndEndsTheTree) {
  Service service;
  const std::string token = attack::unique_sleep_argument();
  const auto result = run(service.pooled({"--timeout", "1", "sh", "-c", "trap '' TERM; sleep " + token}));
  EXPECT_EQ(result.status, 124) << result.err;
  EXPECT_NE(result.err.find("timed out after 1 second"), std::string::npos) << result.err;
  EXPECT_TRUE(attack::processes_with(token).empty()) << "the sleep outlived the timeout";
  EXPECT_NE(service.log().find("pooled job 1: sh"), std::string::npos) << service.log();
}

// The research note's attack: a sandboxed program that reaches the socket
// (here through a grant of its directory) would get a new sandbox, possibly
// looser, from the service. It is refused by user namespace; the control is
// the same probe outside any sandbox, whose job the service reads.
TEST(PoolAttack, ASandboxedProgramThatReachesTheSocketIsRefused) {
  Service service;
  const auto outside = run({probe("pool_client"), service.socket()});
  EXPECT_EQ(outside.out, "declined\n") << "control: the service reads a job from its own user";
  const auto inside = run({"env", "SANDBOX_POOL=off", sandbox_bin(), "--rw", service.dir(), probe("pool_client"),
                           service.socket()});
  EXPECT_EQ(inside.status, 0) << inside.err;
  EXPECT_EQ(inside.out, "refused\n") << inside.err;
  EXPECT_NE(service.log().find("refused a client: the peer is in another user namespace"), std::string::npos)
      << service.log();
}

// Another uid: the 0700 directory stops it at connect(); with the directory
// and socket opened up on purpose, SO_PEERCRED still refuses it. Control:
// the service's own uid is served.
TEST(PoolAttack, AClientOfAnotherUidIsRefused) {
  if (!is_root()) GTEST_SKIP() << "needs a second uid: run as root";
  Service service;
  const std::vector<std::string> nobody = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"};
  auto as_nobody = nobody;
  as_nobody.push_back(probe("pool_client"));
  as_nobody.push_back(service.socket());
  const auto closed = run(as_nobody);
  EXPECT_EQ(closed.out, "connect: EACCES\n");
  ::chmod(service.runtime().c_str(), 0711);
  ::chmod(service.dir().c_str(), 0711);
  ::chmod(service.socket().c_str(), 0666);
  const auto opened = run(as_nobody);
  EXPECT_EQ(opened.out, "refused\n");
  EXPECT_NE(service.log().find("refused a client: the peer is uid 65534"), std::string::npos) << service.log();
  const auto own = run({probe("pool_client"), service.socket()});
  EXPECT_EQ(own.out, "declined\n") << "control: its own uid gets past the peer check";
}

// Two pooled sandboxes at once: no namespace in common, and neither sees
// the other's processes. Control: one sandbox sees its own.
TEST(PoolAttack, TwoPooledSandboxesShareNothing) {
  Service service;
  const std::string token = attack::unique_sleep_argument();
  // Each starts a sleep named by the token, then counts the sleeps it sees.
  const std::string script =
      "sleep " + token + " & "
      "for n in user mnt pid net ipc uts; do readlink /proc/self/ns/$n; done; "
      "for f in /proc/[0-9]*/cmdline; do case \"$(tr '\\0' ' ' < $f)\" in \"sleep " + token +
      "\"*) echo x;; esac; done | wc -l; echo end; read x; kill $!";
  Background first(service.pooled({"sh", "-c", script}));
  std::vector<std::string> a;
  for (std::string line; (line = first.read_line()) != "end" && !line.empty();) a.push_back(line);
  Background second(service.pooled({"sh", "-c", script}));
  std::vector<std::string> b;
  for (std::string line; (line = second.read_line()) != "end" && !line.empty();) b.push_back(line);
  ASSERT_EQ(a.size(), 7U);
  ASSERT_EQ(b.size(), 7U);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NE(a[i], b[i]) << "namespace shared: " << a[i];
  // Each sees its own sleep (the control) and not the other's, which runs
  // by then.
  EXPECT_EQ(a[6], "1");
  EXPECT_EQ(b[6], "1") << "the second sandbox sees the first one's processes";
  EXPECT_EQ(first.finish(), 0);
  EXPECT_EQ(second.finish(), 0);
  EXPECT_NE(service.log().find("pooled job 2"), std::string::npos) << service.log();
}

// Loopback listeners of one pooled sandbox are out of reach of another:
// each warm sandbox has its own network namespace, so a TCP listener on
// 127.0.0.1 and an abstract Unix socket bound in the first do not exist in
// the second (ECONNREFUSED, not a Landlock EPERM: the namespace is what
// stops it), nor on the host. Control: the first sandbox reaches both of
// its own listeners.
TEST(PoolAttack, TwoPooledSandboxesCannotReachEachOthersLoopbackListeners) {
  Service service;
  const std::string name = "sandbox-pool-test-" + attack::unique_sleep_argument();
  // Prints the TCP port, then "own: A B" (its own connects), then waits.
  const std::string listener =
      "import socket, sys\n"
      "t = socket.socket(); t.bind(('127.0.0.1', 0)); t.listen()\n"
      "u = socket.socket(socket.AF_UNIX); u.bind('\\0" + name + "'); u.listen()\n"
      "print(t.getsockname()[1], flush=True)\n"
      "own = []\n"
      "for family, address in ((socket.AF_INET, t.getsockname()), (socket.AF_UNIX, '\\0" + name + "')):\n"
      "    c = socket.socket(family); c.connect(address); own.append('ok')\n"
      "print('own:', *own, flush=True)\n"
      "sys.stdin.readline()\n";
  // Connects to the port given and the abstract name; prints each outcome.
  const std::string connector =
      "import errno, socket, sys\n"
      "out = []\n"
      "for family, address in ((socket.AF_INET, ('127.0.0.1', int(sys.argv[1]))), (socket.AF_UNIX, '\\0" + name +
      "')):\n"
      "    c = socket.socket(family)\n"
      "    try:\n"
      "        c.connect(address); out.append('connected')\n"
      "    except OSError as e:\n"
      "        out.append(errno.errorcode.get(e.errno, str(e.errno)))\n"
      "print(*out)\n";
  Background first(service.pooled({"/usr/bin/python3", "-c", listener}));
  const std::string port = first.read_line();
  ASSERT_FALSE(port.empty()) << service.log();
  EXPECT_EQ(first.read_line(), "own: ok ok") << "control: the sandbox reaches its own listeners";
  const auto second = run(service.pooled({"/usr/bin/python3", "-c", connector, port}));
  EXPECT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.out, "ECONNREFUSED ECONNREFUSED\n") << "the second pooled sandbox reached the first's listeners";
  const auto host = run({"/usr/bin/python3", "-c", connector, port});
  EXPECT_EQ(host.out, "ECONNREFUSED ECONNREFUSED\n") << "the host reached a sandbox's listeners";
  EXPECT_EQ(first.finish(), 0);
  EXPECT_NE(service.log().find("pooled job 2: /usr/bin/python3"), std::string::npos) << service.log();
}

// SIGKILL of the service: its warm sandboxes and a running job die with it
// (PR_SET_PDEATHSIG), and the client returns at once. Control: all of them
// run before the kill.
TEST(PoolAttack, SigkillOfTheServiceKillsItsSandboxes) {
  Service service;
  const std::string token = attack::unique_sleep_argument();
  Background job(service.pooled({"sh", "-c", "echo started; exec sleep " + token}));
  ASSERT_EQ(job.read_line(), "started");
  for (int i = 0; i < 200 && service.children().size() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));  // the refill
  }
  // The service replaces its warm sandboxes whenever the machine's mount
  // table changes (other work on the machine may mount): collect again
  // until one collection is all alive.
  std::vector<pid_t> processes;
  bool all_alive = false;
  for (int i = 0; i < 50 && !all_alive; ++i) {
    processes.clear();
    for (pid_t init : service.children()) {
      for (pid_t pid : tree_of(init)) processes.push_back(pid);
    }
    all_alive = processes.size() >= 4 && std::all_of(processes.begin(), processes.end(), alive);
    if (!all_alive) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GE(processes.size(), 4U) << "two warm inits, the job's init and its sleep";
  for (pid_t pid : processes) EXPECT_TRUE(alive(pid)) << pid;
  ::kill(service.pid(), SIGKILL);
  const auto start = std::chrono::steady_clock::now();
  bool any = true;
  while (any && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
    any = false;
    for (pid_t pid : processes) any = any || alive(pid);
    if (any) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (pid_t pid : processes) EXPECT_FALSE(alive(pid)) << pid << " outlived the service";
  EXPECT_EQ(job.finish(), 128 + SIGKILL) << "the client reports the sandbox killed";
}

// DESIGN §14's guarantee through the pool: when `sandbox` returns, nothing
// of the sandbox runs (init kills and reaps every process before its report
// goes to the client). Four daemons that ignore every catchable signal are
// looked for the instant the status is back. Control: unconfined, they
// outlive the command.
TEST(PoolAttack, NothingOfAPooledSandboxRunsOnceTheStatusIsBack) {
  Service service;
  const std::string token = attack::unique_sleep_argument();
  const std::string daemons = "for i in 1 2 3 4; do setsid sh -c 'trap \"\" HUP TERM INT; exec sleep " + token +
                              "' </dev/null >/dev/null 2>&1 & done; sleep 0.3; exit 5";
  EXPECT_EQ(run({"sh", "-c", daemons}).status, 5);
  EXPECT_FALSE(attack::processes_with(token).empty()) << "control: the daemons outlive the command";
  attack::kill_all_with(token);
  ASSERT_TRUE(attack::wait_for([&] { return attack::processes_with(token).empty(); }, 2));
  for (int i = 0; i < 10; ++i) {
    const pid_t client = attack::start(service.pooled({"sh", "-c", daemons}));
    int status = 0;
    ::waitpid(client, &status, 0);
    const auto left = attack::processes_with(token);  // the instant the status is back
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 5) << status;
    EXPECT_TRUE(left.empty()) << left.size() << " daemons still ran when the status came back (run " << i << ")";
    attack::kill_all_with(token);
    for (int j = 0; j < 200 && !service.warm(2); ++j) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(service.log().find("pooled job 10: sh"), std::string::npos) << service.log();
}

// A warm view is a snapshot of the service's mount table: a mount made
// after it was built must not be missing from the job's sandbox, so a
// change of the table replaces every warm sandbox. The service runs in a
// mount namespace of the test's own (nothing of the machine's is touched).
// Control: without a change, the job runs in a sandbox made before it.
TEST(PoolAttack, AWarmSandboxMadeBeforeAMountChangeIsNotUsed) {
  if (!is_root()) GTEST_SKIP() << "mounts in a namespace of our own: run as root";
  Service service({"unshare", "--mount", "--propagation", "private", "--"});
  ASSERT_TRUE(service.warm(2)) << service.log();
  const auto in_its_namespace = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"nsenter", "-t", std::to_string(service.pid()), "-m", "--"};
    for (const auto& a : service.pooled(args)) argv.push_back(a);
    return argv;
  };
  const auto init_of_job = [&](int n) -> pid_t {
    const std::string log = service.log();
    const std::string marker = "pooled job " + std::to_string(n) + ": true (init ";
    const auto at = log.find(marker);
    return at == std::string::npos ? -1 : std::atoi(log.c_str() + at + marker.size());
  };
  std::vector<pid_t> made_before = service.children();
  const auto first = run(in_its_namespace({"true"}));
  ASSERT_EQ(first.status, 0) << first.err << service.log();
  EXPECT_NE(std::find(made_before.begin(), made_before.end(), init_of_job(1)), made_before.end())
      << "control: with no change, a warm sandbox made before the job runs it";
  for (int i = 0; i < 200 && !service.warm(2); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  made_before.clear();
  // The two warm sandboxes once the refill made them: the first job's init,
  // which may still be tearing its namespaces down after its client got the
  // status, is not one of them.
  const pid_t first_job = init_of_job(1);
  for (int i = 0; i < 200 && made_before.size() != 2; ++i) {
    made_before.clear();
    for (pid_t pid : service.children()) {
      if (pid != first_job && alive(pid)) made_before.push_back(pid);
    }
    if (made_before.size() != 2) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(made_before.size(), 2U);
  const auto mounted = run({"nsenter", "-t", std::to_string(service.pid()), "-m", "--", "mount", "-t", "tmpfs",
                            "pool-test", "/mnt"});
  ASSERT_EQ(mounted.status, 0) << mounted.err;
  for (int i = 0; i < 200 && (alive(made_before[0]) || alive(made_before[1])); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (pid_t pid : made_before) EXPECT_FALSE(alive(pid)) << "a warm sandbox from before the mount survived";
  for (int i = 0; i < 200 && !service.warm(2); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  const auto second = run(in_its_namespace({"true"}));
  ASSERT_EQ(second.status, 0) << second.err << service.log();
  EXPECT_EQ(std::find(made_before.begin(), made_before.end(), init_of_job(2)), made_before.end());
  EXPECT_NE(service.log().find("replacing 2 warm sandboxes: the mount table changed"), std::string::npos)
      << service.log();
}

}  // namespace
