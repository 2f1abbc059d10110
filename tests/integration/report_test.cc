// --report FILE: one JSON object per run, on every exit path, validated
// against docs/report-schema.json (embedded at build time) with Python's
// jsonschema, as root and as uid 65534.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>

#include "report_schema.h"
#include "support/run.h"

using namespace testing_support;

namespace {

class Report : public ::testing::Test {
 protected:
  TempDir dir_{true};
  std::string schema_ = dir_.write("schema.json", kReportSchema);
  std::string path_ = dir_.path() + "/run.json";

  // Runs sandbox --report FILE ARGS; returns the report text (checked
  // against the schema).
  std::string run_with_report(std::vector<std::string> args, int expected_status) {
    args.insert(args.begin(), {"--report", path_});
    const auto r = run(sandbox(args));
    EXPECT_EQ(r.status, expected_status) << r.err;
    const std::string text = read_file(path_);
    EXPECT_FALSE(text.empty()) << "no report written; stderr: " << r.err;
    const auto check = run({"/usr/bin/python3", "-c",
                            "import json, sys, jsonschema\n"
                            "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))\n",
                            schema_, path_});
    EXPECT_EQ(check.status, 0) << check.err << "\nreport: " << text;
    // Written atomically: no temporary file is left beside it.
    EXPECT_EQ(run({"sh", "-c", "ls " + dir_.path() + " | grep -c tmp"}).out, "0\n");
    return text;
  }
};

bool has(const std::string& text, const std::string& piece) { return text.find(piece) != std::string::npos; }

}  // namespace

TEST_F(Report, NormalExit) {
  const auto j = run_with_report({"true"}, 0);
  EXPECT_TRUE(has(j, R"("outcome":"exited")")) << j;
  EXPECT_TRUE(has(j, R"("exit_code":0)")) << j;
  EXPECT_TRUE(has(j, R"("command":["true"])")) << j;
  EXPECT_TRUE(has(j, R"("network":"none")")) << j;
  EXPECT_TRUE(has(j, R"("label":"sandbox_t:s0:c)")) << j;
  EXPECT_TRUE(has(j, R"({"display":"0","mechanism":"setrlimit","name":"rlimit CORE","requested":false,"value":0.0})")) << j;
}

TEST_F(Report, NonZeroExit) {
  const auto j = run_with_report({"sh", "-c", "exit 7"}, 7);
  EXPECT_TRUE(has(j, R"("exit_code":7)")) << j;
  EXPECT_TRUE(has(j, R"("exit_status":7)")) << j;
}

TEST_F(Report, Signal) {
  const auto j = run_with_report({"sh", "-c", "kill -TERM $$"}, 128 + 15);
  EXPECT_TRUE(has(j, R"("outcome":"signaled")")) << j;
  EXPECT_TRUE(has(j, R"("signal":15,"signal_name":"SIGTERM")")) << j;
}

TEST_F(Report, Timeout) {
  const auto j = run_with_report({"--timeout", "1", "sleep", "30"}, 124);
  EXPECT_TRUE(has(j, R"("outcome":"timed_out")")) << j;
  EXPECT_TRUE(has(j, R"("timed_out":true)")) << j;
}

TEST_F(Report, OutOfMemory) {
  struct stat st {};
  const bool cgroup = is_root() && ::stat("/sys/fs/cgroup/memory/cgroup.procs", &st) == 0;
  const auto j = run_with_report({"--memory", "64M", probe("mem_hog"), "512"}, cgroup ? 137 : 12);
  if (cgroup) {
    EXPECT_TRUE(has(j, R"("outcome":"out_of_memory")")) << j;
    EXPECT_TRUE(has(j, R"("oom_killed":true)")) << j;
    EXPECT_TRUE(has(j, R"("mechanism":"cgroup v1 memory","name":"memory")")) << j;
    EXPECT_TRUE(has(j, R"("peak_memory_source":"cgroup v1 memory")")) << j;
  } else {
    EXPECT_TRUE(has(j, R"("oom_killed":false)")) << j;
    EXPECT_TRUE(has(j, R"("mechanism":"rlimit AS, per process","name":"memory")")) << j;
  }
}

TEST_F(Report, SetupFailureBeforeLaunch) {
  const auto j = run_with_report({"--ro", "/nonexistent/granted", "--pids", "5", "true"}, 125);
  EXPECT_TRUE(has(j, R"("outcome":"setup_failed")")) << j;
  EXPECT_TRUE(has(j, R"("label":null)")) << j;
  EXPECT_TRUE(has(j, R"("errno":"ENOENT")")) << j;
  EXPECT_TRUE(has(j, R"("mechanism":null,"name":"pids")")) << j;
}

TEST_F(Report, CommandNotFound) {
  const auto j = run_with_report({"no-such-command-here"}, 127);
  EXPECT_TRUE(has(j, R"("outcome":"not_found")")) << j;
}

TEST(ReportDestination, DashWritesToStandardError) {
  const auto r = run(sandbox({"--report", "-", "true"}));
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(has(r.err, R"("outcome":"exited")")) << r.err;
}

TEST(ReportDestination, UnwritableDirectoryFailsBeforeRunning) {
  const auto r = run(sandbox({"--report", "/nonexistent/dir/run.json", "sh", "-c", "echo ran"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(has(r.err, "--report /nonexistent/dir/run.json")) << r.err;
}
