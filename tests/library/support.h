// Helpers of the library tests: pipes, reading to EOF, a scratch directory
// every user can enter.
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

namespace library_test {

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == 0) {
      read = fds[0];
      write = fds[1];
    }
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void close_read() {
    if (read >= 0) ::close(read);
    read = -1;
  }
  void close_write() {
    if (write >= 0) ::close(write);
    write = -1;
  }
};

inline std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// A directory under /tmp that every user may enter (the tests run as root
// and as uid 65534), removed at the end.
class TempDir {
 public:
  TempDir() {
    char path[] = "/tmp/sandbox-library-XXXXXX";
    if (::mkdtemp(path) != nullptr) path_ = path;
    ::chmod(path_.c_str(), 0755);
  }
  ~TempDir() {
    if (!path_.empty()) ::rmdir(path_.c_str());  // the tests leave it empty
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace library_test
