// The terminal of `run` and `exec` in the foreground without
// --console-socket: we are the console socket's other end and relay
// between our own stdio and the pty's master (runc does the same).
#pragma once

#include <string>
#include <utility>

#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::oci {

// Removes its socket and directory when it goes.
struct ConsoleSocket {
  std::string path;
  UniqueFd listener;
  std::string dir;
  ConsoleSocket() = default;
  ConsoleSocket(ConsoleSocket&& other) noexcept
      : path(std::exchange(other.path, {})), listener(std::move(other.listener)),
        dir(std::exchange(other.dir, {})) {}
  ConsoleSocket& operator=(ConsoleSocket&&) = delete;
  ConsoleSocket(const ConsoleSocket&) = delete;
  ConsoleSocket& operator=(const ConsoleSocket&) = delete;
  ~ConsoleSocket();
};

// A listening socket in a private temporary directory.
Result<ConsoleSocket> make_console_socket();
// Accepts one connection and receives the master (SCM_RIGHTS).
Result<UniqueFd> receive_master(const ConsoleSocket& socket);
// Relays stdin -> master and master -> stdout until the process (pidfd)
// exits and the master has drained. Our terminal is raw meanwhile.
void relay_console(int master, int pidfd);
void remove_console_socket(ConsoleSocket& socket);

}  // namespace sandbox::oci
