// --best-effort on a host without user namespaces (issue 4 item 5), on the
// real binary. Such a host is simulated in a user namespace of our own
// whose user.max_user_namespaces is 0: the sandbox's clone3 with
// CLONE_NEWUSER then fails with ENOSPC, as on a host that restricts them.
// Works as root and as uid 65534.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/run.h"

using namespace testing_support;

namespace {

// The sandbox binary with args, started where user namespaces are disabled.
std::vector<std::string> without_userns(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"unshare", "-Ur", "sh", "-c",
                                   "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$0\" \"$@\"",
                                   sandbox_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(BestEffort, WithoutItAHostWithoutUserNamespacesIsRefusedWithTheFix) {
  const auto r = run(without_userns({"true"}));
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_TRUE(has(r.err, "user namespace")) << r.err;
  EXPECT_TRUE(has(r.err, "user.max_user_namespaces")) << r.err;
  EXPECT_TRUE(has(r.err, "kernel.unprivileged_userns_clone=1")) << r.err;
  EXPECT_TRUE(has(r.err, "--best-effort")) << r.err;
}

TEST(BestEffort, RunsWithoutNamespacesAndSaysExactlyWhatWasSkipped) {
  TempDir dir;
  const std::string granted = dir.write("granted", "granted-content\n");
  TempDir other;
  const std::string secret = other.write("secret", "secret-content\n");  // readable by us, not granted
  const auto control = run({"cat", secret});
  ASSERT_EQ(control.status, 0);                                          // the denial below is Landlock's
  RunOptions input;
  input.stdin_data = "from-stdin\n";
  input.stdin_null = false;
  const auto r = run(without_userns({"--best-effort", "--ro", dir.path(), "sh", "-c",
                                     "cat " + granted + "; cat " + secret + " && echo LEAK; "
                                     "read line; echo \"got $line\"; exit 7"}),
                     input);
  EXPECT_EQ(r.status, 7) << r.err;
  EXPECT_TRUE(has(r.out, "granted-content")) << r.out << r.err;
  EXPECT_FALSE(has(r.out, "secret-content")) << r.out;
  EXPECT_FALSE(has(r.out, "LEAK")) << r.out;
  EXPECT_TRUE(has(r.out, "got from-stdin")) << r.out << r.err;
  const std::string prefix = "sandbox: --best-effort: running without ";
  for (const char* line :
       {"user namespace\n",
        "mount namespace: the program sees the host's file tree (Landlock still denies what is not granted)\n",
        "pid namespace: ",
        "network namespace: TCP denied by Landlock, UDP/raw by seccomp; pathname unix sockets remain reachable\n",
        "ipc, uts and cgroup namespaces\n"}) {
    EXPECT_TRUE(has(r.err, prefix + line)) << line << r.err;
  }
}

TEST(BestEffort, ADaemonDoesNotOutliveTheRun) {
  TempDir dir(true);
  const std::string pidfile = dir.path() + "/daemon.pid";
  RunOptions options;
  options.timeout_seconds = 20;  // an escaped daemon holding stdout would keep run() waiting
  const auto r = run(without_userns({"--best-effort", "--rw", dir.path(), "sh", "-c",
                                     "(setsid sh -c 'echo $$ > " + pidfile +
                                         "; exec sleep 60' &); "
                                         "while [ ! -s " + pidfile + " ]; do :; done; exit 3"}),
                     options);
  EXPECT_EQ(r.status, 3) << r.err;
  const auto pid = std::atoi(run({"cat", pidfile}).out.c_str());
  ASSERT_GT(pid, 1);
  errno = 0;
  EXPECT_EQ(::kill(pid, 0), -1) << "the daemon " << pid << " outlived the sandbox";
  EXPECT_EQ(errno, ESRCH);
}

// A listener on loopback, reachable from outside the sandbox.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
  }
  ~Listener() { ::close(fd_); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(BestEffort, NoNetworkNamespaceStillMeansNoTcpAndNoUdp) {
  Listener listener;
  ASSERT_GT(listener.port(), 0);
  const std::string port = std::to_string(listener.port());
  const auto control = run({probe("net_probe"), "tcp", "127.0.0.1", port});
  ASSERT_EQ(control.status, 0) << control.out;  // reachable without the sandbox
  const auto tcp = run(without_userns({"--best-effort", probe("net_probe"), "tcp", "127.0.0.1", port}));
  EXPECT_EQ(tcp.status, EACCES) << tcp.out << tcp.err;  // Landlock: no port granted
  const auto udp = run(without_userns({"--best-effort", probe("net_probe"), "socket", "udp"}));
  EXPECT_EQ(udp.status, EPERM) << udp.out << udp.err;   // seccomp
}

TEST(BestEffort, OptionsThatNeedTheViewAreRefused) {
  TempDir dir(true);
  for (const std::vector<std::string>& option :
       {std::vector<std::string>{"-M"}, {"-H", dir.path()}, {"--net=filtered"}}) {
    std::vector<std::string> args = {"--best-effort"};
    args.insert(args.end(), option.begin(), option.end());
    args.emplace_back("true");
    const auto r = run(without_userns(args));
    EXPECT_EQ(r.status, 125) << option.front() << ": " << r.err;
    EXPECT_TRUE(has(r.err, option.front() + " needs the mount view")) << r.err;
  }
}

}  // namespace
