// seal(): canonicalise, then check, then check the kernel (DESIGN §11).
#include "sandbox/seal.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "fs/grants.h"
#include "landlock/ruleset.h"
#include "landlock/needs.h"

namespace sandbox {
namespace {

Result<std::string> canonical(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return Error::from_errno(path);
  return std::string(buf);
}

// The directory's parent resolved, its last component kept as given: -H and
// -T refuse a symlink at the end (scratch/scratch_plan.cc), which a full
// realpath would hide.
std::string canonical_parent(const std::string& path) {
  if (path.empty()) return path;
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  const auto slash = trimmed.rfind('/');
  if (slash == std::string::npos) {
    auto cwd = canonical(".");
    return cwd ? (*cwd == "/" ? "/" : *cwd + "/") + trimmed : path;
  }
  const std::string last = trimmed.substr(slash + 1);
  if (last.empty() || last == "." || last == "..") {
    auto whole = canonical(trimmed);
    return whole ? *whole : path;
  }
  auto parent = canonical(slash == 0 ? "/" : trimmed.substr(0, slash));
  if (!parent) return path;  // the scratch step names what is missing
  return (*parent == "/" ? "" : *parent) + "/" + last;
}

// A relative grant made absolute against the working directory now, so that
// the plan resolves the same path whatever directory the process is in then.
std::string absolute(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char buf[PATH_MAX];
  if (::getcwd(buf, sizeof(buf)) == nullptr) return path;
  return std::string(buf) + "/" + path;
}

}  // namespace

Result<SealedPolicy> seal(const Policy& requested) {
  // The options as given first: empty paths, NUL bytes and the like are
  // named as the caller spelled them.
  if (auto ok = requested.validate(); !ok) return std::move(ok).error();
  SealedPolicy sealed;
  Policy& policy = sealed.policy_;
  policy = requested;
  // Grants resolved (fs/grants.h): canonical, checked by what they name
  // (the host's /, /proc, /sys, /dev however spelled or reached), merged. The
  // plan resolves the same absolute paths again with the same checks and
  // binds the identity (dev, ino) it checked.
  for (auto& grant : policy.grants) grant.path = absolute(grant.path);
  if (auto resolved = resolve_grants(policy); !resolved) return std::move(resolved).error();
  policy.homedir = canonical_parent(policy.homedir);
  policy.tmpdir = canonical_parent(policy.tmpdir);
  if (auto ok = policy.validate(); !ok) return std::move(ok).error();

  auto abi = landlock::abi_version();
  sealed.landlock_abi_ = abi ? *abi : 0;
  const Error missing = abi ? Error() : abi.error();
  if (auto ok = landlock::check_landlock(policy, sealed.landlock_abi_, missing, false, sealed.skipped_); !ok) {
    return std::move(ok).error();
  }
  return sealed;
}

}  // namespace sandbox
