// Planning the view's /etc in the supervisor (fs/etc.h).
#include "fs/etc.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string_view>

#include "fs/idmap.h"

namespace sandbox::fs {
namespace {

// Secrets (shadow files and their backups, sudo's rules, SSH host private
// keys, TLS private keys, old passwords, the lock of the password files) and
// host identifiers (the sandbox has its own host name). Documented in the
// README.
constexpr std::array<const char*, 16> kHidden = {
    "/etc/shadow",  "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers",
    "/etc/sudoers.d", "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_dsa_key",
    "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key", "/etc/ssl/private",
    "/etc/machine-id", "/etc/hostid", "/etc/hostname", "/etc/security/opasswd", "/etc/.pwd.lock",
};

// An entry of the deny list, as the host has it (one lstat per launch).
struct HiddenEntry {
  std::string path;
  bool present = false;
  struct stat st {};
};
using Hidden = std::vector<HiddenEntry>;

bool is_hidden(const Hidden& hidden, const std::string& path) {
  return std::any_of(hidden.begin(), hidden.end(), [&](const HiddenEntry& e) { return e.path == path; });
}

using Grants = std::vector<std::pair<std::string, std::uint64_t>>;

// Collects a read grant for every entry beneath `dir` (open as dir_fd) that
// any user may read and that is not hidden. Returns whether all of it is
// such: then the caller grants `dir` as a whole instead.
bool walk(int dir_fd, const std::string& dir, const Hidden& hidden, Grants& grants, int depth) {
  DIR* stream = ::fdopendir(dir_fd);
  if (stream == nullptr) {
    ::close(dir_fd);
    return false;
  }
  bool clean = true;
  Grants mine;
  while (const dirent* entry = ::readdir(stream)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir + "/" + name;
    struct stat st {};
    if (is_hidden(hidden, path) || ::fstatat(::dirfd(stream), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      clean = false;
      continue;
    }
    if (S_ISLNK(st.st_mode)) continue;  // Landlock judges where it leads
    if (!S_ISDIR(st.st_mode)) {
      if ((st.st_mode & S_IROTH) != 0) {
        mine.emplace_back(path, landlock::kRead);
      } else {
        clean = false;
      }
      continue;
    }
    const int sub = (st.st_mode & (S_IROTH | S_IXOTH)) == (S_IROTH | S_IXOTH) && depth < 32
                        ? ::openat(::dirfd(stream), name.c_str(),
                                   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                        : -1;
    if (sub < 0) {
      clean = false;
      continue;
    }
    Grants beneath;
    if (walk(sub, path, hidden, beneath, depth + 1)) {
      mine.emplace_back(path, landlock::kRead);
    } else {
      clean = false;
      mine.emplace_back(path, landlock::kRead & ~landlock::kFileRights);  // list it, nothing more
      for (auto& g : beneath) mine.push_back(std::move(g));
    }
  }
  ::closedir(stream);
  if (!clean) {
    for (auto& g : mine) grants.push_back(std::move(g));
  }
  return clean;
}

// The deny list; an entry that is a symlink hides its target too when that
// is in /etc (elsewhere it is not in the view).
Hidden hidden_list(const Policy& policy) {
  Hidden hidden;
  const auto add = [&](std::string path) {
    HiddenEntry entry{std::move(path)};
    entry.present = ::lstat(entry.path.c_str(), &entry.st) == 0;
    hidden.push_back(std::move(entry));
  };
  for (const char* path : kHidden) add(path);
  for (const auto& path : policy.etc_hidden) add(path);
  const std::size_t listed = hidden.size();
  for (std::size_t i = 0; i < listed; ++i) {
    if (!hidden[i].present || !S_ISLNK(hidden[i].st.st_mode)) continue;
    char target[PATH_MAX];
    if (::realpath(hidden[i].path.c_str(), target) != nullptr && std::string_view(target).starts_with("/etc/")) {
      add(target);
    }
  }
  return hidden;
}

// Whether the program could read `path` were it not covered: through the
// idmapped tree only "other" applies; otherwise the caller's own access.
bool readable_inside(const std::string& path, const struct stat& st, bool idmapped) {
  if (idmapped) {
    return S_ISDIR(st.st_mode) ? (st.st_mode & (S_IROTH | S_IXOTH)) != 0
                               : (st.st_mode & S_IROTH) != 0;
  }
  if ((st.st_mode & S_IROTH) != 0) return true;  // no need to ask the kernel
  return ::faccessat(AT_FDCWD, path.c_str(), R_OK, AT_EACCESS) == 0 ||
         (S_ISDIR(st.st_mode) && ::faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) == 0);
}

}  // namespace

std::span<const char* const> hidden_etc_entries() { return kHidden; }

Result<EtcPlan> plan_etc(const Policy& policy, uid_t caller_uid, bool without_namespaces, bool prepare_tree) {
  EtcPlan plan;
  struct stat etc {};
  if (!policy.bind_etc || ::stat("/etc", &etc) != 0 || !S_ISDIR(etc.st_mode)) return plan;
  plan.present = true;
  const Hidden hidden = hidden_list(policy);
  // Root, as its user namespace sees /etc: the owner of /etc and of the
  // files only their owner may read. Uid 0 of a user namespace that does not
  // map the host's root (unshare -r) sees them unmapped already.
  const bool owner = etc.st_uid == caller_uid;
  if (owner && !without_namespaces && prepare_tree) {
    auto tree = idmapped_tree("/etc");  // needs real root and a filesystem with idmap support
    if (tree) plan.tree = std::move(*tree);
  }
  plan.idmapped = owner && !without_namespaces && (plan.tree || !prepare_tree);
  if (without_namespaces || (owner && !plan.idmapped)) {
    // No view to cover entries in, or root would read what only its owner
    // may: Landlock alone, entry by entry.
    plan.whole = false;
    const int fd = ::open("/etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Error::from_errno("cannot read /etc");
    if (walk(fd, "/etc", hidden, plan.grants, 0)) {
      plan.grants.assign(1, {"/etc", landlock::kRead});
    } else {
      plan.grants.emplace_back("/etc", landlock::kRead & ~landlock::kFileRights);
    }
    return plan;
  }
  for (const auto& entry : hidden) {
    if (!entry.present || (!S_ISREG(entry.st.st_mode) && !S_ISDIR(entry.st.st_mode))) continue;  // symlinks: their targets count
    if (readable_inside(entry.path, entry.st, plan.idmapped)) {
      plan.covers.push_back({entry.path, S_ISDIR(entry.st.st_mode)});
    }
  }
  return plan;
}

Result<void> add_etc_rules(landlock::Ruleset& ruleset, const EtcPlan& etc) {
  if (!etc.present) return success();
  if (etc.whole) return ruleset.allow_path("/etc", landlock::kRead);
  for (const auto& [path, rights] : etc.grants) {
    if (auto ok = ruleset.allow_path_if_present(path, rights); !ok) return ok;
  }
  return success();
}

void add_etc_to_view(ViewPlan& view, const EtcPlan& etc) {
  auto at = std::find_if(view.ops.begin(), view.ops.end(), [](const MountOp& op) {
    return op.kind == OpKind::bind_ro && op.target == "/etc";
  });
  if (at == view.ops.end()) return;
  if (etc.idmapped) at->kind = OpKind::attach;
  std::vector<MountOp> covers;
  for (const auto& cover : etc.covers) {
    MountOp op;
    op.kind = OpKind::cover;
    op.target = cover.path;
    op.mode = 0;
    op.source_is_dir = cover.is_directory;
    covers.push_back(std::move(op));
  }
  view.ops.insert(at + 1, covers.begin(), covers.end());
}

void lend_etc_tree(const ViewPlan& view, const EtcPlan& etc, std::vector<int>& source_fds) {
  for (std::size_t i = 0; i < view.ops.size() && i < source_fds.size(); ++i) {
    if (view.ops[i].kind == OpKind::attach && view.ops[i].target == "/etc") source_fds[i] = etc.tree.get();
  }
}

}  // namespace sandbox::fs
