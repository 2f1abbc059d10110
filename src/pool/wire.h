// The pool's wire format (DESIGN §14), shared by pool/message.cc and the
// lean client (lean/client.cc, which is freestanding: this header holds
// constants only, nothing to link).
//
// One SOCK_SEQPACKET datagram per message: a Header, then `count` fields,
// each a native u32 length and its bytes; up to kMaxFds descriptors ride
// along as SCM_RIGHTS.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sandbox::pool {

enum class Kind : std::uint32_t { job = 1, accepted, declined, refused, dispatch, ready, lean_job, killed };

inline constexpr std::uint32_t kMagic = 0x50584253;  // "SBXP"
inline constexpr std::size_t kMaxFds = 8;
inline constexpr std::size_t kMaxMessage = 1 << 20;

struct Header {
  std::uint32_t magic = kMagic;
  Kind kind = Kind::job;
  std::uint32_t count = 0;
};

// The lean client's job (lean/client.cc), fields in this order:
//   kLeanProtocol, the client binary's "dev:ino", its mount namespace's
//   "dev:ino", its network namespace's "dev:ino", cwd, argv list, env list
// (lists as pool::push_list writes them: the count, then the items); fds
// 0, 1, 2. The service answers `accepted` with the full client's fields
// and two more at the end (kLeanAcceptedExtra): what the caller is told
// before the run (cli's informational lines, "" for none) and "1" when the
// policy is quiet; or `declined`/`refused`, and the lean client then
// starts the full binary's own path, which asks again. The service keeps
// the lean job's connection and, when `sandbox --kill` ends the job, sends
// `killed` (no fields) on it before the SIGKILL, so that the client says
// "the sandbox was killed" as the cold path does.
inline constexpr char kLeanProtocol[] = "lean-1";
inline constexpr std::size_t kLeanAcceptedExtra = 2;

}  // namespace sandbox::pool
