// -s / --shred (DESIGN §9): every file the sandbox wrote in a -H or -T
// directory is overwritten, synced and removed when the sandbox ends.
//
// "Wrote" is measured against a snapshot taken before the start: a file
// that is new, or whose inode or ctime changed, is shredded; what was there
// before and is untouched stays. A file with other hard links (the program
// may have linked a file it was granted into the scratch) is only unlinked:
// overwriting it would destroy data outside the scratch. Symlinks are never
// followed; the walk uses directory fds (openat, O_NOFOLLOW).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox::scratch {

class Shredder {
 public:
  // Records what `dir` holds now.
  static Result<Shredder> snapshot(const std::string& dir);
  // Overwrites and removes what changed since; returns how many files were
  // overwritten. Errors name the file.
  Result<std::size_t> shred() const;

  struct Entry {
    dev_t dev;
    ino_t ino;
    struct timespec ctime;
  };

 private:
  explicit Shredder(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
  std::vector<Entry> before_;
};

// -s: snapshots of the -H and -T directories of policy (none without -s).
Result<std::vector<Shredder>> snapshot_scratch(const Policy& policy);

// Shreds each; failures are appended to *message (one line each).
void shred_all(const std::vector<Shredder>& shredders, std::string* message);

}  // namespace sandbox::scratch
