// Where a run report goes, decided without damaging it (DESIGN §8, the
// report): a regular file is replaced atomically; a stream (standard
// output or error, a FIFO, a terminal, a descriptor) is written into and
// never renamed over; a symlink is followed to its target and never
// replaced itself; anything else (a directory, "DIR/", a missing parent, a
// socket, a dangling symlink) is refused before the program runs.
#pragma once

#include <string>

#include "sandbox/error.h"

namespace sandbox::report {

struct Target {
  enum class Kind { stream, replace };
  Kind kind = Kind::stream;
  // stream: a descriptor of ours to write into (1, 2, N), or -1 to open
  // `path` for writing (a FIFO, a terminal) when the report is written.
  int fd = -1;
  // replace: the real path of the regular file (or of the file to create),
  // symlinks resolved, renamed over atomically.
  std::string path;
};

// What --report PATH names ("-": standard error; /dev/stdout, /dev/stderr,
// /dev/fd/N and /proc/self/fd/N: our own descriptor).
Result<Target> resolve_target(const std::string& path);

// A descriptor open for writing (--report-fd N, /dev/fd/N).
Result<void> check_writable_fd(int fd, const std::string& option);

// --report-append FILE: an existing file we may write that is no
// directory, or a new file in a writable directory.
Result<void> check_append(const std::string& path);

// Writes all of text at fd's own offset (never truncating).
Result<void> write_all(int fd, const std::string& text, const std::string& what);

}  // namespace sandbox::report
