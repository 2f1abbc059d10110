// The warm pool's lean client (src/lean/client.cc, DESIGN §14, issue 17):
// a plain `sandbox CMD` whose standard input, output and error need no
// relay is handed to the service before glibc starts. It must be the same
// run as the full client's (status, output, the words of a failure,
// signals, --list and --kill), and what the service checks in its place
// must hold: a default profile changed on disk, or one the caller's
// environment would load from elsewhere, is never served stale. Each
// attack test has a control that shows what the check stops.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "attacks/pool_service.h"
#include "attacks/support.h"

namespace {

using pool_test::Service;
using testing_support::is_root;
using testing_support::read_file;
using testing_support::run;
using testing_support::sandbox_bin;
using testing_support::TempDir;

struct LeanRun {
  int status = -1;  // the exit status, or 128 + the signal
  std::string out;
  std::string err;
};

// argv run as the lean client takes it: standard input /dev/null, output
// and error regular files (a pipe would be relayed: the full client's).
// `meanwhile` gets the pid while it runs.
LeanRun run_lean(const std::vector<std::string>& argv, const std::function<void(pid_t)>& meanwhile = {}) {
  TempDir dir;
  const std::string out = dir.path() + "/out";
  const std::string err = dir.path() + "/err";
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDONLY);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (null < 0 || o < 0 || e < 0) ::_exit(120);
    ::dup2(null, 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    testing_support::exec_or_exit(argv);
  }
  if (meanwhile) meanwhile(pid);
  int status = 0;
  ::waitpid(pid, &status, 0);
  LeanRun result;
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

// A readable file in a directory of its own, and a user profile directory
// whose default profile grants that directory read-only (or not).
struct GrantingProfile {
  TempDir config;
  TempDir secret_dir;
  std::string secret = secret_dir.path() + "/secret";
  std::string profiles = config.path() + "/sandbox/profiles";
  GrantingProfile() {
    std::ofstream(secret) << "the secret\n";
    ::chmod(secret_dir.path().c_str(), 0755);
    ::chmod(secret.c_str(), 0644);
    EXPECT_EQ(run({"mkdir", "-p", profiles}).status, 0);
    write(true);
  }
  void write(bool granted) const {
    std::ofstream(profiles + "/default.toml", std::ios::trunc)
        << "type = \"sandbox_t\"\ninclude-profiles = [\"min\"]\netc-readable = true\n"
        << (granted ? "ro = [\"" + secret_dir.path() + "\"]\n" : std::string());
  }
};

// argv with standard input /dev/null and standard output a pipe the test
// reads (standard error too when `err_too`, else a file): the lean client
// relays it. `before` is written into the pipe first, as by another writer,
// and then the pipe is read only once the run is over.
LeanRun run_lean_piped(const std::vector<std::string>& argv, bool err_too, const std::string& before = "") {
  TempDir dir;
  const std::string err = dir.path() + "/err";
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return {};
  if (!before.empty() && ::write(out[1], before.data(), before.size()) != static_cast<ssize_t>(before.size())) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDONLY);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (null < 0 || e < 0) ::_exit(120);
    ::dup2(null, 0);
    ::dup2(out[1], 1);
    ::dup2(err_too ? out[1] : e, 2);
    testing_support::exec_or_exit(argv);
  }
  ::close(out[1]);
  LeanRun result;
  int status = 0;
  if (!before.empty()) ::waitpid(pid, &status, 0);
  char buffer[65536];
  for (ssize_t n; (n = ::read(out[0], buffer, sizeof(buffer))) > 0;) result.out.append(buffer, static_cast<std::size_t>(n));
  ::close(out[0]);
  if (before.empty()) ::waitpid(pid, &status, 0);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.err = read_file(err);
  return result;
}

bool lean_job_in(const std::string& log, int n, const std::string& command) {
  const std::string line = "pooled job " + std::to_string(n) + ": " + command + " (init ";
  const auto at = log.find(line);
  return at != std::string::npos && log.find(", lean client,", at) < log.find('\n', at);
}

TEST(PoolLean, APlainRunIsTakenByTheLeanClientAndIsTheSameRun) {
  Service service;
  const auto lean = run_lean(service.pooled({"sh", "-c", "echo out; echo err >&2; cat /etc/shadow; exit 7"}));
  EXPECT_EQ(lean.status, 7) << lean.err;
  EXPECT_EQ(lean.out, "out\n");
  EXPECT_NE(lean.err.find("err\n"), std::string::npos) << lean.err;
  EXPECT_NE(lean.err.find("/etc/shadow: Permission denied"), std::string::npos) << lean.err;
  EXPECT_TRUE(lean_job_in(service.log(), 1, "sh")) << service.log();
  // Control: a pipe on stdin needs the full client's relay.
  std::vector<std::string> piped = {"sh", "-c", "echo in | \"$@\"", "sh"};
  for (const auto& word : service.pooled({"sh", "-c", "cat; exit 7"})) piped.push_back(word);
  const auto full = run_lean(piped);
  EXPECT_EQ(full.status, 7);
  EXPECT_EQ(full.out, "in\n");
  EXPECT_FALSE(lean_job_in(service.log(), 2, "sh")) << service.log();
  EXPECT_NE(service.log().find("pooled job 2: sh (init "), std::string::npos) << service.log();
}

// Output pipes are relayed by the lean client, as by the full one: every
// byte arrives, in order with standard error on the same pipe, before the
// status; a reader that goes away gives the program EPIPE (SIGPIPE).
TEST(PoolLean, OutputPipesAreRelayed) {
  Service service;
  const auto big = run_lean_piped(service.pooled({"sh", "-c", "head -c 5000000 /dev/zero; echo; echo err >&2"}), true);
  EXPECT_EQ(big.status, 0) << big.err;
  EXPECT_EQ(big.out.size(), 5000000U + 1 + 4);
  EXPECT_EQ(big.out.substr(big.out.size() - 5), "\nerr\n") << "standard error out of order";
  EXPECT_TRUE(lean_job_in(service.log(), 1, "sh")) << service.log();
  // The reader goes after one line: `yes` dies of SIGPIPE, as bare.
  const auto gone = run_lean({"sh", "-c", "\"$@\" | head -n 1", "sh", "env", "XDG_RUNTIME_DIR=" + service.runtime(),
                              "SANDBOX_POOL=only", sandbox_bin(), "sh", "-c", "yes; echo status $? >&2"});
  EXPECT_EQ(gone.out, "y\n");
  EXPECT_NE(gone.err.find("status 141"), std::string::npos) << gone.err;
  EXPECT_TRUE(lean_job_in(service.log(), 2, "sh")) << service.log();
}

// The relay's reason (DESIGN §2.3): a program that reopens its standard
// output for reading must not read what another writer left in the
// caller's pipe. Control: the same program, not sandboxed, reads it.
TEST(PoolLeanAttack, AReopenedOutputPipeDoesNotReadTheCallersPipe) {
  Service service;
  const std::string reader =
      "import os\n"
      "fd = os.open('/proc/self/fd/1', os.O_RDONLY | os.O_NONBLOCK)\n"
      "try:\n"
      "    got = os.read(fd, 100)\n"
      "except BlockingIOError:\n"
      "    got = b'nothing'\n"
      "os.write(2, b'read: ' + got + b'\\n')\n";
  const auto bare = run_lean_piped({"/usr/bin/python3", "-c", reader}, false, "left by another writer\n");
  EXPECT_NE(bare.err.find("read: left by another writer"), std::string::npos) << "control: " << bare.err;
  const auto pooled = run_lean_piped(service.pooled({"/usr/bin/python3", "-c", reader}), false, "left by another writer\n");
  EXPECT_EQ(pooled.status, 0) << pooled.err;
  EXPECT_NE(pooled.err.find("read: nothing"), std::string::npos) << pooled.err;
  EXPECT_EQ(pooled.out, "left by another writer\n") << "the caller's data was taken";
  EXPECT_TRUE(lean_job_in(service.log(), 1, "/usr/bin/python3")) << service.log();
}

// Failures are put into the full client's words (it renders them), and a
// program killed by a signal gives 128 + N: the same lines and status as a
// cold launch.
TEST(PoolLean, AFailureIsSaidInTheColdLaunchsWords) {
  Service service;
  for (const std::vector<std::string>& args : {std::vector<std::string>{"no-such-command-anywhere"},
                                               std::vector<std::string>{"sh", "-c", "kill -SEGV $$"}}) {
    const auto lean = run_lean(service.pooled(args));
    std::vector<std::string> cold_argv = {"env", "SANDBOX_POOL=off", sandbox_bin()};
    cold_argv.insert(cold_argv.end(), args.begin(), args.end());
    const auto cold = run_lean(cold_argv);
    EXPECT_EQ(lean.status, cold.status) << lean.err;
    EXPECT_EQ(lean.err, cold.err);
    EXPECT_NE(cold.status, 0);
  }
  EXPECT_TRUE(lean_job_in(service.log(), 1, "no-such-command-anywhere")) << service.log();
  EXPECT_TRUE(lean_job_in(service.log(), 2, "sh")) << service.log();
}

// SIGTERM to the lean client reaches the program (through init), which
// dies of it: 128 + 15, and nothing of it is left.
TEST(PoolLean, SignalsAreForwardedToTheProgram) {
  Service service;
  const std::string token = attack::unique_sleep_argument();
  const auto lean = run_lean(service.pooled({"sleep", token}), [&](pid_t client) {
    // The job is taken and its sleep runs: the client is one process with
    // the token in its arguments, the sleep inside another.
    ASSERT_TRUE(attack::wait_for([&] { return lean_job_in(service.log(), 1, "sleep"); }, 5)) << service.log();
    ASSERT_TRUE(attack::wait_for([&] { return attack::processes_with(token).size() >= 2; }, 5));
    ::kill(client, SIGTERM);
  });
  EXPECT_EQ(lean.status, 128 + SIGTERM) << lean.err;
  EXPECT_TRUE(attack::processes_with(token).empty());
  EXPECT_TRUE(lean_job_in(service.log(), 1, "sleep")) << service.log();
}

// The service reserves the lean job's label and serves its control socket:
// --list shows it with the client's pid, --kill ends the whole sandbox and
// the client returns 137; then the label is free again.
TEST(PoolLean, ListShowsTheJobAndKillEndsIt) {
  Service service;
  const std::string token = attack::unique_sleep_argument();
  std::string label;
  const auto lean = run_lean(service.pooled({"sh", "-c", "sleep " + token + "; echo not killed"}), [&](pid_t client) {
    nlohmann::json mine;
    attack::wait_for(
        [&] {
          const auto listed = nlohmann::json::parse(run({sandbox_bin(), "--list", "--json"}).out, nullptr, false);
          if (!listed.is_array()) return false;
          for (const auto& entry : listed) {
            if (entry.value("command", nlohmann::json::array()).dump().find(token) != std::string::npos) mine = entry;
          }
          return !mine.is_null();
        },
        5);
    ASSERT_FALSE(mine.is_null()) << "the lean job is not listed\n" << service.log();
    EXPECT_EQ(mine["pid"].get<int>(), client) << "--list shows the client as the sandbox's supervisor";
    EXPECT_EQ(mine["profile"].get<std::string>(), "default");
    label = mine["label"].get<std::string>();
    const auto killed = run({sandbox_bin(), "--kill", label});
    EXPECT_EQ(killed.status, 0) << killed.err;
  });
  EXPECT_EQ(lean.status, 128 + SIGKILL) << lean.err;
  EXPECT_EQ(lean.out, "") << "the program ran on after --kill";
  EXPECT_EQ(lean.err, "sandbox: the sandbox was killed\n") << "the cold path's words after --kill";
  EXPECT_TRUE(attack::processes_with(token).empty());
  ASSERT_FALSE(label.empty());
  EXPECT_TRUE(attack::wait_for([&] { return run({sandbox_bin(), "--list"}).out.find(label) == std::string::npos; }, 5))
      << "the label stays reserved after the sandbox ended";
}

// DESIGN §14's guarantee through the lean client: when `sandbox` returns,
// nothing of the sandbox runs. Control (pool_attack_test.cc's): unconfined,
// such daemons outlive the command.
TEST(PoolLeanAttack, NothingOfTheSandboxRunsOnceTheStatusIsBack) {
  Service service;
  const std::string token = attack::unique_sleep_argument();
  const std::string daemons = "for i in 1 2 3 4; do setsid sh -c 'trap \"\" HUP TERM INT; exec sleep " + token +
                              "' </dev/null >/dev/null 2>&1 & done; sleep 0.3; exit 5";
  for (int i = 0; i < 5; ++i) {
    const auto lean = run_lean(service.pooled({"sh", "-c", daemons}));
    const auto left = attack::processes_with(token);  // the instant the status is back
    EXPECT_EQ(lean.status, 5) << lean.err;
    EXPECT_TRUE(left.empty()) << left.size() << " daemons still ran when the status came back (run " << i << ")";
    attack::kill_all_with(token);
    for (int j = 0; j < 200 && !service.warm(2); ++j) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(lean_job_in(service.log(), 5, "sh")) << service.log();
}

// The lean client sends no policy: the service looks at the profile files.
// A user who takes a grant out of their default profile must not get a
// warm sandbox made with the old one. Control: before the change the grant
// is there, through the same lean path.
TEST(PoolLeanAttack, ADefaultProfileChangedOnDiskIsNotServedStale) {
  const GrantingProfile user;
  const std::string& secret = user.secret;
  Service service({"env", "XDG_CONFIG_HOME=" + user.config.path()});
  auto client = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"env", "XDG_CONFIG_HOME=" + user.config.path()};
    for (const auto& word : service.pooled(args)) argv.push_back(word);
    return argv;
  };
  const auto granted = run_lean(client({"cat", secret}));
  EXPECT_EQ(granted.out, "the secret\n") << "control: the profile's grant is served\n" << granted.err << service.log();
  EXPECT_TRUE(lean_job_in(service.log(), 1, "cat")) << service.log();
  user.write(false);
  const auto taken_back = run_lean(client({"cat", secret}));
  EXPECT_NE(taken_back.status, 0);
  EXPECT_EQ(taken_back.out, "") << "a warm sandbox of the old profile served the job";
  EXPECT_NE(service.log().find("the default profile changed"), std::string::npos) << service.log();
}

// A default profile broken on disk is not replaced by the one the service
// loaded before: the lean job is declined and the full client says what is
// wrong, as without a service. Control: before the change, the grant.
TEST(PoolLeanAttack, ADefaultProfileBrokenOnDiskIsNotServedStale) {
  const GrantingProfile user;
  Service service({"env", "XDG_CONFIG_HOME=" + user.config.path()});
  auto client = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"env", "XDG_CONFIG_HOME=" + user.config.path()};
    for (const auto& word : service.pooled(args)) argv.push_back(word);
    return argv;
  };
  EXPECT_EQ(run_lean(client({"cat", user.secret})).out, "the secret\n") << "control: the grant is served";
  std::ofstream(user.profiles + "/default.toml", std::ios::trunc) << "this is = not [ a profile\n";
  const auto broken = run_lean(client({"cat", user.secret}));
  EXPECT_EQ(broken.status, 125) << broken.err;
  EXPECT_EQ(broken.out, "") << "the old profile served a job while the new one does not load";
  EXPECT_NE(broken.err.find("default.toml"), std::string::npos) << broken.err;
  EXPECT_NE(service.log().find("cold: lean client: the default profile does not load"), std::string::npos)
      << service.log();
}

// A client whose XDG_CONFIG_HOME leads to other profiles than the
// service's would load another default profile: its lean job is declined
// and the full client decides. Control: the service's own directory gets
// the service's grant.
TEST(PoolLeanAttack, AClientWhoseProfilesAreElsewhereIsNotServedTheServices) {
  const GrantingProfile user;
  const std::string& secret = user.secret;
  TempDir other;
  Service service({"env", "XDG_CONFIG_HOME=" + user.config.path()});
  auto client = [&](const std::string& config_home, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"env", "XDG_CONFIG_HOME=" + config_home, "XDG_RUNTIME_DIR=" + service.runtime(),
                                     sandbox_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  };
  const auto own = run_lean(client(user.config.path(), {"cat", secret}));
  EXPECT_EQ(own.out, "the secret\n") << "control: the service's own profiles\n" << own.err << service.log();
  const auto elsewhere = run_lean(client(other.path(), {"cat", secret}));
  EXPECT_NE(elsewhere.status, 0);
  EXPECT_EQ(elsewhere.out, "") << "the service's profile served a client whose own default has no such grant";
  EXPECT_NE(service.log().find("cold: lean client: the client's profiles are elsewhere"), std::string::npos)
      << service.log();
}

}  // namespace
