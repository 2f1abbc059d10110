// --learn FILE (DESIGN §12): deny and record, again and again, never
// permissive: each run is fully enforced, its new grants are added, and the
// runs stop once one has no new denial. Then FILE is written as a profile.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "sandbox/explain.h"
#include "sandbox/options.h"
#include "sandbox/sandbox.h"

namespace sandbox::explain {
namespace {

// The profile key of an option ("--ro" -> "ro", "-M" -> "mount").
std::string key_of(const std::string& option) {
  if (option == "-M") return "mount";
  return option.rfind("--", 0) == 0 ? option.substr(2) : option;
}

// What a learned profile holds: list keys, value keys, flags, and what is
// left out (commented) with the reason.
struct Learned {
  std::map<std::string, std::vector<std::string>> lists;
  std::map<std::string, std::string> values;
  std::set<std::string> flags;
  std::vector<std::string> left_out;  // "ro = [\"/x\"]  # reason"
  std::vector<std::string> includes;

  bool has(const std::string& key, const std::string& value) const {
    const auto it = lists.find(key);
    return it != lists.end() && std::find(it->second.begin(), it->second.end(), value) != it->second.end();
  }
  // Adds a grant; false when it was there already.
  bool add(const Denial::Grant& g) {
    const std::string key = key_of(g.option);
    const options::Option* o = options::find(key);
    if (o == nullptr) return false;
    if (o->kind == options::Kind::flag) return flags.insert(key).second;
    if (o->kind == options::Kind::list) {
      // rw grants reading too: a path learned both ways is written once, rw.
      if (key == "ro" && has("rw", g.value)) return false;
      if (key == "rw") std::erase(lists["ro"], g.value);
      auto& list = lists[key];
      if (std::find(list.begin(), list.end(), g.value) != list.end()) return false;
      list.push_back(g.value);
      return true;
    }
    if (values[key] == g.value) return false;
    values[key] = g.value;
    return true;
  }
};

// A TOML basic string.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (static_cast<unsigned char>(ch) < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof(esc), "\\u%04x", ch);
      out += esc;
      continue;
    }
    out += ch;
  }
  return out + "\"";
}

// An existing FILE's keys, merged into `learned`.
void read_existing(const std::string& path, Learned& learned) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error&) {
    return;
  }
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (name == "include-profiles") {
      if (const auto* a = node.as_array()) {
        for (const auto& v : *a) {
          if (auto s = v.value<std::string>()) learned.includes.push_back(*s);
        }
      }
      continue;
    }
    if (const auto* a = node.as_array()) {
      for (const auto& v : *a) {
        if (auto s = v.value<std::string>()) learned.add({"--" + name, *s});
      }
    } else if (const auto* b = node.as_boolean(); b != nullptr && b->get()) {
      learned.flags.insert(name);
    } else if (auto s = node.value<std::string>()) {
      learned.values[name] = *s;
    }
  }
}

std::string now_utc() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string render(const Learned& learned, const Policy& policy, const Command& command, unsigned runs) {
  std::ostringstream out;
  std::string cmd;
  for (const auto& w : command.argv) cmd += (cmd.empty() ? "" : " ") + w;
  out << "# Learned by sandbox --learn on " << now_utc() << " from " << runs << " run"
      << (runs == 1 ? "" : "s") << " of: " << cmd << "\n"
      << "# Base profile: " << policy.profile
      << ". Review it: the program chose these grants (DESIGN §12).\n";
  std::vector<std::string> includes = learned.includes;
  if (includes.empty()) includes.push_back(policy.profile);
  out << "include-profiles = [";
  for (std::size_t i = 0; i < includes.size(); ++i) out << (i ? ", " : "") << quoted(includes[i]);
  out << "]\n";
  for (const auto& [key, value] : learned.values) out << key << " = " << quoted(value) << "\n";
  for (const auto& key : learned.flags) out << key << " = true\n";
  for (const auto& [key, list] : learned.lists) {
    if (list.empty()) continue;
    out << key << " = [";
    for (std::size_t i = 0; i < list.size(); ++i) out << (i ? ", " : "") << quoted(list[i]);
    out << "]\n";
  }
  for (const auto& line : learned.left_out) out << "# " << line << "\n";
  return out.str();
}

Result<void> write_atomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::remove(temp.c_str());
      return Error::from_errno("--learn: cannot write " + temp);
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const Error error = Error::from_errno("--learn: cannot rename " + temp + " to " + path);
    std::remove(temp.c_str());
    return error;
  }
  return success();
}

// Applies one grant to the policy through the option table. Network rules
// match first to last: a learned --allow-net goes before the rules given,
// one of which refused it.
Result<void> apply(Policy& policy, const Denial::Grant& g) {
  const options::Option* o = options::find(key_of(g.option));
  if (o == nullptr) return Error("--learn: no option " + g.option);
  const std::size_t rules = policy.net_rules.size();
  if (auto ok = o->apply(policy, g.value); !ok) return ok;
  if (key_of(g.option) == "allow-net" && policy.net_rules.size() == rules + 1) {
    std::rotate(policy.net_rules.begin(), policy.net_rules.end() - 1, policy.net_rules.end());
  }
  return success();
}

}  // namespace

Result<int> learn(const Policy& base, const Command& command) {
  Learned learned;
  read_existing(base.learn_path, learned);
  Policy policy = base;
  policy.learn_path.clear();
  if (policy.explain == ExplainMode::off) policy.explain = ExplainMode::text;
  for (const auto& [key, list] : learned.lists) {
    for (const auto& v : list) {
      if (auto ok = apply(policy, {"--" + key, v}); !ok) return std::move(ok).error();
    }
  }
  for (const auto& [key, v] : learned.values) {
    if (auto ok = apply(policy, {"--" + key, v}); !ok) return std::move(ok).error();
  }
  for (const auto& key : learned.flags) {
    if (auto ok = apply(policy, {"--" + key, ""}); !ok) return std::move(ok).error();
  }
  std::fprintf(stderr, "sandbox: --learn runs the program until it is denied nothing new (at most %u times)\n",
               policy.learn_runs);
  std::set<std::string> left_out;
  int status = 0;
  for (unsigned run = 1; run <= policy.learn_runs; ++run) {
    auto sealed = seal(policy);
    if (!sealed) return std::move(sealed).error();
    auto explainer = Explainer::create(sealed->policy(), command, policy.explain);  // canonical paths
    Command traced = command;
    traced.observer = explainer.get();
    auto child = spawn(*sealed, traced);
    if (!child) return std::move(child).error();
    const Outcome outcome = child->wait();
    if (!outcome.message.empty()) std::fprintf(stderr, "sandbox: %s\n", outcome.message.c_str());
    status = outcome.exit_status();
    bool added = false;
    for (const auto& d : explainer->denials()) {
      if (d.grants.empty()) continue;
      if (d.sensitive || d.probe) {
        for (const auto& g : d.grants) {
          left_out.insert(key_of(g.option) + " = [" + quoted(g.value) + "]  # " +
                          (d.sensitive ? "a secret" : "a probe: the program only looked") + " (" + d.op + " " +
                          d.object + ")");
        }
        continue;
      }
      for (const auto& g : d.grants) {
        if (!learned.add(g)) continue;
        if (auto ok = apply(policy, g); !ok) return std::move(ok).error();
        added = true;
      }
    }
    if (!added) {
      learned.left_out.assign(left_out.begin(), left_out.end());
      if (auto ok = write_atomically(base.learn_path, render(learned, base, command, run)); !ok) {
        return std::move(ok).error();
      }
      std::fprintf(stderr, "sandbox: --learn: the program ran %u time%s; profile written to %s (use it with -t %s)\n",
                   run, run == 1 ? "" : "s", base.learn_path.c_str(), base.learn_path.c_str());
      return status;
    }
  }
  return Error("--learn: the program was still denied something new after " + std::to_string(policy.learn_runs) +
               " runs")
      .with_hint("raise --learn-runs, or grant what it needs by hand");
}

}  // namespace sandbox::explain
