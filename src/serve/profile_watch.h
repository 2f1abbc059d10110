// Whether the profiles the service loaded may have changed (DESIGN §14).
//
// The full client tells the service its policy's fingerprint, so a changed
// default profile shows as a mismatch. The lean client (lean/client.cc)
// sends no policy: for its jobs the service looks at the files instead.
// It notes, when it loads the default profile, every profile search
// directory (profile::search_dirs) and every *.toml in them; a directory
// whose entries changed (created, removed, renamed: its mtime) or a file
// whose identity, size or times changed means "reload and compare". A
// profile included by a path outside the search directories is not seen:
// the lean path then serves the policy the service loaded, until the next
// full client's fingerprint, the age limit or a mount change replaces it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace sandbox::service {

class ProfileWatch {
 public:
  // Notes the search directories and their profiles as they are now.
  static ProfileWatch take();
  // Whether anything noted differs now (a few stat calls).
  bool changed() const;

 private:
  struct Entry {
    std::string path;
    bool exists = false;
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    long mtime_ns = 0;
    long ctime_ns = 0;
    bool operator==(const Entry&) const = default;
  };
  static Entry look(const std::string& path);
  std::vector<Entry> entries_;
};

}  // namespace sandbox::service
