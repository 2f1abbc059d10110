// The service's listening socket (DESIGN §14): the one systemd passed
// (socket activation, LISTEN_FDS), or pool.sock bound in the user's 0700
// directory (pool/socket_dir.h), mode 0600, SOCK_SEQPACKET.
#pragma once

#include <string>

#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::service {

struct Listener {
  UniqueFd fd;
  std::string path;  // "" when systemd owns the socket
  bool bound_here = false;
};

Result<Listener> listen_for_jobs();

}  // namespace sandbox::service
