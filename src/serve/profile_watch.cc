#include "serve/profile_watch.h"

#include <dirent.h>
#include <sys/stat.h>

#include <memory>

#include "sandbox/profile.h"

namespace sandbox::service {

ProfileWatch::Entry ProfileWatch::look(const std::string& path) {
  Entry entry;
  entry.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return entry;
  entry.exists = true;
  entry.dev = st.st_dev;
  entry.ino = st.st_ino;
  entry.size = st.st_size;
  entry.mtime_ns = st.st_mtim.tv_sec * 1'000'000'000L + st.st_mtim.tv_nsec;
  entry.ctime_ns = st.st_ctim.tv_sec * 1'000'000'000L + st.st_ctim.tv_nsec;
  return entry;
}

ProfileWatch ProfileWatch::take() {
  ProfileWatch watch;
  for (const auto& dir : profile::search_dirs()) {
    watch.entries_.push_back(look(dir));
    const std::unique_ptr<DIR, int (*)(DIR*)> listing(::opendir(dir.c_str()), ::closedir);
    if (!listing) continue;
    while (const dirent* entry = ::readdir(listing.get())) {
      const std::string name = entry->d_name;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".toml") == 0) {
        watch.entries_.push_back(look(dir + "/" + name));
      }
    }
  }
  return watch;
}

bool ProfileWatch::changed() const {
  for (const auto& entry : entries_) {
    if (!(look(entry.path) == entry)) return true;
  }
  return false;
}

}  // namespace sandbox::service
