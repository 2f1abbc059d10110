#include "cli/explain_run.h"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli/explain_hint.h"
#include "sandbox/options.h"

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
  // A grant of a one-value option (--pids 8, --net host) replaces the one given.
  std::vector<std::string> replaced;
  for (const auto& d : denials) {
    for (const auto& g : d.grants) {
      const auto* o = g.option.rfind("--", 0) == 0 ? options::find(g.option.substr(2)) : nullptr;
      if (o != nullptr && o->kind == options::Kind::value && !d.sensitive && !d.probe) replaced.push_back(g.option);
    }
  }
  // Network rules match first to last: a granted --allow-net goes before
  // the first rule given, which may be the --deny-net that refused it.
  std::vector<std::string> net_grants, other_grants;
  const std::vector<std::string> grant_words = explain::grant_words(denials);
  for (std::size_t i = 0; i < grant_words.size(); ++i) {
    const bool rule = grant_words[i] == "--allow-net" && i + 1 < grant_words.size();
    auto& into = rule ? net_grants : other_grants;
    into.push_back(grant_words[i]);
    if (rule) into.push_back(grant_words[++i]);
  }
  const auto is_rule = [](const std::string& word) {
    for (const char* name : {"--allow-net", "--deny-net"}) {
      if (word == name || word.rfind(std::string(name) + "=", 0) == 0) return true;
    }
    return false;
  };
  bool rules_placed = false;
  const int options_end = argc - static_cast<int>(command.size());
  for (int i = 1; i < options_end; ++i) {
    const std::string word = argv[i];
    if (word == "--explain" || word.rfind("--explain=", 0) == 0 || word == "--") continue;
    if (!rules_placed && is_rule(word)) {
      for (const auto& grant : net_grants) line += " " + quoted(grant);
      rules_placed = true;
    }
    bool skip = false;
    for (const auto& name : replaced) {
      if (word == name) {
        skip = true;
        ++i;  // and its value
      } else if (word.rfind(name + "=", 0) == 0) {
        skip = true;
      }
    }
    if (!skip) line += " " + quoted(word);
  }
  // No rule given: every grant in the order the denials came.
  for (const auto& word : rules_placed ? other_grants : grant_words) line += " " + quoted(word);
  if (!command.empty() && !command.front().empty() && command.front()[0] == '-') line += " --";
  for (const auto& word : command) line += " " + quoted(word);
  return line + "\n";
}

void hint_explain(const Policy& policy, const Outcome& outcome) {
  if (policy.explain != ExplainMode::off || policy.quiet || ::isatty(2) != 1) return;
  if (outcome.kind != Outcome::Kind::exited && outcome.kind != Outcome::Kind::signaled) return;
  if (outcome.exit_status() == 0) return;
  std::fputs(kExplainHint, stderr);
}

}  // namespace sandbox::cli
