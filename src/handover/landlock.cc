#include "handover/landlock.h"

#include <cerrno>

#include "util/sys.h"

namespace sandbox::handover {

std::uint64_t rights_for(const Handed& handed) {
  if (handed.kind != Kind::regular && handed.kind != Kind::fifo && handed.kind != Kind::char_device) {
    return 0;
  }
  std::uint64_t rights = 0;
  if (handed.readable()) rights |= sys::kLandlockFsReadFile;
  // Truncating is no more than the descriptor allows (ftruncate on it):
  // `> /dev/stdout` opens with O_TRUNC.
  if (handed.writable()) rights |= sys::kLandlockFsWriteFile | sys::kLandlockFsTruncate;
  // A terminal or device reopened by name keeps its ioctls; TIOCSTI and
  // TIOCLINUX stay denied by seccomp.
  if (handed.kind == Kind::char_device && rights != 0) rights |= sys::kLandlockFsIoctlDev;
  return rights;
}

Result<void> grant(landlock::Ruleset& ruleset, const std::vector<Handed>& handed) {
  for (const Handed& h : handed) {
    const std::uint64_t rights = rights_for(h);
    if (rights == 0) continue;
    const int err = ruleset.allow_fd(h.fd, rights, false);
    // A file on a kernel-internal mount (a memfd) is no Landlock object:
    // Landlock does not stop its reopening either, so no rule is needed.
    if (err == EBADFD) continue;
    if (err != 0) {
      return Error("cannot grant descriptor " + std::to_string(h.number) + " in Landlock", err);
    }
  }
  return success();
}

}  // namespace sandbox::handover
