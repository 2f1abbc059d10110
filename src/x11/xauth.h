// Xauthority files (the format libXau reads): the nested server's cookie,
// and the one entry of the caller's file that Xephyr needs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/error.h"

namespace sandbox::x11 {

inline constexpr std::uint16_t kFamilyLocal = 256;
inline constexpr std::uint16_t kFamilyWild = 65535;
inline constexpr const char* kMagicCookie = "MIT-MAGIC-COOKIE-1";

struct AuthEntry {
  std::uint16_t family = kFamilyWild;
  std::string address;  // the host name for kFamilyLocal
  std::string number;   // the display number, "0"
  std::string name;     // "MIT-MAGIC-COOKIE-1"
  std::string data;     // the cookie's bytes
  bool operator==(const AuthEntry&) const = default;
};

// The file's bytes <-> entries. A truncated record is an error.
std::string encode(const std::vector<AuthEntry>& entries);
Result<std::vector<AuthEntry>> decode(const std::string& bytes);

// A fresh MIT-MAGIC-COOKIE-1 for display `number`, valid from any host name
// (FamilyWild: inside a sandbox the host name is "sandbox").
Result<AuthEntry> new_cookie(unsigned number);

// The entries of `entries` that a client on this host uses for local
// display `number`, rewritten as FamilyWild so that they match from inside a
// sandbox (whose host name differs).
std::vector<AuthEntry> entries_for_display(const std::vector<AuthEntry>& entries,
                                           unsigned number, const std::string& host_name);

// Writes entries to a new file at path, mode 0600 (O_EXCL: never follows
// or reuses what is there).
Result<void> write_file(const std::string& path, const std::vector<AuthEntry>& entries);

}  // namespace sandbox::x11
