// --explain and --learn (DESIGN §12, issue 14), on the real binary, as root
// and as uid 65534: the acceptance program's six denials and nothing else,
// the rerun and the learned profile, the completeness matrix, and the
// failure modes (a refused attach exits 125; no tracer is ENOSYS).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "attacks/support.h"
#include "report_schema.h"
#include "support/run.h"

using namespace testing_support;

namespace {

// A TCP listener on the host's 127.0.0.1, on a free port.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("listener");
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { ::close(fd_); }
  unsigned port() const { return port_; }

 private:
  int fd_ = -1;
  unsigned port_ = 0;
};

// A unix stream listener of the host's, on a path or abstract (@name).
class UnixListener {
 public:
  UnixListener(const std::string& name, bool abstract) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::size_t offset = abstract ? 1 : 0;
    std::memcpy(addr.sun_path + offset, name.data(), name.size());
    const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + offset + name.size() + (abstract ? 0 : 1));
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), size) != 0 || ::listen(fd_, 16) != 0) {
      throw std::runtime_error("unix listener");
    }
    if (!abstract) ::chmod(name.c_str(), 0777);
  }
  ~UnixListener() { ::close(fd_); }
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;

 private:
  int fd_ = -1;
};

std::vector<std::string> lines_with(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  }
  return out;
}

// The runs here ask for --explain themselves.
std::vector<std::string> sandbox_explained(std::vector<std::string> args) {
  args.insert(args.begin(), sandbox_bin());
  return args;
}

class Explain : public ::testing::Test {
 protected:
  TempDir dir_{true};
  Listener listener_;
  std::string data_ = dir_.mkdir("data");
  std::string out_ = dir_.mkdir("out", 0777);
  std::string bin_ = dir_.mkdir("bin");
  std::string helper_ = bin_ + "/helper";
  std::string port_ = std::to_string(listener_.port());

  void SetUp() override {
    for (const char* name : {"a.csv", "b.csv", "c.csv"}) dir_.write(std::string("data/") + name, "1,2\n");
    std::filesystem::copy_file("/bin/true", helper_);
    ::chmod(helper_.c_str(), 0755);
  }
  std::vector<std::string> app() const { return {probe("explain_app"), data_, out_, helper_, port_}; }
  std::vector<std::string> expected_lines() const {
    return {
        "sandbox: denied: read " + data_ + "/a.csv (exists outside, not in the view) -> --ro " + data_ + "/a.csv",
        "sandbox: denied: read " + data_ + "/b.csv (exists outside, not in the view) -> --ro " + data_ + "/b.csv",
        "sandbox: denied: read " + data_ + "/c.csv (exists outside, not in the view) -> --ro " + data_ + "/c.csv",
        "sandbox: denied: create " + out_ + "/result.txt (" + out_ + " exists outside, not in the view) -> --rw " + out_,
        "sandbox: denied: exec " + helper_ + " (exists outside, not in the view) -> --exec " + helper_,
        "sandbox: denied: connect tcp 127.0.0.1:" + port_ +
            " (the host listens there; the sandbox has its own loopback) -> --net host --allow-tcp " + port_,
    };
  }
};

TEST_F(Explain, TheAcceptanceProgramGetsExactlyItsSixDenials) {
  auto args = app();
  args.insert(args.begin(), "--explain");
  const auto r = run(sandbox_explained(args));
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_EQ(lines_with(r.err, "sandbox: denied: "), expected_lines()) << r.err;
  const auto summary = lines_with(r.err, "sandbox: explain: 6 denials");
  ASSERT_EQ(summary.size(), 1U) << r.err;
  EXPECT_NE(summary[0].find("6 denials; to allow them: sandbox --ro " + data_ + "/a.csv"), std::string::npos)
      << summary[0];
  EXPECT_NE(summary[0].find("--net host --allow-tcp " + port_ + " " + probe("explain_app")), std::string::npos)
      << summary[0];

  // Rerun with those options: it works, and --explain has nothing to say.
  std::vector<std::string> granted = {"--explain", "--ro", data_ + "/a.csv", "--ro", data_ + "/b.csv",
                                      "--ro", data_ + "/c.csv", "--rw", out_, "--exec", helper_,
                                      "--net", "host", "--allow-tcp", port_};
  for (const auto& a : app()) granted.push_back(a);
  const auto again = run(sandbox_explained(granted));
  EXPECT_EQ(again.status, 0) << again.out << again.err;
  EXPECT_TRUE(lines_with(again.err, "sandbox: denied: ").empty()) << again.err;
  for (const auto& line : lines_with(again.err, "sandbox: explain: ")) {  // the working directory may be said
    EXPECT_NE(line.find("sandbox: explain: the working directory "), std::string::npos) << again.err;
  }
}

// git, ls and make use the working directory without naming it: under
// --explain the sandbox says that it is not in the view and where the program
// starts instead. Control: without --explain, a command that names nothing
// in it stays quiet (cat /etc/shadow | sandbox wc -l, run from anywhere).
TEST_F(Explain, AWorkingDirectoryOutsideTheViewIsSaid) {
  const std::string cwd = dir_.mkdir("somewhere");
  ::chmod(dir_.path().c_str(), 0755);
  ::chmod(cwd.c_str(), 0755);
  const std::string notice = "sandbox: explain: the working directory " + cwd + " is not inside the sandbox";
  const auto explained = run({"sh", "-c", "cd \"$0\" && exec \"$1\" --explain ls", cwd, sandbox_bin()});
  EXPECT_NE(explained.err.find(notice), std::string::npos) << explained.err;
  EXPECT_NE(explained.err.find("(grant it with --ro . or --rw .)"), std::string::npos) << explained.err;
  const auto quiet = run({"sh", "-c", "cd \"$0\" && exec \"$1\" ls", cwd, sandbox_bin()});
  EXPECT_EQ(quiet.err.find(notice), std::string::npos) << quiet.err;
  const auto granted = run({"sh", "-c", "cd \"$0\" && exec \"$1\" --explain --ro . ls", cwd, sandbox_bin()});
  EXPECT_EQ(granted.status, 0) << granted.err;
  EXPECT_EQ(granted.err.find(notice), std::string::npos) << granted.err;
}

// `sandbox --learn P make` in a project directory that is not granted: make
// starts in $HOME and finds no Makefile there. The denials are the project
// directory's (what it meant by "Makefile" and "out.txt"), so --learn learns
// that directory, and with the profile make builds. Before, it learned -M,
// "converged" and the program still failed.
TEST_F(Explain, LearnInAProjectDirectoryThatIsNotGrantedLearnsThatDirectory) {
  const std::string project = dir_.mkdir("project");
  dir_.write("project/Makefile", "all: out.txt\nout.txt: in.txt\n\tcp in.txt out.txt\n");
  dir_.write("project/in.txt", "data\n");
  const std::string profile = dir_.path() + "/make.toml";
  const auto in_project = [&](const std::string& args) {
    return run({"sh", "-c", "cd \"$0\" && exec $1 " + args, project, sandbox_bin()});
  };
  const auto explained = in_project("--explain make");
  EXPECT_NE(explained.status, 0);
  EXPECT_NE(explained.err.find("to allow them: sandbox --ro " + project + " make"), std::string::npos)
      << explained.err;
  const auto learned = in_project("--learn " + profile + " make");
  EXPECT_EQ(learned.status, 0) << learned.err;
  const std::string text = read_file(profile);
  EXPECT_NE(text.find("rw = [\"" + project + "\"]"), std::string::npos) << text;
  EXPECT_EQ(text.find("ro = ["), std::string::npos) << text;  // rw reads too: not written twice
  EXPECT_EQ(text.find("mount = true"), std::string::npos) << text;
  ::unlink((project + "/out.txt").c_str());
  const auto built = in_project("-t " + profile + " make");
  EXPECT_EQ(built.status, 0) << built.err;
  EXPECT_EQ(read_file(project + "/out.txt"), "data\n");
}

// Without --allow-net/--deny-net on the command line the grants keep the
// order they were found in: the network first, then its rule. (No packet
// leaves: the sandbox's network namespace has no route.)
TEST_F(Explain, WithoutRulesGivenTheSummaryKeepsTheGrantsInOrder) {
  const auto r = run(sandbox_explained({"--explain", probe("explain_matrix"), "tcp4:198.51.100.9:80"}));
  EXPECT_NE(r.err.find("to allow them: sandbox --net filtered --allow-net 198.51.100.9/32:80 " +
                       probe("explain_matrix")),
            std::string::npos)
      << r.err;
}

TEST_F(Explain, LearnWritesAProfileWithWhichTheProgramRunsAndNothingIsDenied) {
  const std::string profile = dir_.path() + "/p.toml";
  auto args = app();
  args.insert(args.begin(), {"--learn", profile});
  const auto r = run(sandbox_explained(args));
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("ran 2 times"), std::string::npos) << r.err;
  const std::string text = read_file(profile);
  EXPECT_NE(text.find("include-profiles = [\"default\"]"), std::string::npos) << text;
  EXPECT_NE(text.find("allow-tcp = [\"" + port_ + "\"]"), std::string::npos) << text;
  ::unlink((out_ + "/result.txt").c_str());
  auto with = app();
  with.insert(with.begin(), {"-t", profile, "--explain"});
  const auto again = run(sandbox_explained(with));
  EXPECT_EQ(again.status, 0) << again.out << again.err << text;
  EXPECT_TRUE(lines_with(again.err, "sandbox: denied: ").empty()) << again.err;
  // Learning again merges: nothing new, the same grants.
  ::unlink((out_ + "/result.txt").c_str());
  const auto merged = run(sandbox_explained(args));
  EXPECT_EQ(merged.status, 0) << merged.err;
  EXPECT_NE(read_file(profile).find("exec = [\"" + helper_ + "\"]"), std::string::npos) << read_file(profile);
}

// Every failing call that a grant explains has exactly one record, and
// every record matches a failing call of the probe. `unexplained`: objects
// whose calls fail for a reason no grant or sandbox option is behind (the
// value says why, and which errno they get); they must have no record.
void expect_complete(const RunResult& r, const std::map<std::string, std::string>& unexplained = {}) {
  std::vector<std::string> failing;
  for (const auto& line : lines_with(r.out, "{\"object\": ")) {
    if (line.find("\"errno\": null") != std::string::npos) continue;
    if (line.find("/missing\"") != std::string::npos) continue;  // not on the host either: no grant explains it
    const std::size_t start = std::string("{\"object\": \"").size();
    const std::string object = line.substr(start, line.find('"', start) - start);
    if (const auto it = unexplained.find(object); it != unexplained.end()) {
      const std::string errno_name = it->second.substr(0, it->second.find(':'));
      EXPECT_NE(line.find("\"errno\": \"" + errno_name + "\""), std::string::npos) << line << " (" << it->second << ")";
      continue;
    }
    failing.push_back(object);
  }
  // One record per distinct (operation, object) (issue 14 item 3): the
  // same call failing twice is one record, counted in --report. A second
  // record of one object is an extra.
  std::vector<std::string> recorded;
  for (const auto& line : lines_with(r.err, "{\"pid\":")) {
    for (const char* key : {"\"path\":\"", "\"address\":\""}) {
      const std::size_t at = line.find(key);
      if (at == std::string::npos) continue;
      const std::size_t start = at + std::strlen(key);
      std::string object = line.substr(start, line.find('"', start) - start);
      recorded.push_back(object);
    }
  }
  std::sort(failing.begin(), failing.end());
  failing.erase(std::unique(failing.begin(), failing.end()), failing.end());
  std::sort(recorded.begin(), recorded.end());
  EXPECT_EQ(recorded, failing) << "probe:\n" << r.out << "records:\n" << r.err;
}

TEST_F(Explain, CompletenessEveryFailingCallHasOneRecordAndNoRecordIsExtra) {
  const std::string ro = dir_.mkdir("ro");
  const std::string file = dir_.write("ro/file", "x\n");
  const std::string tool = dir_.write("ro/tool", "#!/bin/sh\n", 0755);
  const std::string hidden = dir_.write("hidden.txt", "secret\n");
  const auto r = run(sandbox_explained(
      {"--explain=json", "--ro", ro, probe("explain_matrix"), "read:" + hidden, "write:" + file,
       "create:" + ro + "/new", "create:/tmp/new", "exec:" + tool, "read:/etc/shadow",
       "tcp:" + port_, "kill1", "unshare", "read:/etc/hostname", "read:" + dir_.path() + "/missing"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("\"errno\":\"EROFS\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"errno\":\"EACCES\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"errno\":\"EPERM\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"errno\":\"ENOENT\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"errno\":\"ECONNREFUSED\""), std::string::npos) << r.err;
  expect_complete(r);
}

TEST_F(Explain, CompletenessOnTheHostNetwork) {
  const auto r = run(sandbox_explained({"--explain=json", "--net", "host", "--allow-tcp", "1",
                                        probe("explain_matrix"), "tcp:" + port_, "udp"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("\"option\":\"--allow-tcp\",\"value\":\"" + port_ + "\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"option\":\"--allow-udp\""), std::string::npos) << r.err;
  expect_complete(r);
}

// Unix sockets of the host: a path outside the view is --ro SOCKET (and
// with it the connect works); an abstract name the host listens on is
// scoped to the sandbox by Landlock (--net=host: EPERM) or not there at all
// (its own network namespace: ECONNREFUSED), and no option grants it. A name
// nobody listens on is refused everywhere, and that is no denial.
TEST_F(Explain, CompletenessForUnixSockets) {
  const std::string path = dir_.path() + "/app.sock";
  const UnixListener on_path(path, false);
  const std::string name = "sandbox-explain-" + std::to_string(::getpid());
  const UnixListener abstract(name, true);
  const std::map<std::string, std::string> nobody_there = {
      {"unix @" + name + "-nobody", "ECONNREFUSED: nobody listens on that name, inside or outside"}};
  for (const char* net : {"none", "host"}) {
    SCOPED_TRACE(std::string("--net ") + net);
    const auto r = run(sandbox_explained({"--explain=json", "--net", net, probe("explain_matrix"), "unix:" + path,
                                          "abstract:" + name, "abstract:" + name + "-nobody"}));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("{\"object\": \"unix " + path + "\", \"errno\": \"ENOENT\"}"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(std::string("{\"object\": \"unix @") + name + "\", \"errno\": \"" +
                         (std::string(net) == "host" ? "EPERM" : "ECONNREFUSED") + "\"}"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find("\"address\":\"unix " + path + "\",\"errno\":\"ENOENT\""), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("\"grant\":{\"option\":\"--ro\",\"value\":\"" + path + "\"}"), std::string::npos) << r.err;
    const auto records = lines_with(r.err, "{\"pid\":");
    const auto abstract_record = std::find_if(records.begin(), records.end(), [&](const std::string& line) {
      return line.find("\"address\":\"unix @" + name + "\"") != std::string::npos;
    });
    ASSERT_NE(abstract_record, records.end()) << r.err;
    EXPECT_NE(abstract_record->find("no option grants this"), std::string::npos) << *abstract_record;
    EXPECT_NE(abstract_record->find("\"grant\":null"), std::string::npos) << *abstract_record;
    expect_complete(r, nobody_there);
  }
  // The grant it named is the right one.
  const auto granted = run(sandbox_explained({"--explain=json", "--ro", path, probe("explain_matrix"), "unix:" + path}));
  EXPECT_EQ(granted.out, "{\"object\": \"unix " + path + "\", \"errno\": null}\n") << granted.err;
  EXPECT_TRUE(lines_with(granted.err, "{\"pid\":").empty()) << granted.err;
}

// EXDEV is not a denial: each grant is a mount of its own, and a rename
// across two is answered EXDEV as across any two mounts; callers copy
// instead (mv does, and works). The only option that would change it is a
// grant of a common parent, which explain never suggests on its own. What
// the copy then meets (EROFS under a --ro grant) has its own record.
TEST_F(Explain, ARenameAcrossTwoGrantsIsNotADenial) {
  const std::string a = dir_.mkdir("a", 0777);
  const std::string b = dir_.mkdir("b", 0777);
  const std::string ro = dir_.mkdir("ro");
  dir_.write("a/f", "x\n");
  dir_.write("a/g", "x\n");
  const auto r = run(sandbox_explained({"--explain=json", "--rw", a, "--rw", b, "--ro", ro, probe("explain_matrix"),
                                        "rename:" + a + "/f:" + b + "/f", "create:" + ro + "/f"}));
  EXPECT_EQ(r.status, 0) << r.err;
  expect_complete(r, {{a + "/f", "EXDEV: two mounts; the caller copies instead"}});
  EXPECT_NE(r.err.find("\"errno\":\"EROFS\""), std::string::npos) << r.err;  // the control: the copy's denial
  const auto mv = run(sandbox_explained({"--explain=json", "--rw", a, "--rw", b, "mv", a + "/g", b + "/g"}));
  EXPECT_EQ(mv.status, 0) << mv.err;
  EXPECT_TRUE(lines_with(mv.err, "{\"pid\":").empty()) << mv.err;
  EXPECT_TRUE(std::filesystem::exists(b + "/g"));
}

TEST_F(Explain, TheDenyListStillAnswersEpermUnderTheTracer) {
  const auto r = run(sandbox_explained({"--explain", probe("syscall_probe"), "unshare-user"}));
  EXPECT_EQ(r.out, "unshare-user: EPERM\n") << r.err;
  EXPECT_NE(r.err.find("sandbox: denied: syscall unshare"), std::string::npos) << r.err;
}

TEST_F(Explain, AnAttachThatIsRefusedExits125WithTheCause) {
  // The supervisor may not ptrace (as under kernel.yama.ptrace_scope=3).
  const auto r = run({probe("no_ptrace"), sandbox_bin(), "--explain", "true"});
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find("cannot trace the sandbox (ptrace: EPERM)"), std::string::npos) << r.err;
  // Without --explain the same supervisor runs the program.
  EXPECT_EQ(run({probe("no_ptrace"), sandbox_bin(), "true"}).status, 0);
}

TEST_F(Explain, IsRefusedWithAllowPtrace) {
  const auto r = run(sandbox_explained({"--explain", "--allow-ptrace", "true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("one tracer"), std::string::npos) << r.err;
}

TEST_F(Explain, ExitStatusSignalsAndOutputAreUnchanged) {
  EXPECT_EQ(run(sandbox_explained({"--explain", "sh", "-c", "exit 7"})).status, 7);
  EXPECT_EQ(run(sandbox_explained({"--explain", "sh", "-c", "kill -TERM $$"})).status, 128 + 15);
  const auto r = run(sandbox_explained({"--explain", "sh", "-c", "echo hi; sh -c 'echo child' & wait"}));
  EXPECT_EQ(r.out, "hi\nchild\n");
  EXPECT_EQ(run(sandbox_explained({"--explain", "--timeout", "1", "sleep", "30"})).status, 124);
}

TEST_F(Explain, JsonRecordsCarryTheIssuesFields) {
  const std::string hidden = dir_.write("h.txt", "x\n");
  const auto r = run(sandbox_explained({"--explain=json", "cat", hidden}));
  EXPECT_NE(r.status, 0);
  // The record comes before the program's own words about it.
  EXPECT_EQ(r.err.rfind("{\"pid\":", 0), 0U) << r.err;
  const auto records = lines_with(r.err, "{\"pid\":");
  ASSERT_EQ(records.size(), 1U) << r.err;
  for (const char* field : {"\"comm\":\"cat\"", "\"syscall\":\"openat\"", "\"op\":\"read\"", "\"path\":\"",
                            "\"errno\":\"ENOENT\"", "\"cause\":", "\"grant\":{\"option\":\"--ro\"",
                            "\"sensitive\":false", "\"count\":1"}) {
    EXPECT_NE(records[0].find(field), std::string::npos) << field << " in " << records[0];
  }
}

TEST_F(Explain, ForkRefusedByThePidsLimitNamesPids) {
  const auto r = run(sandbox_explained(
      {"--explain", "-q", "--pids", "4", "sh", "-c", "for i in 1 2 3 4 5 6; do sleep 0.2 & done; wait"}));
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(lines_with(r.err, "sandbox: denied: "),
            std::vector<std::string>{
                "sandbox: denied: fork a new process (the process limit (--pids 4) is reached) -> --pids 8"})
      << r.err;
  EXPECT_NE(r.err.find("to allow them: sandbox -q --pids 8 sh -c"), std::string::npos) << r.err;
}

TEST_F(Explain, LearnWritesSecretsAndProbesCommentedOut) {
  dir_.mkdir(".ssh", 0755);
  const std::string key = dir_.write(".ssh/id_ed25519", "not a key\n");
  const std::string looked = dir_.write("looked.conf", "x\n");
  const std::string needed = dir_.write("needed.txt", "x\n");
  const std::string profile = dir_.path() + "/p.toml";
  const auto r = run(sandbox_explained({"--learn", profile, "sh", "-c",
                                        "test -e " + looked + "; cat " + key + " " + needed + " >/dev/null"}));
  const std::string text = read_file(profile);
  EXPECT_NE(text.find("\nro = [\"" + needed + "\"]\n"), std::string::npos) << text << r.err;
  EXPECT_NE(text.find("\n# ro = [\"" + key + "\"]  # a secret"), std::string::npos) << text;
  EXPECT_NE(text.find("\n# ro = [\"" + looked + "\"]  # a probe"), std::string::npos) << text;
}

TEST_F(Explain, LearnThatDoesNotConvergeExits125) {
  const std::string profile = dir_.path() + "/never.toml";
  auto args = app();
  args.insert(args.begin(), {"--learn", profile, "--learn-runs", "1"});
  const auto r = run(sandbox_explained(args));
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find("still denied something new after 1 runs"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(profile));
}

TEST_F(Explain, TheReportHoldsTheDenialsAndMatchesItsSchema) {
  const std::string report = dir_.path() + "/run.json";
  auto args = app();
  args.insert(args.begin(), {"--explain", "--report", report});
  EXPECT_EQ(run(sandbox_explained(args)).status, 1);
  const std::string schema = dir_.write("schema.json", kReportSchema);
  const auto check = run({"/usr/bin/python3", "-c",
                          "import json, sys, jsonschema\n"
                          "r = json.load(open(sys.argv[2]))\n"
                          "jsonschema.validate(r, json.load(open(sys.argv[1])))\n"
                          "print(r['version'], len(r['denials']), r['denials'][0]['grant']['option'])\n",
                          schema, report});
  if (check.err.find("No module named 'jsonschema'") != std::string::npos) GTEST_SKIP() << "no python3-jsonschema";
  EXPECT_EQ(check.out, "2 6 --ro\n") << check.err << read_file(report);
}

// A failed run on a terminal, without --explain: one line says what shows
// the denials (script(1) gives the run a terminal).
TEST_F(Explain, AFailedRunOnATerminalHintsAtExplain) {
  const auto r = run({"script", "-qec", sandbox_bin() + " sh -c 'exit 3'", "/dev/null"});
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("sandbox --explain shows what it was denied"), std::string::npos) << r.out;
  const auto ok = run({"script", "-qec", sandbox_bin() + " true", "/dev/null"});
  EXPECT_EQ(ok.out.find("--explain"), std::string::npos) << ok.out;
  // Not on a pipe (a filter's stderr stays the program's own).
  const auto piped = run(sandbox_explained({"sh", "-c", "exit 3"}));
  EXPECT_EQ(piped.err.find("--explain"), std::string::npos) << piped.err;
}

// A killed supervisor still takes the traced tree with it: init's
// PDEATHSIG, and the tracer's PTRACE_O_EXITKILL for every traced process.
TEST_F(Explain, AKilledSupervisorTakesTheTracedTreeWithIt) {
  const std::string token = attack::unique_sleep_argument();
  const pid_t supervisor = attack::start(sandbox_explained(
      {"--explain", "sh", "-c", "setsid sh -c 'sleep " + token + " &'; sleep " + token}));
  ASSERT_TRUE(attack::wait_for([&] { return attack::processes_with(token).size() >= 2; }, 5));
  ::kill(supervisor, SIGKILL);
  EXPECT_EQ(attack::finish(supervisor), 128 + SIGKILL);
  EXPECT_TRUE(attack::wait_for([&] { return attack::processes_with(token).empty(); }, 5));
  attack::kill_all_with(token);
}

// --best-effort where user namespaces are refused: the same tracer, on a
// sandbox without namespaces.
TEST_F(Explain, WorksWithoutNamespacesUnderBestEffort) {
  const std::string hidden = dir_.write("h.txt", "x\n");
  const auto r = run({"unshare", "-Ur", "sh", "-c",
                      "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$0\" \"$@\"", sandbox_bin(),
                      "--best-effort", "-q", "--explain", "sh", "-c", "cat " + hidden + "; exit 3"});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("sandbox: denied: read " + hidden + " ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("-> --ro " + hidden + "\n"), std::string::npos) << r.err;
}

// --net=filtered, in the closed test network of the net tests
// (tests/net/lab.sh: network namespaces and a test host on a veth pair;
// never the machine's interfaces). The record comes from the supervisor's
// own rule table: a reset connect fails with ECONNREFUSED, a datagram to a
// screened address fails at its send with EPERM (the output rule drops it),
// and connect()+send() of a UDP socket is recorded at the connect, which
// names the destination. A refusal by the host itself, where the rules
// allow, is no denial. Only root can make the lab; it runs the sandbox as
// Runs `scenario` in tests/net/lab.sh (a network namespace of its own with
// test hosts on veth pairs, never the machine's interfaces), with SB the
// sandbox (as uid 65534 when `nobody`), PROBE net_probe and `env` added.
RunResult in_net_lab(bool nobody, const std::vector<std::string>& env, const std::string& scenario) {
  std::string lab = __FILE__;  // .../tests/integration/explain_test.cc
  lab = lab.substr(0, lab.rfind("/integration/")) + "/net/lab.sh";
  if (const char* given = std::getenv("SANDBOX_NET_LAB"); given != nullptr && *given != '\0') lab = given;
  const std::string as = nobody ? "setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME=/nonexistent " : "";
  std::vector<std::string> argv{"env", "SB=" + as + sandbox_bin()};
  argv.insert(argv.end(), env.begin(), env.end());
  for (const char* word : {"unshare", "-nm", "--propagation", "private", "bash"}) argv.emplace_back(word);
  argv.push_back(lab);
  argv.push_back(probe("net_probe"));
  argv.push_back(scenario);
  RunOptions options;
  options.timeout_seconds = 90;
  return run(argv, options);
}

// root and as uid 65534 (setpriv inside the lab), as net_test.cc does.
TEST_F(Explain, CompletenessOnTheFilteredNetwork) {
  if (!is_root()) GTEST_SKIP() << "needs a lab namespace made by root; the root run covers root and uid 65534";
  const std::string matrix = probe("explain_matrix");
  for (const bool nobody : {false, true}) {
    SCOPED_TRACE(nobody ? "uid 65534" : "root");
    const auto staged = run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", "sh", "-c",
                             "test -x \"$0\" && test -x \"$1\"", sandbox_bin(), matrix});
    if (nobody && staged.status != 0) {
      ADD_FAILURE() << "uid 65534 cannot run " << sandbox_bin() << " or " << matrix
                    << ": set SANDBOX_BIN and SANDBOX_PROBE_DIR to a staged copy (scripts/stage.sh)";
      continue;
    }
    const std::string report = dir_.path() + (nobody ? "/filtered-65534.json" : "/filtered-root.json");
    const std::string scenario =
        "$SB --explain=json --report " + report + " --net=filtered --net-default=allow --deny-net 203.0.113.0/24 "
        "--deny-net 198.51.100.2/32:8081 $MATRIX "
        "tcp4:203.0.113.2:8080 udpsendto:203.0.113.2:5353 udpsendmsg:203.0.113.2:5354 "
        "udpconnect:203.0.113.2:5355 tcp4:198.51.100.2:8081 udpsendto:203.0.113.2:5353 "
        "tcp4:198.51.100.2:8080 udpsendto:198.51.100.2:5353 udpconnect:198.51.100.2:5353 tcp4:198.51.100.2:7 "
        "tcp4nb:203.0.113.2:8082 tcp4nb:198.51.100.2:8080 "
        "thread:udpconnect:203.0.113.2:5356 thread:udpsendto:203.0.113.2:5357 thread:tcp4:203.0.113.2:8083; "
        "echo sandbox=$?";
    const auto r = in_net_lab(nobody, {"MATRIX=" + matrix}, scenario);
    ASSERT_NE(r.out.find("scenario=0"), std::string::npos) << r.out << r.err;
    EXPECT_NE(r.out.find("sandbox=0"), std::string::npos) << r.out << r.err;
    // Each screened destination, by the call that named it, and the rule
    // that would have to come before the matching deny.
    for (const auto& [call, rule] : std::vector<std::pair<std::string, std::string>>{
             {"connect", "203.0.113.2/32:8080"}, {"sendto", "203.0.113.2/32:5353"},
             {"sendmsg", "203.0.113.2/32:5354"}, {"connect", "203.0.113.2/32:5355"},
             {"connect", "198.51.100.2/32:8081"}, {"connect", "203.0.113.2/32:8082"},
             // the same calls from a second thread (a resolver's, an event loop's)
             {"connect", "203.0.113.2/32:5356"}, {"sendto", "203.0.113.2/32:5357"},
             {"connect", "203.0.113.2/32:8083"}}) {
      const auto records = lines_with(r.err, "{\"pid\":");
      EXPECT_EQ(std::count_if(records.begin(), records.end(),
                              [&](const std::string& line) {
                                return line.find("\"syscall\":\"" + call + "\"") != std::string::npos &&
                                       line.find("\"grant\":{\"option\":\"--allow-net\",\"value\":\"" + rule +
                                                 "\"}") != std::string::npos;
                              }),
                1)
          << call << " " << rule << "\n" << r.err;
    }
    // The same destination twice: one record, counted twice.
    const auto check = run({"/usr/bin/python3", "-c",
                            "import json, sys\n"
                            "r = json.load(open(sys.argv[1]))\n"
                            "print([d['count'] for d in r['denials'] if d.get('address') == 'udp 203.0.113.2:5353'])\n",
                            report});
    EXPECT_EQ(check.out, "[2]\n") << check.err << read_file(report);
    // The screened datagrams never reached the test host; the allowed ones did.
    EXPECT_EQ(r.out.find("explain-udpsendto-203.0.113.2"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("explain-udpsendmsg-203.0.113.2"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("explain-udpconnect-203.0.113.2"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("explain-udpsendto-198.51.100.2:5353"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("explain-udpconnect-198.51.100.2:5353"), std::string::npos) << r.out;
    expect_complete(r, {{"tcp 198.51.100.2:7", "ECONNREFUSED: the rules allow it; the host itself has no listener"}});
  }
}

// Network rules match first to last: the command line of the summary, and
// what --learn adds, must put the granted --allow-net before the --deny-net
// that refused it, or the "fix" changes nothing. The probe's connect is
// non-blocking (EINPROGRESS, then the reset), as in curl or an event loop.
TEST_F(Explain, TheGrantedAllowNetComesBeforeTheDenyThatRefusedIt) {
  if (!is_root()) GTEST_SKIP() << "needs a lab namespace made by root; the root run covers root and uid 65534";
  for (const bool nobody : {false, true}) {
    SCOPED_TRACE(nobody ? "uid 65534" : "root");
    const std::string out = dir_.path() + (nobody ? "/order-65534" : "/order-root");
    ASSERT_EQ(::mkdir(out.c_str(), 0777), 0);
    ASSERT_EQ(::chmod(out.c_str(), 0777), 0);
    const std::string scenario =
        "D='--net=filtered --deny-net 203.0.113.0/24'; "
        "$SB --explain $D $PROBE tcp 203.0.113.2 8080 2>$OUT/explain.err; echo explain=$?; "
        "cat $OUT/explain.err; "
        "eval \"$SB $(sed -n 's/^sandbox: explain: .*to allow them: sandbox //p' $OUT/explain.err)\"; "
        "echo suggested=$?; "
        "$SB --learn $OUT/learned.toml $D $PROBE tcp 203.0.113.2 8080; echo learn=$?; "
        "$SB -t $OUT/learned.toml $D $PROBE tcp 203.0.113.2 8080; echo profile=$?";
    const auto r = in_net_lab(nobody, {"OUT=" + out}, scenario);
    ASSERT_NE(r.out.find("scenario=0"), std::string::npos) << r.out << r.err;
    EXPECT_NE(r.out.find("explain=111"), std::string::npos) << r.out << r.err;  // ECONNREFUSED: screened
    EXPECT_NE(r.out.find("the non-blocking connect sees ECONNREFUSED"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("to allow them: sandbox --net=filtered --allow-net 203.0.113.2/32:8080 --deny-net "
                         "203.0.113.0/24 "),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("suggested=0"), std::string::npos) << r.out << r.err;
    EXPECT_NE(r.out.find("learn=0"), std::string::npos) << r.out << r.err;
    EXPECT_NE(r.out.find("profile=0"), std::string::npos) << r.out << r.err;
  }
}

}  // namespace
