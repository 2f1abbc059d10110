#include "cli/explain_run.h"

#include <unistd.h>

#include <cstdio>

namespace sandbox::cli {
namespace {

std::string quoted(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+%") ==
                           std::string::npos) {
    return word;
  }
  std::string out = "'";
  for (const char ch : word) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

}  // namespace

std::string explain_summary(const std::vector<explain::Denial>& denials, int argc, char** argv,
                            const std::vector<std::string>& command) {
  if (denials.empty()) return {};
  std::size_t grantable = 0;
  for (const auto& d : denials) grantable += d.grants.empty() || d.sensitive || d.probe ? 0 : 1;
  std::string line = "sandbox: explain: " + std::to_string(denials.size()) +
                     (denials.size() == 1 ? " denial" : " denials");
  if (grantable == 0) return line + "; no option grants them\n";
  if (grantable < denials.size()) line += " (" + std::to_string(denials.size() - grantable) + " not granted below)";
  line += "; to allow them: sandbox";
  const int options_end = argc - static_cast<int>(command.size());
  for (int i = 1; i < options_end; ++i) {
    const std::string word = argv[i];
    if (word == "--explain" || word.rfind("--explain=", 0) == 0 || word == "--") continue;
    line += " " + quoted(word);
  }
  for (const auto& word : explain::grant_words(denials)) line += " " + quoted(word);
  if (!command.empty() && !command.front().empty() && command.front()[0] == '-') line += " --";
  for (const auto& word : command) line += " " + quoted(word);
  return line + "\n";
}

void hint_explain(const Policy& policy, const Outcome& outcome) {
  if (policy.explain != ExplainMode::off || policy.quiet || ::isatty(2) != 1) return;
  if (outcome.kind != Outcome::Kind::exited && outcome.kind != Outcome::Kind::signaled) return;
  if (outcome.exit_status() == 0) return;
  std::fputs("sandbox: the program failed; sandbox --explain shows what it was denied\n", stderr);
}

}  // namespace sandbox::cli
