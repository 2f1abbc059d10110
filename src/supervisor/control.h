// The supervisor's side of the control socket (DESIGN §4, label/protocol.h).
//
// Clients are served from the supervisor's poll loop without ever blocking
// it: every socket is non-blocking, at most kSlots clients are held at once,
// each with a deadline for its whole exchange (request in, answer out), and
// a client that misses it is dropped. A client that connects and never
// reads or writes therefore costs the loop nothing but one slot, for at
// most kDeadline.
//
// Only the sandbox's owner (the supervisor's uid, checked with SO_PEERCRED)
// or root is answered: "info" with what the sandbox is, "kill" by killing
// the whole tree and answering once init is gone. Anyone else is refused.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <array>
#include <chrono>
#include <string>

#include "sandbox/sandbox.h"
#include "util/unique_fd.h"

namespace sandbox::supervisor {

class ControlClients {
 public:
  static constexpr int kSlots = 8;
  static constexpr std::chrono::milliseconds kDeadline{200};

  // One pollfd per slot (fd -1 when free).
  void prepare(pollfd* slots) const;
  // Milliseconds until the earliest client deadline (rounded up), or -1.
  int timeout_ms() const;
  // Accepts every pending connection on the listening socket.
  void accept_pending(Child::State& state);
  // Serves the slots poll found ready and drops the clients past their
  // deadline.
  void dispatch(Child::State& state, const pollfd* slots);

 private:
  struct Client {
    UniqueFd fd;
    bool owner = false;  // same uid as the supervisor, or root
    std::string in;      // the request line, as it arrives
    std::string out;     // the answer, once known
    std::size_t sent = 0;
    std::chrono::steady_clock::time_point deadline;
  };
  void serve(Child::State& state, Client& client, short revents);
  std::array<Client, kSlots> clients_;
};

}  // namespace sandbox::supervisor
