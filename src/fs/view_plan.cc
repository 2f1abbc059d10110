// Planning the view in the supervisor: stat the host, decide every mount.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "fs/view.h"
#include "landlock/ruleset.h"

namespace sandbox::fs {
namespace {

bool is_beneath(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                         path[dir.size()] == '/');
}

std::size_t depth(const std::string& path) {
  return static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
}

OpKind bind_kind(const Bind& bind) {
  if (bind.write) return bind.execute ? OpKind::bind_rw_exec : OpKind::bind_rw;
  return bind.execute ? OpKind::bind_exec : OpKind::bind_ro;
}

MountOp make_op(OpKind kind, std::string target, std::string source = {}, std::string link = {},
                unsigned mode = 0755, bool source_is_dir = true, std::uint64_t child_rights = 0) {
  MountOp op;
  op.kind = kind;
  op.target = std::move(target);
  op.source = std::move(source);
  op.link = std::move(link);
  op.mode = mode;
  op.source_is_dir = source_is_dir;
  op.child_rights = child_rights;
  return op;
}

constexpr std::array kEmptyDirs = {"/tmp", "/var/tmp", "/run", "/home", "/root",
                                   "/mnt",  "/media",   "/srv", "/proc", "/dev"};
constexpr std::array kDevices = {"null", "zero", "full", "random", "urandom", "tty"};

}  // namespace

Result<ViewPlan> plan_view(const Policy& policy, const Identity& identity,
                           const std::vector<Bind>& binds) {
  ViewPlan plan;
  auto& ops = plan.ops;
  // -M: the scratch is writable; executable too only with --scratch-exec (W^X).
  const std::uint64_t scratch_rights =
      policy.private_scratch
          ? landlock::kRead | landlock::kWrite | (policy.scratch_exec ? landlock::kExecute : 0)
          : 0;

  // System trees, exactly as on the host: a symlink stays a symlink.
  std::vector<std::string> bound_read_only;
  for (const auto& tree : policy.system_trees) {
    struct stat st {};
    if (::lstat(tree.c_str(), &st) != 0) continue;  // absent on this host (/opt, /libx32)
    if (S_ISLNK(st.st_mode)) {
      std::array<char, 4096> buf{};
      const ssize_t n = ::readlink(tree.c_str(), buf.data(), buf.size() - 1);
      if (n < 0) return Error::from_errno("cannot read the symlink " + tree);
      ops.push_back(make_op(OpKind::symlink, tree, {}, std::string(buf.data(), static_cast<std::size_t>(n))));
    } else if (S_ISDIR(st.st_mode)) {
      ops.push_back(make_op(OpKind::bind_exec, tree, tree));
      bound_read_only.push_back(tree);
    }
  }
  if (policy.bind_etc && ::access("/etc", F_OK) == 0) {
    ops.push_back(make_op(OpKind::bind_ro, "/etc", "/etc"));
    bound_read_only.emplace_back("/etc");
  }

  for (const char* dir : kEmptyDirs) ops.push_back(make_op(OpKind::dir, dir));
  // /tmp and $HOME are writable tmpfs mounts even without -M, so that
  // Landlock, not a read-only mount, answers a write there.
  ops.push_back(make_op(OpKind::tmpfs, "/tmp", {}, {}, 01777, true, scratch_rights));
  const std::string& home = identity.home;
  // $HOME gets its own tmpfs unless it is one of the fixed places of the view.
  const bool home_usable =
      home.size() > 1 && home[0] == '/' && home != "/tmp" && !is_beneath(home, "/proc") &&
      !is_beneath(home, "/dev") &&
      std::none_of(bound_read_only.begin(), bound_read_only.end(),
                   [&](const std::string& tree) { return is_beneath(home, tree); });
  if (home_usable) {
    ops.push_back(make_op(OpKind::dir, home));
    ops.push_back(make_op(OpKind::tmpfs, home, {}, {}, 0700, true, scratch_rights));
  }

  // Its own /proc, with /proc/sys read-only and the host boot id hidden.
  ops.push_back(make_op(OpKind::proc, "/proc", {}, {}, 0555, true, landlock::kRead));
  ops.push_back(make_op(OpKind::bind_device, "/proc/sys/kernel/random/boot_id", "/dev/null", {}, 0, false));
  ops.push_back(make_op(OpKind::remount_ro, "/proc/sys"));

  // A minimal /dev.
  ops.push_back(make_op(OpKind::tmpfs, "/dev", {}, {}, 0755, true, landlock::kRead));
  for (const char* node : kDevices) {
    const std::string path = std::string("/dev/") + node;
    if (::access(path.c_str(), F_OK) == 0) {
      ops.push_back(make_op(OpKind::bind_device, path, path, {}, 0, false));
    }
  }
  ops.push_back(make_op(OpKind::symlink, "/dev/fd", {}, "/proc/self/fd"));
  ops.push_back(make_op(OpKind::symlink, "/dev/stdin", {}, "/proc/self/fd/0"));
  ops.push_back(make_op(OpKind::symlink, "/dev/stdout", {}, "/proc/self/fd/1"));
  ops.push_back(make_op(OpKind::symlink, "/dev/stderr", {}, "/proc/self/fd/2"));
  ops.push_back(make_op(OpKind::tmpfs, "/dev/shm", {}, {}, 01777, true, landlock::kRead | landlock::kWrite));

  // Granted paths, parents before children.
  std::vector<Bind> sorted = binds;
  std::stable_sort(sorted.begin(), sorted.end(), [&](const Bind& a, const Bind& b) {
    return depth(a.target) < depth(b.target);
  });
  for (const auto& bind : sorted) {
    MountOp op = make_op(bind_kind(bind), bind.target, bind.source);
    op.source_is_dir = bind.is_dir;
    op.source_dev = bind.dev;
    op.source_ino = bind.ino;
    ops.push_back(std::move(op));
  }
  return plan;
}

Result<ViewPlan> plan_view(const Policy& policy, const Identity& identity,
                           const std::vector<PathGrant>& grants) {
  std::vector<Bind> binds;
  for (const auto& grant : grants) {
    struct stat st {};
    if (::stat(grant.path.c_str(), &st) != 0) {
      return Error::from_errno(grant.path + ": cannot be granted");
    }
    Bind bind;
    bind.source = grant.path;
    bind.target = grant.target.empty() ? grant.path : grant.target;
    bind.write = grant.access == Access::read_write;
    bind.execute = grant.access == Access::execute;
    bind.is_dir = S_ISDIR(st.st_mode);
    binds.push_back(std::move(bind));
  }
  return plan_view(policy, identity, binds);
}

void add_pty_devices(ViewPlan& plan) {
  plan.ops.push_back(make_op(OpKind::devpts, "/dev/pts", {}, {}, 0755, true,
                             landlock::kRead | landlock::kDevice));
  plan.ops.push_back(make_op(OpKind::symlink, "/dev/ptmx", {}, "pts/ptmx"));
}

void add_generated_file(ViewPlan& plan, const std::string& target, const std::string& contents,
                        std::uint64_t child_rights) {
  std::string staged = "/.sandbox" + target;  // on the root tmpfs, read-only once the view is built
  plan.ops.push_back(make_op(OpKind::file, target, std::move(staged), contents, 0444, false,
                             child_rights));
}

std::string describe(const MountOp& op) {
  // A grant shown elsewhere (a path typed through a symlink, -H, -T) names both places.
  const bool moved = (op.kind == OpKind::bind_ro || op.kind == OpKind::bind_rw ||
                      op.kind == OpKind::bind_exec || op.kind == OpKind::bind_rw_exec) &&
                     !op.target.empty() && op.target != op.source;
  if (moved) {
    MountOp same = op;
    same.target = op.source;
    return describe(same) + " at " + op.target;
  }
  switch (op.kind) {
    case OpKind::dir: return "create the directory " + op.target;
    case OpKind::symlink: return "create the symlink " + op.target + " -> " + op.link;
    case OpKind::bind_ro: return "bind " + op.source + " read-only";
    case OpKind::bind_rw: return "bind " + op.source + " read-write";
    case OpKind::bind_exec: return "bind " + op.source + " read-only";
    case OpKind::bind_rw_exec: return "bind " + op.source + " read-write, executable";
    case OpKind::bind_device: return "bind the device " + op.source + " at " + op.target;
    case OpKind::tmpfs: return "mount a tmpfs at " + op.target;
    case OpKind::proc: return "mount proc at " + op.target;
    case OpKind::remount_ro: return "make " + op.target + " read-only";
    case OpKind::devpts: return "mount devpts at " + op.target;
    case OpKind::file: return "bind a generated file over " + op.target;
    case OpKind::attach: return "attach the prepared " + op.target;
    case OpKind::cover: return "cover " + op.target;
  }
  return op.target;
}

}  // namespace sandbox::fs
