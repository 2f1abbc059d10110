// One descriptor and one int over a Unix socket (SCM_RIGHTS), without
// allocation: usable between clone3 and exec.
#pragma once

namespace sandbox::util {

// Sends `word`, with `fd` attached unless it is negative. Returns 0 or errno.
int send_fd(int socket, int word, int fd) noexcept;

// Receives what send_fd sent; `flags` for recvmsg (MSG_DONTWAIT...). The
// descriptor arrives O_CLOEXEC; *fd is -1 when none came with the word.
// Returns 0, errno, or EPIPE when the peer closed without sending.
int receive_fd(int socket, int flags, int* word, int* fd) noexcept;

}  // namespace sandbox::util
