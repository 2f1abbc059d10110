// Parsing a profile: TOML keys lowered through the one option table.
#include "sandbox/profile.h"

#include <algorithm>
#include <cerrno>
// toml++'s debug assertions off in every build, as in release builds: its
// parser asserts on some bad keys that it then reports as errors anyway.
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>

#include "sandbox/options.h"

namespace sandbox::profile {
namespace {

constexpr int kMaxIncludeDepth = 8;
// What a profile that names no base extends (DESIGN §5).
constexpr const char* kBaseProfile = "default";

constexpr Key kProfileKeys[] = {
    {"type", "TYPE", "The label type of sandboxes run with this profile (default sandbox_t)."},
    {"include-profiles", "[NAME|FILE...]",
     "Profiles applied first, in order; this profile's own keys apply on top. Without this key a "
     "profile extends default; include-profiles = [] starts from nothing."},
    {"system-trees", "[PATH...]",
     "Host trees bound read-only and granted read and execute (libraries, executables)."},
    {"etc-readable", "true",
     "/etc is in the view: every entry any user of the host may read is readable, never the "
     "secrets and host identifiers (shadow, sudoers, SSH and TLS private keys, machine-id...)."},
    {"etc-hidden", "[PATH...]",
     "Entries beneath /etc never readable, added to the built-in deny list (with etc-readable)."},
    {"description", "TEXT", "Free text for people; ignored."},
};

// Errors name the file, the line and the key (DESIGN §5).
class Context {
 public:
  Context(const Source& source, int depth) : source_(source), depth_(depth) {}
  Error at(const toml::source_region& where, std::string_view key, const std::string& what) const {
    return Error(source_.file + ":" + std::to_string(where.begin.line) + ": " + std::string(key) +
                 ": " + what);
  }
  Error at(const toml::node& node, std::string_view key, const std::string& what) const {
    return at(node.source(), key, what);
  }
  const Source& source() const { return source_; }
  int depth() const { return depth_; }

 private:
  const Source& source_;
  int depth_;
};

// A scalar as the option's text: strings as they are, integers in decimal.
Result<std::string> scalar_text(const Context& c, const toml::node& node, std::string_view key) {
  if (const auto* s = node.as_string()) {
    const std::string& text = s->get();
    if (text.find('\0') != std::string::npos) return c.at(node, key, "contains a NUL character");
    return text;
  }
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  return c.at(node, key, "expected a string or an integer");
}

Result<std::vector<std::string>> string_list(const Context& c, const toml::node& node,
                                             std::string_view key) {
  const auto* array = node.as_array();
  if (array == nullptr) return c.at(node, key, "expected an array, e.g. " + std::string(key) + " = [\"...\"]");
  std::vector<std::string> out;
  for (const auto& element : *array) {
    auto text = scalar_text(c, element, key);
    if (!text) return std::move(text).error();
    out.push_back(std::move(*text));
  }
  return out;
}

bool is_type_name(const std::string& type) {
  return !type.empty() && std::all_of(type.begin(), type.end(), [](char ch) {
    return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
  });
}

Result<void> apply_table(Policy& policy, const toml::table& table, const Context& c,
                         const Finder& find);

// Screens the text before toml++ 3.3 sees it. The fuzzer found that its
// parser asserts on raw control characters and reaches __builtin_unreachable
// (undefined behaviour) on non-ASCII characters wherever it looks for
// whitespace, strings and values included. So: no raw control characters
// but tab and newlines (TOML allows none), and non-ASCII only in comments;
// strings spell it with \u escapes. Returns "" or the problem.
std::string screen(std::string_view text, std::size_t* line) {
  enum class In { code, comment, basic, literal, ml_basic, ml_literal } in = In::code;
  bool escaped = false;  // the previous character was a backslash in a basic string
  *line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') ++*line;
    if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7f) {
      return "control character " + std::to_string(byte) + " (escape it in a string)";
    }
    if (byte >= 0x80 && in != In::comment) {
      return in == In::code ? "non-ASCII character outside a string or comment"
                            : "non-ASCII character in a string (write it as \\uXXXX)";
    }
    if (escaped) {  // an escaped character cannot end a string
      escaped = false;
      if (byte != '\n' || in == In::ml_basic) continue;
    }
    const auto starts = [&](std::string_view s) { return text.substr(i, s.size()) == s; };
    switch (in) {
      case In::code:
        if (byte == '#') in = In::comment;
        else if (starts("\"\"\"")) in = In::ml_basic, i += 2;
        else if (starts("'''")) in = In::ml_literal, i += 2;
        else if (byte == '"') in = In::basic;
        else if (byte == '\'') in = In::literal;
        break;
      case In::comment:
        if (byte == '\n') in = In::code;
        break;
      case In::basic:
        if (byte == '\\') escaped = true;
        else if (byte == '"' || byte == '\n') in = In::code;
        break;
      case In::literal:
        if (byte == '\'' || byte == '\n') in = In::code;
        break;
      case In::ml_basic:
        if (byte == '\\') escaped = true;
        else if (starts("\"\"\"")) in = In::code, i += 2;
        break;
      case In::ml_literal:
        if (starts("'''")) in = In::code, i += 2;
        break;
    }
  }
  return {};
}

Result<toml::table> parse(const Source& source) {
  std::size_t line = 1;
  if (std::string problem = screen(source.text, &line); !problem.empty()) {
    return Error(source.file + ":" + std::to_string(line) + ": " + problem);
  }
  try {
    return toml::parse(source.text, source.file);
  } catch (const toml::parse_error& e) {
    return Error(source.file + ":" + std::to_string(e.source().begin.line) + ": " +
                 std::string(e.description()));
  }
}

Result<void> apply_include(Policy& policy, const std::string& name, const toml::node* node,
                           const Context& c, const Finder& find) {
  const auto at = [&](const std::string& what) {
    return node != nullptr ? c.at(*node, "include-profiles", what)
                           : Error(c.source().file + ": extending " + name + ": " + what);
  };
  if (c.depth() >= kMaxIncludeDepth) {
    return at("profiles included more than " + std::to_string(kMaxIncludeDepth) +
              " deep (a cycle?) at '" + name + "'");
  }
  auto included = find(name);
  if (!included && node == nullptr && included.error().errno_value() == ENOENT) {
    // No default.toml anywhere: the compiled-in default, which equals it
    // (unit-tested), so a library without its data files still extends it.
    const Policy base = Policy::default_profile();
    policy.type = base.type;
    policy.system_trees.insert(policy.system_trees.end(), base.system_trees.begin(),
                               base.system_trees.end());
    policy.etc_hidden.insert(policy.etc_hidden.end(), base.etc_hidden.begin(), base.etc_hidden.end());
    policy.bind_etc = policy.bind_etc || base.bind_etc;
    return success();
  }
  if (!included) return at("cannot include '" + name + "': " + included.error().message());
  auto parsed = parse(*included);
  if (!parsed) return std::move(parsed).error();
  const Context inner(*included, c.depth() + 1);
  return apply_table(policy, *parsed, inner, find);
}

// include-profiles first; a profile without the key extends default (the
// default profile itself excepted), and include-profiles = [] starts from
// nothing.
Result<void> apply_includes(Policy& policy, const toml::table& table, const Context& c,
                            const Finder& find) {
  const toml::node* node = table.get("include-profiles");
  if (node == nullptr) {
    if (c.source().name == kBaseProfile) return success();
    return apply_include(policy, kBaseProfile, nullptr, c, find);
  }
  auto names = string_list(c, *node, "include-profiles");
  if (!names) return std::move(names).error();
  for (const auto& name : *names) {
    if (auto ok = apply_include(policy, name, node, c, find); !ok) return ok;
  }
  return success();
}

Result<void> apply_profile_key(Policy& policy, std::string_view key, const toml::node& node,
                               const Context& c) {
  if (key == "include-profiles") return success();  // applied first
  if (key == "description") {
    if (!node.is_string()) return c.at(node, key, "expected a string");
    return success();
  }
  if (key == "type") {
    const auto* s = node.as_string();
    if (s == nullptr || !is_type_name(s->get())) {
      return c.at(node, key, "expected a label type such as \"sandbox_web_t\"");
    }
    policy.type = s->get();
    return success();
  }
  if (key == "etc-readable") {
    const auto* b = node.as_boolean();
    if (b == nullptr || !b->get()) {
      return c.at(node, key,
                  "expected true (every world-readable entry of /etc; leave it out for no /etc, "
                  "and list what to keep out with etc-hidden)");
    }
    policy.bind_etc = true;
    return success();
  }
  auto paths = string_list(c, node, key);
  if (!paths) return std::move(paths).error();
  for (const auto& path : *paths) {
    if (path.empty() || path[0] != '/') return c.at(node, key, "'" + path + "' is not an absolute path");
  }
  if (key == "system-trees") {
    policy.system_trees.insert(policy.system_trees.end(), paths->begin(), paths->end());
  } else {
    for (const auto& path : *paths) {
      if (path.rfind("/etc/", 0) != 0 || path.size() == 5 || path.back() == '/' ||
          path.find("/../") != std::string::npos || path.find("/./") != std::string::npos ||
          path.find("//") != std::string::npos || path.ends_with("/..") || path.ends_with("/.")) {
        return c.at(node, key, "'" + path + "' is not a plain path beneath /etc");
      }
    }
    policy.etc_hidden.insert(policy.etc_hidden.end(), paths->begin(), paths->end());
  }
  return success();
}

Result<void> apply_option(Policy& policy, const options::Option& option, const toml::node& node,
                          const Context& c) {
  const std::string_view key = option.name;
  switch (option.kind) {
    case options::Kind::flag: {
      const auto* b = node.as_boolean();
      if (b == nullptr || !b->get()) {
        return c.at(node, key, "expected true (options are positive: leave it out for false)");
      }
      if (auto ok = option.apply(policy, ""); !ok) return c.at(node, key, ok.error().message());
      return success();
    }
    case options::Kind::optional_value:
      if (const auto* b = node.as_boolean(); b != nullptr) {
        if (!b->get()) return c.at(node, key, "expected true or a value (leave it out for false)");
        if (auto ok = option.apply(policy, ""); !ok) return c.at(node, key, ok.error().message());
        return success();
      }
      [[fallthrough]];
    case options::Kind::value: {
      auto text = scalar_text(c, node, key);
      if (!text) return std::move(text).error();
      if (auto ok = option.apply(policy, *text); !ok) return c.at(node, key, ok.error().message());
      return success();
    }
    case options::Kind::list: {
      auto values = string_list(c, node, key);
      if (!values) return std::move(values).error();
      for (const auto& v : *values) {
        if (auto ok = option.apply(policy, v); !ok) return c.at(node, key, ok.error().message());
      }
      return success();
    }
  }
  return success();
}

Result<void> apply_table(Policy& policy, const toml::table& table, const Context& c,
                         const Finder& find) {
  if (auto ok = apply_includes(policy, table, c, find); !ok) return ok;
  // In the order written (toml++ keeps keys sorted): rules such as
  // deny-net before allow-net are first-match-wins.
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (const auto& [key, node] : table) entries.emplace_back(&key, &node);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& x = a.first->source().begin;
    const auto& y = b.first->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  for (const auto& [key_ptr, node_ptr] : entries) {
    const toml::key& key = *key_ptr;
    const toml::node& node = *node_ptr;
    const std::string_view name = key.str();
    const auto is_key = [&](const Key& k) { return k.name == name; };
    if (std::any_of(std::begin(kProfileKeys), std::end(kProfileKeys), is_key)) {
      if (auto ok = apply_profile_key(policy, name, node, c); !ok) return ok;
      continue;
    }
    const options::Option* option = options::find(name);
    if (option == nullptr) {
      return c.at(key.source(), name, "unknown key")
          .with_hint("profile keys are the long options (sandbox --help) and " +
                     std::string("type, include-profiles, system-trees, etc-readable, etc-hidden"));
    }
    if (auto ok = apply_option(policy, *option, node, c); !ok) return ok;
  }
  return success();
}

}  // namespace

std::span<const Key> profile_keys() { return kProfileKeys; }

Policy empty_policy() {
  Policy policy;
  policy.profile.clear();
  policy.type = "sandbox_t";
  policy.system_trees.clear();
  policy.etc_hidden.clear();
  policy.bind_etc = false;
  return policy;
}

Result<void> apply(Policy& policy, const Source& source, const Finder& find) {
  auto table = parse(source);
  if (!table) return std::move(table).error();
  return apply_table(policy, *table, Context(source, 0), find);
}

}  // namespace sandbox::profile
