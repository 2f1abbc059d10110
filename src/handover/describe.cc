// describe(): fstat, F_GETFL and the host path of each handed descriptor.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string_view>

#include "handover/handed.h"

namespace sandbox::handover {
namespace {

Kind kind_of(mode_t mode) {
  if (S_ISREG(mode)) return Kind::regular;
  if (S_ISDIR(mode)) return Kind::directory;
  if (S_ISCHR(mode)) return Kind::char_device;
  if (S_ISSOCK(mode)) return Kind::socket;
  return Kind::other;
}

// An anonymous pipe and a FIFO are both S_ISFIFO; only a FIFO has a path
// (pipefs names its inodes "pipe:[N]").
Kind fifo_or_pipe(const std::string& link) {
  return !link.empty() && link[0] == '/' ? Kind::fifo : Kind::pipe;
}

std::string link_of(int fd) {
  std::array<char, 4096> buf{};
  const std::string proc = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(proc.c_str(), buf.data(), buf.size() - 1);
  return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string();
}

// A path init can open again: absolute and not unlinked. Whether it still
// names the same inode is checked by init after it opens it.
std::string reopenable(const std::string& link) {
  constexpr std::string_view kDeleted = " (deleted)";
  if (link.empty() || link[0] != '/') return {};
  if (link.size() >= kDeleted.size() &&
      link.compare(link.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0) {
    return {};
  }
  return link;
}

}  // namespace

bool Handed::readable() const { return access == O_RDONLY || access == O_RDWR; }
bool Handed::writable() const { return access == O_WRONLY || access == O_RDWR; }

Result<std::vector<Handed>> describe(const std::vector<Descriptor>& descriptors) {
  std::vector<Handed> out;
  for (const Descriptor& d : descriptors) {
    const int flags = ::fcntl(d.fd, F_GETFL);
    if (flags < 0) {
      if (errno == EBADF) continue;
      return Error::from_errno("descriptor " + std::to_string(d.fd) + ": fcntl");
    }
    struct stat st {};
    if (::fstat(d.fd, &st) != 0) return Error::from_errno("descriptor " + std::to_string(d.fd) + ": fstat");
    Handed h;
    h.fd = d.fd;
    h.number = d.number;
    h.access = (flags & O_PATH) != 0 ? O_PATH : (flags & O_ACCMODE);
    h.status_flags = flags & ~(O_ACCMODE | O_PATH);
    h.kind = kind_of(st.st_mode);
    h.dev = st.st_dev;
    h.ino = st.st_ino;
    if (S_ISFIFO(st.st_mode)) h.kind = fifo_or_pipe(link_of(d.fd));
    if (h.access == O_RDONLY && (h.kind == Kind::regular || h.kind == Kind::directory)) {
      h.reopen_path = reopenable(link_of(d.fd));
    }
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace sandbox::handover
