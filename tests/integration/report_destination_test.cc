// --report never damages what it is pointed at (DESIGN §8, the report): a
// symlink stays a symlink (its target gets the report), a FIFO and
// /dev/stdout are written into, a directory is refused before the program
// runs; --report-fd N writes into a descriptor; --report-append FILE keeps
// one JSON line per run. Every report still validates against
// docs/report-schema.json.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>
#include <string>

#include "report_schema.h"
#include "support/run.h"

using namespace testing_support;

namespace {

bool has(const std::string& text, const std::string& piece) { return text.find(piece) != std::string::npos; }

// The report text validates against the schema (one object, or one per line).
void expect_valid(const TempDir& dir, const std::string& text) {
  const std::string schema = dir.write("schema.json", kReportSchema);
  const std::string copy = dir.write("check.jsonl", text);
  const auto check = run({"/usr/bin/python3", "-c",
                          "import json, sys, jsonschema\n"
                          "s = json.load(open(sys.argv[1]))\n"
                          "lines = [l for l in open(sys.argv[2]) if l.strip()]\n"
                          "assert lines, 'no report'\n"
                          "[jsonschema.validate(json.loads(l), s) for l in lines]\n",
                          schema, copy});
  EXPECT_EQ(check.status, 0) << check.err << "\nreport: " << text;
}

mode_t kind_of(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? (st.st_mode & S_IFMT) : 0;
}

}  // namespace

// A symlink link.json -> target.json used to become a regular file.
TEST(ReportDestination, SymlinkStaysASymlinkAndItsTargetIsReplaced) {
  TempDir dir;
  const std::string target = dir.write("target.json", "old\n");
  const std::string link = dir.path() + "/link.json";
  ASSERT_EQ(::symlink("target.json", link.c_str()), 0);
  const auto r = run(sandbox({"--report", link, "true"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(kind_of(link), S_IFLNK);
  EXPECT_EQ(kind_of(target), S_IFREG);
  const std::string text = read_file(target);
  EXPECT_TRUE(has(text, R"("outcome":"exited")")) << text;
  expect_valid(dir, text);
  EXPECT_EQ(run({"sh", "-c", "ls " + dir.path() + " | grep -c tmp"}).out, "0\n");
}

TEST(ReportDestination, DanglingSymlinkIsRefusedBeforeRunning) {
  TempDir dir;
  const std::string link = dir.path() + "/link.json";
  ASSERT_EQ(::symlink("missing/target.json", link.c_str()), 0);
  const auto r = run(sandbox({"--report", link, "sh", "-c", "echo ran"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(kind_of(link), S_IFLNK);
}

// A FIFO used to be renamed over, and its reader hung.
TEST(ReportDestination, FifoIsWrittenInto) {
  TempDir dir;
  const std::string fifo = dir.path() + "/report.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The reader is there before the run (opened without waiting for a
  // writer), so the report's open does not wait either.
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(reader, 0);
  const auto r = run(sandbox({"--report", fifo, "true"}));
  std::string received;
  char buf[4096];
  for (ssize_t n; (n = ::read(reader, buf, sizeof(buf))) > 0;) received.append(buf, static_cast<std::size_t>(n));
  ::close(reader);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(kind_of(fifo), S_IFIFO);
  EXPECT_TRUE(has(received, R"("outcome":"exited")")) << received;
  expect_valid(dir, received);
}

// /dev/stdout: as root, the report replaced the host's /dev/stdout symlink
// with a regular file. Tried in a mount namespace made here, with a /dev of
// its own (a tmpfs holding binds of the device nodes the view needs), never
// on the host's /dev.
TEST(ReportDestination, DevStdoutIsWrittenIntoNotReplaced) {
  if (!is_root()) GTEST_SKIP() << "needs a mount namespace with a /dev of its own (runs as root)";
  TempDir dir;
  const std::string script =
      "set -e\n"
      "mkdir \"$1/hostdev\"\n"
      "mount --bind /dev \"$1/hostdev\"\n"
      "mount -t tmpfs -o mode=0755 tmpfs /dev\n"
      "for d in null zero full random urandom tty; do touch /dev/$d; mount --bind \"$1/hostdev/$d\" /dev/$d; done\n"
      "ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin\n"
      "ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr\n"
      "\"$2\" --report /dev/stdout sh -c 'echo program' > \"$1/out\"\n"
      "test -L /dev/stdout && echo still-a-symlink\n";
  const auto r = run({"unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", dir.path(),
                      sandbox_bin()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "still-a-symlink\n") << r.err;
  const std::string out = read_file(dir.path() + "/out");
  // The program's output first, then the report at the same descriptor's
  // offset: nothing overwritten, nothing renamed.
  EXPECT_EQ(out.rfind("program\n{", 0), 0U) << out;
  EXPECT_TRUE(has(out, R"("outcome":"exited")")) << out;
  EXPECT_EQ(kind_of(dir.path() + "/out"), S_IFREG);
  expect_valid(dir, out.substr(out.find('{')));
}

TEST(ReportDestination, DirectoryIsRefusedBeforeRunning) {
  TempDir dir;
  for (const std::string& dest : {dir.path() + "/", dir.path(), dir.path() + "/missing/run.json"}) {
    const auto r = run(sandbox({"--report", dest, "sh", "-c", "echo ran"}));
    EXPECT_EQ(r.status, 125) << dest;
    EXPECT_TRUE(r.out.empty()) << dest << ": the program ran: " << r.out;
    EXPECT_TRUE(has(r.err, "sandbox: --report " + dest)) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_EQ(kind_of(dir.path()), S_IFDIR);
}

TEST(ReportDestination, DescriptorIsWrittenInto) {
  TempDir dir;
  const std::string out = dir.path() + "/fd3.json";
  const auto r = run({"sh", "-c", "\"$0\" --report-fd 3 true 3>\"$1\"", sandbox_bin(), out});
  EXPECT_EQ(r.status, 0) << r.err;
  const std::string text = read_file(out);
  EXPECT_TRUE(has(text, R"("outcome":"exited")")) << text;
  expect_valid(dir, text);
  const auto closed = run({"sh", "-c", "\"$0\" --report-fd 7 sh -c 'echo ran' 7<&-", sandbox_bin()});
  EXPECT_EQ(closed.status, 125);
  EXPECT_TRUE(closed.out.empty()) << closed.out;
  const auto read_only = run({"sh", "-c", "\"$0\" --report-fd 3 sh -c 'echo ran' 3</dev/null", sandbox_bin()});
  EXPECT_EQ(read_only.status, 125);
  EXPECT_TRUE(has(read_only.err, "not open for writing")) << read_only.err;
}

TEST(ReportDestination, AppendKeepsOneLinePerRun) {
  TempDir dir;
  const std::string log = dir.path() + "/runs.jsonl";
  const auto first = run(sandbox({"--report-append", log, "true"}));
  EXPECT_EQ(first.status, 0) << first.err;
  const auto second = run(sandbox({"--report-append", log, "sh", "-c", "exit 3"}));
  EXPECT_EQ(second.status, 3) << second.err;
  const std::string text = read_file(log);
  std::istringstream lines(text);
  std::string one, two, three;
  std::getline(lines, one);
  std::getline(lines, two);
  EXPECT_FALSE(std::getline(lines, three)) << text;
  EXPECT_TRUE(has(one, R"("exit_status":0)")) << one;
  EXPECT_TRUE(has(two, R"("exit_status":3)")) << two;
  expect_valid(dir, text);
  EXPECT_EQ(run(sandbox({"--report-append", dir.path(), "true"})).status, 125);  // a directory
}
