// The seccomp programs, compiled once at build time.
//
// libseccomp needs about 200 µs per launch to build and export a filter (a
// quarter of a launch's own work), and the result depends only on the
// FilterOptions, the rule lists and the libseccomp version. tools/seccomp_gen
// compiles every variant with the same seccomp::compile() when the library is
// built, and the launcher loads the embedded program. A unit test checks that
// each embedded program equals a fresh compile().
#pragma once

#include <cstdint>

#include "sandbox/error.h"
#include "seccomp/filter.h"

namespace sandbox::seccomp {

// Every variant of FilterOptions, as a number: one bit per option.
inline constexpr std::uint32_t kVariants = 32;

inline std::uint32_t variant_key(const FilterOptions& options) {
  // Adding a field to FilterOptions stops the build here: give it a bit below,
  // in variant_options() and in kVariants, so it has its own embedded program.
  const auto& [allow_ptrace, log_only, static_only, deny_inet_udp_raw, explain] = options;
  return (allow_ptrace ? 1U : 0U) | (log_only ? 2U : 0U) | (static_only ? 4U : 0U) |
         (deny_inet_udp_raw ? 8U : 0U) | (explain ? 16U : 0U);
}

inline FilterOptions variant_options(std::uint32_t key) {
  FilterOptions options;
  options.allow_ptrace = (key & 1U) != 0;
  options.log_only = (key & 2U) != 0;
  options.static_only = (key & 4U) != 0;
  options.deny_inet_udp_raw = (key & 8U) != 0;
  options.explain = (key & 16U) != 0;
  return options;
}

// The program's filter for these options: the embedded copy.
Result<Program> prebuilt(const FilterOptions& options);
// The filter of the sandbox's pid 1: the embedded copy.
Result<Program> prebuilt_init();

}  // namespace sandbox::seccomp
