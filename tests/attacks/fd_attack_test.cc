// Leaked descriptors (DESIGN §2.3): every inherited descriptor but 0-2 and
// those named with --fd is closed before exec, files and directories alike.
#include <gtest/gtest.h>

#include <cerrno>

#include "attacks/support.h"

using namespace attack;

TEST(FdAttack, InheritedFileDescriptorIsClosed) {
  testing_support::TempDir dir;
  const std::string secret = dir.write("secret", "s3cret\n");
  const int fd = ::open(secret.c_str(), O_RDONLY);  // inheritable on purpose
  ASSERT_GE(fd, 0);
  testing_support::RunOptions options;
  options.inherit_fds = {fd};
  const std::string n = std::to_string(fd);
  EXPECT_EQ(run(sandbox({probe("attack_probe"), "read-fd", n}), options).status, EBADF);
  // Control: handed over explicitly, the same descriptor works.
  EXPECT_EQ(run(sandbox({"--fd", n, probe("attack_probe"), "read-fd", n}), options).status, 0);
  ::close(fd);
}

TEST(FdAttack, InheritedDirectoryDescriptorIsClosed) {
  testing_support::TempDir dir;
  dir.write("secret", "s3cret\n");
  const int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  testing_support::RunOptions options;
  options.inherit_fds = {fd};
  const std::string n = std::to_string(fd);
  EXPECT_EQ(run(sandbox({probe("attack_probe"), "open-beneath", n, "secret"}), options).status, EBADF);
  // Control: without the sandbox the descriptor opens what is beneath it.
  EXPECT_EQ(run({probe("attack_probe"), "open-beneath", n, "secret"}, options).status, 0);
  ::close(fd);
}
