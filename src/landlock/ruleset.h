// Landlock: file access rights, TCP ports and scopes (DESIGN §2.2).
//
// The ruleset is built in the supervisor from host paths (rules bind to
// inodes, so they hold after pivot_root onto bind mounts of the same inodes);
// the child adds rules for what exists only inside the view (its /proc, its
// scratch tmpfs) and restricts itself just before seccomp and execve.
#pragma once

#include <cstdint>
#include <string>

#include "sandbox/error.h"
#include "sandbox/policy.h"
#include "util/unique_fd.h"

namespace sandbox::landlock {

// Rights, before masking with what the running ABI handles.
inline constexpr std::uint64_t kRead = 1ULL << 2 | 1ULL << 3;                 // READ_FILE|READ_DIR
inline constexpr std::uint64_t kExecute = 1ULL << 0;                          // EXECUTE
inline constexpr std::uint64_t kWrite = 1ULL << 1 | 1ULL << 4 | 1ULL << 5 |   // WRITE_FILE|REMOVE_*
                                        1ULL << 7 | 1ULL << 8 | 1ULL << 9 |   // MAKE_DIR|REG|SOCK
                                        1ULL << 10 | 1ULL << 12 |             // MAKE_FIFO|SYM
                                        1ULL << 13 | 1ULL << 14;              // REFER|TRUNCATE
inline constexpr std::uint64_t kDevice = 1ULL << 1 | 1ULL << 2 |              // WRITE|READ_FILE
                                         1ULL << 14 | 1ULL << 15;             // TRUNCATE|IOCTL_DEV
// The rights that may be granted on a file (not a directory).
inline constexpr std::uint64_t kFileRights = 1ULL << 0 | 1ULL << 1 | 1ULL << 2 | 1ULL << 14 |
                                             1ULL << 15;

std::uint64_t rights_for(Access access);

// The Landlock ABI of the running kernel, or an error naming why it is missing.
Result<int> abi_version();

// Tests only (tests/library/landlock_abi_test.cc): abi_version() answers at
// most `abi` from now on, as an older kernel would; 0 ends the pretence. A
// library-level hook, not reachable from the command line or the
// environment; it can only lower the ABI, so a sealed policy then fails or
// records a skip, never runs with less than it says.
void pretend_abi_at_most(int abi);

// Everything the ABI can handle for files, and the scopes it has.
std::uint64_t handled_fs(int abi);
std::uint64_t handled_scopes(int abi);

class Ruleset {
 public:
  // Handles every fs right of `abi`, TCP bind/connect when handle_tcp, and
  // the abstract-unix and signal scopes (ABI >= 6).
  static Result<Ruleset> create(int abi, bool handle_tcp);
  // A ruleset made elsewhere and received as a descriptor (the pool's warm
  // sandbox gets its job's ruleset from the service: launch/warm.h).
  static Ruleset adopt(UniqueFd fd, int abi) { return Ruleset(std::move(fd), abi); }

  // Grants `rights` beneath `path` (a directory) or on it (a file).
  // A missing path is an error.
  Result<void> allow_path(const std::string& path, std::uint64_t rights);
  // The same for a path that may be absent (or hidden from the caller):
  // then no rule, and no error.
  Result<void> allow_path_if_present(const std::string& path, std::uint64_t rights);
  // Same, from an open fd (O_PATH is enough). For the child: no allocation.
  int allow_fd(int fd, std::uint64_t rights, bool is_directory) const noexcept;
  // Allows TCP connect/bind to port (ABI >= 4).
  Result<void> allow_port(std::uint16_t port, std::uint64_t net_rights);

  int fd() const { return fd_.get(); }
  int abi() const { return abi_; }

 private:
  Ruleset(UniqueFd fd, int abi) : fd_(std::move(fd)), abi_(abi) {}
  Result<void> allow_open_path(const std::string& path, int fd, std::uint64_t rights);
  UniqueFd fd_;
  int abi_ = 0;
};

// Enforces the ruleset on the calling thread (needs no_new_privs).
// Returns 0 or an errno; async-signal-safe.
int restrict_self(int ruleset_fd) noexcept;

}  // namespace sandbox::landlock
