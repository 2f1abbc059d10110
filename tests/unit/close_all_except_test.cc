// sys::close_all_except: the one mechanism init, the warm init and the
// network-namespace helper close their inherited descriptors with.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/sys.h"

namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

// In a child (closing is process-wide): opens descriptors, keeps some, and
// exits 0 only if exactly those (and the ones below `first`) are left.
TEST(CloseAllExcept, KeepsTheGivenDescriptorsInAnyOrderAndClosesTheRest) {
  const pid_t child = ::fork();
  if (child == 0) {
    int fds[6];
    for (int& fd : fds) fd = ::open("/dev/null", O_RDONLY);
    int keep[] = {fds[4], -1, fds[1], 1};  // unsorted, a -1, one below `first`
    if (sandbox::sys::close_all_except(3, keep, 4) != 0) ::_exit(2);
    const bool ok = is_open(0) && is_open(1) && is_open(2) && is_open(fds[1]) && is_open(fds[4]) &&
                    !is_open(fds[0]) && !is_open(fds[2]) && !is_open(fds[3]) && !is_open(fds[5]);
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(CloseAllExcept, FromZeroKeepsOnlyTheGivenOne) {
  const pid_t child = ::fork();
  if (child == 0) {
    const int fd = ::open("/dev/null", O_RDONLY);
    int keep[] = {fd};
    if (sandbox::sys::close_all_except(0, keep, 1) != 0) ::_exit(2);
    ::_exit(is_open(fd) && !is_open(0) && !is_open(1) && !is_open(2) ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
