// The view (DESIGN §2.1): the mount namespace the program sees.
//
// The supervisor plans the view as an ordered list of typed operations
// (bubblewrap's idea); the child executes them with one small interpreter.
// Every bind source is cloned (open_tree) before the new root is attached,
// so no source can be hidden by the staging mount.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox::fs {

enum class OpKind : std::uint8_t {
  dir,          // mkdir target (and its parents)
  symlink,      // symlink target -> link
  bind_ro,      // bind source read-only (nosuid, nodev), recursive
  bind_rw,      // bind source read-write (nosuid, nodev, noexec), recursive
  bind_exec,    // bind source read-only, executable
  bind_rw_exec, // bind source read-write and executable (--rw DIR --exec DIR: W^X lifted)
  bind_device,  // bind a host device node (nosuid, noexec)
  tmpfs,        // a fresh tmpfs (nosuid, nodev) with `mode`
  proc,         // a proc of the new pid namespace
  remount_ro,   // make an already mounted target read-only (recursive)
  devpts,       // a new devpts instance (the program's own pseudo-terminals)
  file,         // write `link` (contents) to `source` inside the view, bind it read-only on target
  attach,       // attach a tree the supervisor prepared (its fd is in the op's source_fds slot)
  cover,        // cover target with an empty, read-only mode-0000 file or directory (EACCES)
};

struct MountOp {
  OpKind kind = OpKind::dir;
  std::string target;    // absolute path inside the view
  std::string source;    // host path (binds)
  std::string link;      // symlink contents
  unsigned mode = 0755;  // tmpfs / dir mode
  bool source_is_dir = true;
  // The identity of source when it was planned (binds of granted paths):
  // the child re-resolves source without following symlinks and binds it
  // only if it is still this file. 0, 0: not checked.
  std::uint64_t source_dev = 0;
  std::uint64_t source_ino = 0;
  // Landlock rights the child grants on target once the view exists, for
  // what has no inode before clone3 (its /proc, /dev, scratch tmpfs).
  std::uint64_t child_rights = 0;
};

struct ViewPlan {
  std::vector<MountOp> ops;
};

// A granted path bound into the view (DESIGN §2.2): read always, write and
// execute as granted.
struct Bind {
  std::string source;  // the host file, canonical
  std::string target;  // where it appears in the view
  bool write = false;
  bool execute = false;
  bool is_dir = true;
  std::uint64_t dev = 0;  // its identity, checked by the child (0, 0: not checked)
  std::uint64_t ino = 0;
};

struct Identity {
  std::string home;  // the caller's $HOME, an empty tmpfs inside
};

// What the host offers for the view, with the granted binds (parents are
// bound before what lies beneath them).
Result<ViewPlan> plan_view(const Policy& policy, const Identity& identity,
                           const std::vector<Bind>& binds);
// The same from plain grants (bound at their own path or target, as asked).
// Fails when a granted path is missing.
Result<ViewPlan> plan_view(const Policy& policy, const Identity& identity,
                           const std::vector<PathGrant>& grants);

// Adds /dev/pts (a new devpts instance) and /dev/ptmx -> pts/ptmx, for a
// run with a pseudo-terminal (DESIGN §2.1).
void add_pty_devices(ViewPlan& plan);

// Binds a generated file, read-only, over `target` (which must exist in the
// view): e.g. resolv.conf for --allow-dns. The file is granted `child_rights`.
void add_generated_file(ViewPlan& plan, const std::string& target, const std::string& contents,
                        std::uint64_t child_rights);

// A description of op i for error messages: "bind /usr read-only".
std::string describe(const MountOp& op);

// ---- child side: async-signal-safe, no allocation -------------------------

// Where the new root is attached before pivot_root.
inline constexpr const char* kStagingDir = "/tmp";

// Clones every bind source into a detached mount (fd in source_fds[i]).
// Returns 0 or errno; *failed is the op index.
int clone_sources(const ViewPlan& plan, int* source_fds, std::size_t* failed) noexcept;
// Mounts the root tmpfs at kStagingDir; returns its fd in *root_fd.
int mount_root(int* root_fd) noexcept;
// Executes the operations beneath root_fd.
int build_view(const ViewPlan& plan, int root_fd, const int* source_fds,
               std::size_t* failed) noexcept;

}  // namespace sandbox::fs
