// A cgroup directory that this process created for one sandbox: a v2 leaf
// (tracking, cgroup.kill, v2 controllers) or a v1 child of one controller's
// hierarchy. RAII: destroying it kills what is left inside and removes it.
//
// Names are "sandbox-<cA.cB>-<supervisor pid>" under a "sandbox" parent
// that is created once and kept; a later run removes the empty leaves of
// supervisors that died without cleaning up (sweep_stale).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::cgroup {

class Leaf {
 public:
  Leaf() = default;
  // Makes <parent>/<name>, and <parent> itself when missing.
  static Result<Leaf> create(const std::string& parent, const std::string& name, bool v2);
  Leaf(Leaf&& other) noexcept;
  Leaf& operator=(Leaf&& other) noexcept;
  Leaf(const Leaf&) = delete;
  Leaf& operator=(const Leaf&) = delete;
  ~Leaf() { remove(); }

  const std::string& path() const { return path_; }
  int fd() const { return dir_.get(); }  // for CLONE_INTO_CGROUP
  bool v2() const { return v2_; }

  // Writes one control file ("memory.limit_in_bytes", "67108864").
  Result<void> write(const char* file, const std::string& value) const;
  // The first number in a control file ("memory.max_usage_in_bytes").
  std::optional<std::uint64_t> read_number(const char* file) const;
  // The number after `key` in a "key value" file ("memory.events", "oom_kill").
  std::optional<std::uint64_t> read_key(const char* file, const char* key) const;
  // cgroup.procs, opened for writing: a process that writes "0" joins.
  Result<UniqueFd> open_procs() const;

  // Ends every process inside with SIGKILL (v2: cgroup.kill).
  void kill() const;
  // Kills what is left and removes the directory. Idempotent; false if the
  // directory is still there (a later run's sweep removes it).
  bool remove();

 private:
  bool populated() const;
  bool wait_until_empty() const;

  std::string path_;
  UniqueFd dir_;
  bool v2_ = false;
};

// A v2 leaf's removal, prepared in memory that a forked helper keeps: its
// path in a fixed buffer, so that the removal needs no allocation. Run by
// the network-namespace helper once init has exited (net/namespace.h), so
// that the supervisor can return the status before init's teardown ends.
struct DeferredRemoval {
  char path[512] = {};
  bool prepared = false;
};
// Fills `removal` for `leaf` (false if its path does not fit).
bool prepare_removal(const Leaf& leaf, DeferredRemoval& removal);
// Async-signal-safe: SIGKILL to what is left (cgroup.kill), then rmdir,
// retried while the kernel still counts an exiting process (at most ~1 s).
void remove_deferred(const void* removal) noexcept;

// "sandbox-c12.c345-<pid>" for the label "sandbox_t:s0:c12,c345".
std::string leaf_name(const std::string& label, pid_t supervisor);

// Child side (no allocation): the calling process joins each group by
// writing "0" to its cgroup.procs, then closes the descriptors, which were
// opened by the supervisor and must not stay with the sandbox.
int join_groups(const std::vector<UniqueFd>& procs) noexcept;

// Removes the empty leaves under parent whose supervisor is gone. Touches
// only names of leaf_name's form; never a directory that is not empty.
void sweep_stale(const std::string& parent);

}  // namespace sandbox::cgroup
