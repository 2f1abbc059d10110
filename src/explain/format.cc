// The forms of a denial: a line for people, a JSON object per line, and the
// options that grant them all.
#include <nlohmann/json.hpp>

#include <cstring>

#include "sandbox/explain.h"

namespace sandbox::explain {
namespace {

std::string errno_name(int err) {
  const char* name = ::strerrorname_np(err);
  return name != nullptr ? name : std::to_string(err);
}

std::string option_text(const Denial::Grant& g) { return g.value.empty() ? g.option : g.option + " " + g.value; }

bool is_address(const Denial& d) { return d.op == "connect" || d.op == "bind" || d.op == "send"; }

}  // namespace

std::string text_line(const Denial& d) {
  std::string line = "sandbox: denied: " + d.op + " " + d.object + " (" + d.cause + ")";
  if (!d.grants.empty()) {
    line += " ->";
    for (const auto& g : d.grants) line += " " + option_text(g);
    if (d.sensitive) line += " (a secret: think twice)";
    if (d.probe) line += " (it only looked)";
  }
  return line + "\n";
}

std::string json_line(const Denial& d) {
  nlohmann::ordered_json j;  // in the order of the issue: pid first
  j["pid"] = d.pid;
  j["comm"] = d.comm;
  j["syscall"] = d.syscall;
  j["op"] = d.op;
  j[is_address(d) ? "address" : "path"] = d.object;
  j["errno"] = errno_name(d.errno_value);
  j["cause"] = d.cause;
  if (d.grants.empty()) {
    j["grant"] = nullptr;
  } else {
    j["grant"] = {{"option", d.grants.back().option}, {"value", d.grants.back().value}};
    nlohmann::ordered_json also = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i + 1 < d.grants.size(); ++i) {
      also.push_back({{"option", d.grants[i].option}, {"value", d.grants[i].value}});
    }
    j["also"] = also;
  }
  j["sensitive"] = d.sensitive;
  j["probe"] = d.probe;
  j["count"] = d.count;
  return j.dump() + "\n";
}

std::vector<std::string> grant_words(const std::vector<Denial>& denials) {
  std::vector<std::string> words;
  std::vector<std::string> seen;
  for (const auto& d : denials) {
    if (d.sensitive || d.probe) continue;
    for (const auto& g : d.grants) {
      const std::string key = option_text(g);
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(key);
      words.push_back(g.option);
      if (!g.value.empty()) words.push_back(g.value);
    }
  }
  return words;
}

}  // namespace sandbox::explain
