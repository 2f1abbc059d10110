// libFuzzer target for the profile parser (scripts/fuzz.sh builds and runs it).
// Any profile text must give a policy or an error naming file and line,
// never a crash, a hang or a leak; a parsed policy must print as a profile
// that parses back to the same text.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sandbox/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sandbox;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Included profiles: "self" is this very text (cycles end at the depth
  // limit), "base" a fixed small profile, anything else is missing.
  const profile::Finder find = [&](const std::string& name) -> Result<profile::Source> {
    if (name == "self") return profile::Source{"self", "self.toml", text};
    if (name == "base") return profile::Source{"base", "base.toml", "system-trees = [\"/usr\"]\n"};
    return Error("no profile named '" + name + "'", ENOENT);  // default: the compiled-in one
  };
  Policy policy = profile::empty_policy();
  auto ok = profile::apply(policy, profile::Source{"fuzz", "fuzz.toml", text}, find);
  if (!ok) {
    if (ok.error().message().rfind("fuzz.toml:", 0) != 0 &&
        ok.error().message().rfind("self.toml:", 0) != 0) {
      std::abort();  // every profile error names its file and line
    }
    return 0;
  }
  const std::string printed = profile::to_toml(policy);
  Policy again = profile::empty_policy();
  auto reparsed = profile::apply(again, profile::Source{"printed", "printed.toml", printed}, find);
  if (!reparsed || profile::to_toml(again) != printed) std::abort();
  return 0;
}
