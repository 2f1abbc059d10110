// Profiles (DESIGN §5): TOML files whose keys are the long options.
//
// One table of options feeds the command line and the profiles, so
// `--ro /x` is `ro = ["/x"]`, `--net=filtered` is `net = "filtered"` and
// `--mount` is `mount = true`. A few keys exist only in profiles (the label
// type, the system trees, the readable /etc entries, included profiles):
// see profile_keys(). `include-profiles = ["web"]` applies other profiles
// first, in order; the file's own keys apply on top; lists append. A profile
// without include-profiles extends `default`; `include-profiles = []`
// starts from nothing.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox::profile {

// A profile's text and where it came from (for messages).
struct Source {
  std::string name;  // "web", or the file as given
  std::string file;  // the file read, named in every error
  std::string text;
};

// Finds an included profile by name or file.
using Finder = std::function<Result<Source>(const std::string& name_or_file)>;

// A key that only profiles have (no command-line option).
struct Key {
  std::string_view name;
  std::string_view value_name;
  std::string_view help;
};
std::span<const Key> profile_keys();

// Applies the profile on top of policy: its included profiles first, then
// its own keys. Errors name the file, the line and the key:
//   "web.toml:3: net: expected a string".
Result<void> apply(Policy& policy, const Source& source, const Finder& find);

// The policy a profile starts from: nothing granted, label type sandbox_t.
Policy empty_policy();

// ---- finding profiles -----------------------------------------------------

// Where profile NAMEs are looked up, first match wins: the user's
// ($XDG_CONFIG_HOME/sandbox/profiles), the system's (/etc/sandbox/profiles),
// then the shipped ones, relative to the binary (BINDIR/../share/sandbox/profiles
// for an install, share/sandbox/profiles beside it in the build tree).
std::vector<std::string> search_dirs();
// The user's configuration directory search_dirs takes the first one from:
// XDG_CONFIG_HOME when absolute, else HOME/.config when HOME is absolute,
// else "" (no user profiles).
std::string user_config_dir(const std::string& xdg_config_home, const std::string& home);
// NAME (letters, digits, '-', '_') is looked up; anything with a '/' or
// ending in .toml is a file.
Result<Source> find(const std::string& name_or_file);
// -t NAME|FILE: the effective policy of that profile.
Result<Policy> load(const std::string& name_or_file);

// ---- printing --------------------------------------------------------------

// The policy as a profile with every key spelled out (--print-profile);
// applying it to empty_policy() gives the same policy back.
std::string to_toml(const Policy& policy);

}  // namespace sandbox::profile
