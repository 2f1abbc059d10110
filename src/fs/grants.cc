// resolve_grants: every grant canonicalised first, then checked by what it is.
#include "fs/grants.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <deque>

#include "util/sys.h"

namespace sandbox {
namespace {

// Kernel pseudo filesystems whose host instance must never be handed over:
// the host's processes, devices, kernel state and security policy.
constexpr std::array<unsigned long, 17> kPseudoFilesystems = {
    PROC_SUPER_MAGIC,   SYSFS_MAGIC,      DEVPTS_SUPER_MAGIC,   CGROUP_SUPER_MAGIC,
    CGROUP2_SUPER_MAGIC, SECURITYFS_MAGIC, DEBUGFS_MAGIC,        TRACEFS_MAGIC,
    BPF_FS_MAGIC,       PSTOREFS_MAGIC,   EFIVARFS_MAGIC,       0x65735543UL /* fusectl */,
    BINFMTFS_MAGIC,     NSFS_MAGIC,       SELINUX_MAGIC,        SMACK_MAGIC,
    0x62656570UL /* configfs */};
// The host's own trees of those, by name.
constexpr std::array<const char*, 3> kPseudoTrees = {"/proc", "/sys", "/dev"};

bool is_beneath(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                         path[dir.size()] == '/');
}

bool is_pseudo_magic(unsigned long magic) {
  return std::find(kPseudoFilesystems.begin(), kPseudoFilesystems.end(), magic) !=
         kPseudoFilesystems.end();
}

// The host tree a path lies in, by name: "/proc", "/sys", "/dev", or "".
std::string pseudo_tree_of(const std::string& path) {
  for (const char* tree : kPseudoTrees) {
    if (is_beneath(path, tree)) return tree;
  }
  return {};
}

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    if (end > start) parts.push_back(path.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

std::string parent_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::string join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

struct Walk {
  std::string canonical;
  bool via_symlink = false;
  std::string symlink;      // the first one met: "link -> content"
  std::string pseudo_link;  // a symlink met inside a kernel pseudo filesystem
};

// Resolves an absolute path component by component, as the kernel does,
// noting every symlink on the way (realpath(3) does not say whether it met
// one). The result names no symlink, ".", ".." or "//".
Result<Walk> walk(const std::string& absolute) {
  Walk w;
  std::string done = "/";
  std::deque<std::string> todo;
  for (auto& part : components(absolute)) todo.push_back(std::move(part));
  int links = 0;
  while (!todo.empty()) {
    const std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      done = parent_of(done);
      continue;
    }
    const std::string next = join(done, part);
    struct stat st {};
    if (::lstat(next.c_str(), &st) != 0) return Error::from_errno(next);
    if (S_ISLNK(st.st_mode)) {
      if (++links > 40) return Error(next, ELOOP);
      std::array<char, PATH_MAX> buf{};
      const ssize_t n = ::readlink(next.c_str(), buf.data(), buf.size() - 1);
      if (n < 0) return Error::from_errno(next);
      const std::string content(buf.data(), static_cast<std::size_t>(n));
      if (!w.via_symlink) w.symlink = next + " -> " + content;
      w.via_symlink = true;
      // A symlink of /proc or /dev (/proc/self/fd/N, /dev/stdin) leads out
      // of the file tree; it is never followed into a grant.
      struct statfs fs {};
      if (w.pseudo_link.empty() &&
          (!pseudo_tree_of(next).empty() ||
           (::statfs(done.c_str(), &fs) == 0 && is_pseudo_magic(static_cast<unsigned long>(fs.f_type))))) {
        w.pseudo_link = next;
      }
      auto target = components(content);
      todo.insert(todo.begin(), target.begin(), target.end());
      if (!content.empty() && content[0] == '/') done = "/";
      continue;
    }
    if (!S_ISDIR(st.st_mode) && !todo.empty()) return Error(next, ENOTDIR);
    done = next;
  }
  w.canonical = done;
  return w;
}

// The path as typed, absolute: "." and "//" dropped; a ".." is resolved
// physically (up to it the path is walked), as the kernel would.
Result<std::string> typed_absolute(const std::string& path, const std::string& base) {
  std::string absolute = path[0] == '/' ? path : base + "/" + path;
  auto parts = components(absolute);
  std::size_t last_dotdot = parts.size();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "..") last_dotdot = i;
  }
  std::string out = "/";
  std::size_t from = 0;
  if (last_dotdot != parts.size()) {
    std::string prefix;
    for (std::size_t i = 0; i <= last_dotdot; ++i) prefix += "/" + parts[i];
    auto w = walk(prefix);
    if (!w) return std::move(w).error();
    out = w->canonical;
    from = last_dotdot + 1;
  }
  for (std::size_t i = from; i < parts.size(); ++i) {
    if (parts[i] != ".") out = join(out, parts[i]);
  }
  return out;
}

std::string current_directory() {
  std::array<char, PATH_MAX> buf{};
  return ::getcwd(buf.data(), buf.size()) != nullptr ? std::string(buf.data()) : std::string("/");
}

Error forbidden(const std::string& option, const std::string& tree) {
  if (tree == "/") {
    return Error(option + ": refusing to hand over the host's whole /")
        .with_hint("grant the specific paths the program needs");
  }
  return Error(option + ": refusing to hand over the host's " + tree +
               " (a kernel pseudo filesystem)")
      .with_hint("the sandbox has its own /proc and /dev; grant ordinary files and directories");
}

UniqueFd open_no_symlinks(const std::string& path) {
  return UniqueFd(sys::openat2(AT_FDCWD, path.c_str(), O_PATH | O_CLOEXEC, 0,
                                  RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS));
}

Result<ResolvedGrant> resolve_one(const PathGrant& requested, const std::string& base,
                                  bool refuse_symlinks) {
  const std::string option = std::string(grant_option(requested.access)) + " " + requested.path;
  if (requested.path.empty()) return Error(grant_option(requested.access) + std::string(": empty path"));
  if (requested.path.find('\0') != std::string::npos) return Error(option + ": path contains NUL");
  const auto missing = [&](const Error& e) {
    return Error(requested.path + ": cannot be granted", e.errno_value())
        .with_hint("check the path given to --ro, --rw or --exec");
  };
  auto typed = typed_absolute(requested.path, base);
  if (!typed) return missing(typed.error());
  if (*typed == "/") return forbidden(option, "/");
  if (const auto tree = pseudo_tree_of(*typed); !tree.empty()) return forbidden(option, tree);
  auto w = walk(*typed);
  if (!w) return missing(w.error());
  if (!w->pseudo_link.empty()) {
    return Error(option + ": refusing to follow " + w->pseudo_link +
                 ", a link of a kernel pseudo filesystem")
        .with_hint("hand an open file over with --fd N instead");
  }
  if (w->canonical == "/") return forbidden(option, "/");
  if (const auto tree = pseudo_tree_of(w->canonical); !tree.empty()) return forbidden(option, tree);
  if (refuse_symlinks && w->via_symlink) {
    return Error(option + ": passes through the symlink " + w->symlink + " (refused: --refuse-symlinks)")
        .with_hint("grant the directory that holds it, or its real path");
  }
  // The file itself, opened without following any symlink: if one was
  // swapped in since the walk, this fails rather than follow it.
  UniqueFd fd = open_no_symlinks(w->canonical);
  if (!fd) {
    return Error::from_errno(option + ": cannot be granted: " + w->canonical)
        .with_hint(errno == ELOOP ? "the path changed while it was resolved" : "");
  }
  struct stat st {};
  struct statfs fs {};
  if (::fstat(fd.get(), &st) != 0 || ::fstatfs(fd.get(), &fs) != 0) {
    return Error::from_errno(option + ": cannot be granted: " + w->canonical);
  }
  if (is_pseudo_magic(static_cast<unsigned long>(fs.f_type))) return forbidden(option, w->canonical);
  // The host's /dev (devtmpfs) mounted somewhere else still is the host's /dev.
  struct stat dev_root {};
  struct stat root {};
  if (::stat("/dev", &dev_root) == 0 && ::stat("/", &root) == 0 && dev_root.st_dev != root.st_dev &&
      st.st_dev == dev_root.st_dev) {
    return forbidden(option, "/dev");
  }
  ResolvedGrant g;
  g.typed.push_back(*typed);
  g.canonical = w->canonical;
  g.target = requested.target;
  g.dev = static_cast<std::uint64_t>(st.st_dev);
  g.ino = static_cast<std::uint64_t>(st.st_ino);
  g.is_dir = S_ISDIR(st.st_mode);
  g.write = requested.access == Access::read_write;
  g.execute = requested.access == Access::execute;
  g.asked.push_back(requested.access);
  g.via_symlink = w->via_symlink;
  g.symlink = w->symlink;
  return g;
}

void merge_into(ResolvedGrant& into, ResolvedGrant&& from) {
  for (auto& t : from.typed) {
    if (std::find(into.typed.begin(), into.typed.end(), t) == into.typed.end()) into.typed.push_back(t);
  }
  into.write = into.write || from.write;
  into.execute = into.execute || from.execute;
  into.asked.insert(into.asked.end(), from.asked.begin(), from.asked.end());
  if (!into.via_symlink && from.via_symlink) into.symlink = from.symlink;
  into.via_symlink = into.via_symlink || from.via_symlink;
}

}  // namespace

const char* grant_option(Access access) {
  switch (access) {
    case Access::read: return "--ro";
    case Access::read_write: return "--rw";
    case Access::execute: return "--exec";
  }
  return "--ro";
}

Result<std::vector<ResolvedGrant>> resolve_grants(const Policy& policy, const std::string& base_dir) {
  const std::string base = base_dir.empty() ? current_directory() : base_dir;
  std::vector<ResolvedGrant> out;
  for (const auto& requested : policy.grants) {
    auto one = resolve_one(requested, base, policy.refuse_symlinks);
    if (!one) return std::move(one).error();
    auto same = std::find_if(out.begin(), out.end(), [&](const ResolvedGrant& g) {
      return g.dev == one->dev && g.ino == one->ino && g.target == one->target;
    });
    if (same == out.end()) {
      out.push_back(std::move(*one));
    } else {
      merge_into(*same, std::move(*one));
    }
  }
  return out;
}

std::vector<std::string> grant_notices(const std::vector<ResolvedGrant>& grants) {
  std::vector<std::string> lines;
  for (const auto& g : grants) {
    const std::string& first = g.typed.front();
    if (g.via_symlink && g.target.empty()) {
      lines.push_back(std::string(grant_option(g.asked.front())) + " " + first +
                      ": follows a symlink to " + g.canonical +
                      ", granted at both paths (--refuse-symlinks refuses this)");
    }
    std::vector<Access> kinds;
    for (Access a : g.asked) {
      if (std::find(kinds.begin(), kinds.end(), a) == kinds.end()) kinds.push_back(a);
    }
    if (kinds.size() < 2) continue;  // the same option twice changes nothing
    std::string options;
    for (Access a : kinds) options += (options.empty() ? "" : " and ") + std::string(grant_option(a));
    if (g.write && g.execute) {
      lines.push_back(options + " " + first + ": readable, writable and executable (W^X lifted there)");
    } else {
      lines.push_back(options + " " + first + ": merged to the union, " +
                      (g.write ? "read-write" : "read and execute"));
    }
  }
  return lines;
}

Result<UniqueFd> reopen_granted(const std::string& canonical, std::uint64_t dev, std::uint64_t ino) {
  UniqueFd fd = open_no_symlinks(canonical);
  if (!fd) return Error::from_errno(canonical + ": cannot be granted");
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error::from_errno(canonical + ": cannot be granted");
  if (static_cast<std::uint64_t>(st.st_dev) != dev || static_cast<std::uint64_t>(st.st_ino) != ino) {
    return Error(canonical + ": cannot be granted: it changed while it was resolved", ESTALE);
  }
  return fd;
}

}  // namespace sandbox
