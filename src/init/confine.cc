#include "init/confine.h"

#include <linux/keyctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace sandbox::init {

int make_undumpable() noexcept { return ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 ? 0 : errno; }

int join_fresh_keyring() noexcept {
  if (::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, nullptr, 0, 0, 0) >= 0) return 0;
  return errno == ENOSYS ? 0 : errno;
}

}  // namespace sandbox::init
