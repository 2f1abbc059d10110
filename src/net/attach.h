// The supervisor's side of --net=filtered: attach slirp4netns when init asks.
#pragma once

#include <optional>

#include "net/slirp.h"
#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::net {

// A connected SOCK_SEQPACKET pair: [0] for the supervisor, [1] for init.
Result<std::pair<UniqueFd, UniqueFd>> make_channel();

// Waits for init's request on `channel`, starts slirp4netns for the
// namespaces of init (`init_pidfd`), waits until tap0 is configured and
// tells init. Returns std::nullopt when init ended before slirp4netns was
// ready (its own report says why); slirp4netns is then already stopped.
Result<std::optional<Slirp>> attach(const SlirpOptions& options, int channel, int init_pidfd);

}  // namespace sandbox::net
