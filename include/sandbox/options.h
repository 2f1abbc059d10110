// The one option table (STYLE: declare each option once). It feeds the
// command line, the profile keys, --help and the man page, so they cannot
// drift: `--ro /x` on the command line is `ro = ["/x"]` in a profile.
// A front end (the command line, or an embedder's) walks all() and calls
// apply with each value given.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox::options {

enum class Kind {
  flag,   // --mount            mount = true
  value,  // --level s0:c1,c2   level = "s0:c1,c2"
  list,   // --ro A --ro B      ro = ["A", "B"]
  optional_value,  // --explain, --explain=json   explain = true, explain = "json"
                   // (the value only after '=': the next word is the command's)
};

struct Option {
  std::string_view name;        // long option and profile key
  std::string_view short_name;  // one letter, or empty
  std::string_view value_name;  // PATH, N, ... (empty for flags)
  std::string_view group;       // section of --help and the man page
  std::string_view help;
  Kind kind;
  // Applies one value to the policy ("" for a flag). Errors name the option.
  Result<void> (*apply)(Policy& policy, const std::string& value);
};

std::span<const Option> all();
const Option* find(std::string_view name);

}  // namespace sandbox::options
