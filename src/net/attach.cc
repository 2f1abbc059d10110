// Sequencing slirp4netns against init: request -> start -> ready -> answer.
#include "net/attach.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace sandbox::net {
namespace {

constexpr int kReadyTimeoutMs = 10000;

}  // namespace

Result<std::pair<UniqueFd, UniqueFd>> make_channel() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
    return Error::from_errno("cannot create the network channel (socketpair)");
  }
  return std::pair<UniqueFd, UniqueFd>(UniqueFd(fds[0]), UniqueFd(fds[1]));
}

Result<std::optional<Slirp>> attach(const SlirpOptions& options, int channel, int init_pidfd) {
  pollfd fds[2] = {{channel, POLLIN, 0}, {init_pidfd, POLLIN, 0}};
  while (::poll(fds, 2, -1) < 0) {
    if (errno != EINTR) return Error::from_errno("waiting for the sandbox to ask for its network");
  }
  char request = 0;
  if ((fds[0].revents & POLLIN) == 0 || ::recv(channel, &request, 1, MSG_DONTWAIT) != 1) {
    return std::optional<Slirp>();  // init failed before it asked
  }
  auto slirp = Slirp::start(options, init_pidfd);
  if (!slirp) return std::move(slirp).error();
  if (auto ready = slirp->wait_ready(kReadyTimeoutMs); !ready) {
    pollfd init_gone{init_pidfd, POLLIN, 0};
    if (::poll(&init_gone, 1, 0) == 1) return std::optional<Slirp>();  // init's report says why
    return std::move(ready).error().wrap("--net=filtered");
  }
  const char answer = 'r';
  if (::send(channel, &answer, 1, MSG_NOSIGNAL) != 1 && errno != EPIPE) {
    return Error::from_errno("cannot tell the sandbox that its network is ready");
  }
  return std::optional<Slirp>(std::move(*slirp));
}

}  // namespace sandbox::net
