// The run report's JSON (src/report), built from records in memory.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sandbox/report.h"

using namespace sandbox;
using nlohmann::json;

namespace {

report::RunRecord record_for(std::vector<std::string> command) {
  Policy policy = Policy::default_profile();
  policy.limits.memory_bytes = 64ULL << 20;
  return report::begin(policy, command);
}

}  // namespace

TEST(ReportRender, ExitedRun) {
  auto record = record_for({"true"});
  record.label = "sandbox_t:s0:c1,c2";
  record.enforcement = {{"memory", 67108864.0, "64 MiB", "cgroup v1 memory", true}};
  Outcome outcome;
  outcome.code = 3;
  outcome.usage.wall_seconds = 0.5;
  outcome.usage.cpu_user_seconds = 0.25;
  outcome.usage.cpu_system_seconds = 0.125;
  outcome.usage.peak_memory_bytes = 4096;
  outcome.usage.peak_memory_source = "cgroup v1 memory";
  record.outcome = outcome;
  record.exit_status = 3;
  const json j = json::parse(report::render(record));
  EXPECT_EQ(j["outcome"], "exited");
  EXPECT_EQ(j["exit_code"], 3);
  EXPECT_EQ(j["exit_status"], 3);
  EXPECT_TRUE(j["signal"].is_null());
  EXPECT_EQ(j["cpu_seconds"], 0.375);
  EXPECT_EQ(j["peak_memory_bytes"], 4096);
  EXPECT_EQ(j["label"], "sandbox_t:s0:c1,c2");
  EXPECT_EQ(j["limits"][0]["mechanism"], "cgroup v1 memory");
  EXPECT_EQ(j["network"], "none");
  EXPECT_EQ(j["version"], 2);
}

TEST(ReportRender, OutOfMemoryAndSignal) {
  auto record = record_for({"hog"});
  Outcome outcome;
  outcome.kind = Outcome::Kind::out_of_memory;
  outcome.code = SIGKILL;
  outcome.oom_killed = true;
  record.outcome = outcome;
  record.exit_status = outcome.exit_status();
  const json j = json::parse(report::render(record));
  EXPECT_EQ(j["outcome"], "out_of_memory");
  EXPECT_EQ(j["signal"], 9);
  EXPECT_EQ(j["signal_name"], "SIGKILL");
  EXPECT_EQ(j["oom_killed"], true);
  EXPECT_EQ(j["exit_status"], 137);
  EXPECT_TRUE(j["exit_code"].is_null());
}

TEST(ReportRender, FailureBeforeLaunchKeepsTheRequest) {
  auto record = record_for({"true"});
  record.error = Error("/x: cannot be granted", ENOENT);
  const json j = json::parse(report::render(record));
  EXPECT_EQ(j["outcome"], "setup_failed");
  EXPECT_EQ(j["exit_status"], 125);
  EXPECT_TRUE(j["label"].is_null());
  EXPECT_EQ(j["errno"], "ENOENT");
  EXPECT_EQ(j["limits"][0]["name"], "memory");
  EXPECT_EQ(j["limits"][0]["display"], "64 MiB");
  EXPECT_TRUE(j["limits"][0]["mechanism"].is_null());
  EXPECT_TRUE(j["peak_memory_bytes"].is_null());
}

TEST(ReportWrite, AtomicReplace) {
  const auto dir = std::filesystem::temp_directory_path() / ("report-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "run.json").string();
  { std::ofstream(path) << "old"; }
  auto record = record_for({"true"});
  record.outcome = Outcome{};
  ASSERT_TRUE(report::write(path, record).ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(json::parse(text.str())["outcome"], "exited");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}), 1);
  EXPECT_FALSE(report::write((dir / "missing" / "run.json").string(), record).ok());
  EXPECT_FALSE(report::check_destination((dir / "missing" / "run.json").string()).ok());
  EXPECT_TRUE(report::check_destination(path).ok());
  EXPECT_TRUE(report::check_destination("-").ok());
  std::filesystem::remove_all(dir);
}
