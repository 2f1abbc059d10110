// Path grants resolved once (DESIGN §2.2): every --ro, --rw and --exec path
// is made absolute, canonicalised, checked by what it names rather than by
// how it is spelled (the host's /, /proc, /sys, /dev and the kernel's other
// pseudo filesystems are refused however they are reached), and merged with
// the other grants of the same file into the union of what was asked.
//
// The result records the file's identity (dev, ino) so that whoever binds it
// later can check that the path still names the same file: a symlink swapped
// in between cannot redirect the grant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/policy.h"
#include "util/unique_fd.h"

namespace sandbox {

struct ResolvedGrant {
  // Every spelling the caller gave for this file, absolute, without "." and
  // "//" (".." resolved as the kernel does), in the order given.
  std::vector<std::string> typed;
  // The file itself, every symlink resolved: what is bound and granted.
  std::string canonical;
  // PathGrant::target: where a library caller binds it instead ("": at
  // canonical and, for a path through a symlink, at the typed paths too).
  std::string target;
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  bool is_dir = false;
  // The union of what was asked; read is always granted.
  bool write = false;
  bool execute = false;
  // The options that asked for it, in order (Access::read for --ro ...).
  std::vector<Access> asked;
  // Whether a typed path passed through a symlink, and the first one it
  // met: "/srv/in/parts/x.pdf -> /etc/shadow".
  bool via_symlink = false;
  std::string symlink;
};

// Resolves policy.grants: relative paths against base_dir ("" for the
// process's working directory). Fails, naming the grant, when a path is
// missing, names a forbidden tree, or (policy.refuse_symlinks) passes
// through a symlink. Grants of the same file (and target) are merged.
Result<std::vector<ResolvedGrant>> resolve_grants(const Policy& policy,
                                                  const std::string& base_dir = {});

// The lines `sandbox` says about the resolved grants, one per grant that
// followed a symlink or merged different options (W^X lifted).
std::vector<std::string> grant_notices(const std::vector<ResolvedGrant>& grants);

// Opens `canonical` again (O_PATH) without following any symlink and checks
// that it is still the file (dev, ino) it was: the Landlock rule and the
// bind then hold that file, never whatever a later symlink names.
Result<UniqueFd> reopen_granted(const std::string& canonical, std::uint64_t dev, std::uint64_t ino);

// "--ro", "--rw", "--exec".
const char* grant_option(Access access);

}  // namespace sandbox
