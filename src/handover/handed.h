// Handed-over descriptors (DESIGN §2.3): what the caller gives the sandbox
// as open files (0, 1, 2, --fd N, pipes named by the arguments), and what
// each one may be reopened as.
//
// The input is a list of {descriptor in the supervisor, number inside}; the
// access mode is the descriptor's own. Planned here, in the supervisor:
// Landlock rules on the handed inodes (landlock.h), the read-only files and
// directories that init reopens through a private read-only mount of that
// one file (reopen.h), and the offsets those give back (offsets.h).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/error.h"

namespace sandbox::handover {

enum class Kind : std::uint8_t { regular, directory, fifo, pipe, socket, char_device, other };

struct Descriptor {
  int fd = -1;      // open in the supervisor
  int number = -1;  // the number it has inside
};

struct Handed {
  int fd = -1;
  int number = -1;
  int access = 0;        // O_RDONLY, O_WRONLY or O_RDWR (O_PATH kept as is)
  int status_flags = 0;  // F_GETFL without the access mode
  Kind kind = Kind::other;
  dev_t dev = 0;
  ino_t ino = 0;
  // A read-only regular file or directory that init reopens through a
  // read-only mount of its own (metadata changes and writes get EROFS):
  // its host path, or "" when it has none (deleted, from elsewhere).
  std::string reopen_path;
  // A relayed pipe (relay.h): the inner pipe's end init puts at `number`,
  // and the supervisor's end, which init closes. Both are owned by the
  // Relay; -1 when the descriptor is passed as it is.
  int inner = -1;
  int relay_end = -1;
  bool readable() const;
  bool writable() const;
};

// What each descriptor is. One that is not open is left out (a closed
// stdin stays closed).
Result<std::vector<Handed>> describe(const std::vector<Descriptor>& descriptors);

}  // namespace sandbox::handover
