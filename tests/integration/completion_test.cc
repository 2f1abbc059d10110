// Shell completion (issue 13 item 8), generated from the one option table:
// it knows every option --help lists, and bash really completes with it.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "support/run.h"

using namespace testing_support;

namespace {

// Every -x and --name of sandbox --help's option column.
std::set<std::string> help_options() {
  const auto help = run(sandbox({"--help"}));
  std::set<std::string> names;
  std::istringstream lines(help.out);
  const std::regex name(R"((^|[ ,])(--?[A-Za-z][-A-Za-z0-9]*))");
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  -", 0) != 0) continue;
    const std::string column = line.substr(0, line.find("  ", 2));
    for (std::sregex_iterator it(column.begin(), column.end(), name), end; it != end; ++it) {
      names.insert((*it)[2]);
    }
  }
  return names;
}

std::string complete(const std::string& words, int cword) {
  const auto r = run({"bash", "-c",
                      "source <(\"$0\" --completion bash) && COMP_WORDS=(" + words +
                          ") && COMP_CWORD=" + std::to_string(cword) +
                          "; _sandbox; printf '%s\\n' \"${COMPREPLY[@]}\" | sort",
                      sandbox_bin()});
  EXPECT_EQ(r.status, 0) << r.err;
  return r.out;
}

}  // namespace

TEST(Completion, KnowsEveryOptionOfTheTable) {
  const auto options = help_options();
  ASSERT_GT(options.size(), 40U);
  EXPECT_TRUE(options.count("--ro") && options.count("-M") && options.count("--list"));
  const auto bash = run(sandbox({"--completion", "bash"}));
  const auto zsh = run(sandbox({"--completion", "zsh"}));
  ASSERT_EQ(bash.status, 0) << bash.err;
  ASSERT_EQ(zsh.status, 0) << zsh.err;
  for (const auto& option : options) {
    EXPECT_TRUE(std::regex_search(bash.out, std::regex("[ ']" + option + "[ ']"))) << "bash lacks " << option;
    EXPECT_TRUE(zsh.out.find("'" + option + "[") != std::string::npos ||
                zsh.out.find("'*" + option + "[") != std::string::npos)
        << "zsh lacks " << option;
  }
  EXPECT_EQ(run({"bash", "-n", "-c", bash.out}).status, 0);
  if (run({"sh", "-c", "command -v zsh"}).status == 0) {
    EXPECT_EQ(run({"zsh", "-n", "-c", zsh.out}).status, 0);
  }
  const auto bad = run(sandbox({"--completion", "fish"}));
  EXPECT_EQ(bad.status, 125);
}

TEST(Completion, BashCompletesOptionsAndTheirValues) {
  EXPECT_EQ(complete("sandbox --r", 1), "--report\n--rlimit\n--ro\n--rw\n");
  EXPECT_EQ(complete("sandbox --net f", 2), "filtered\n");
  EXPECT_EQ(complete("sandbox -t mi", 2).rfind("min\n", 0), 0U);
  // After the command, sandbox's options are no longer offered.
  EXPECT_EQ(complete("sandbox --ro /tmp ls --r", 4).find("--rlimit"), std::string::npos);
}
