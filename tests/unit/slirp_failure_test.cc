// The one line that says why slirp4netns did not bring the network up. The
// stderr texts are what slirp4netns 1.2.0 printed on this machine.
#include "net/slirp_failure.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>

namespace sandbox::net {
namespace {

KeeperReport exited(int status) { return {static_cast<int>(KeeperStep::exited), status}; }
constexpr int kExit1 = 1 << 8;  // wait status of exit(1)

TEST(SlirpFailure, TapCreationNamesTheStepAndSlirpsReason) {
  const std::string stderr_text = "open(\"/dev/net/tun\"): Permission denied\nchild failed(1)\n";
  const Error e = describe_slirp_failure({exited(kExit1)}, stderr_text, "TUN HINT");
  EXPECT_EQ(e.message(),
            "slirp4netns failed while creating tap0 in the sandbox's network namespace: "
            "open(\"/dev/net/tun\"): Permission denied (exit status 1) (TUN HINT)");
}

TEST(SlirpFailure, ItsOwnSandboxStepAfterTheTapWasSent) {
  // What slirp4netns said as a real uid 65534 before the keeper held a user
  // namespace where 0 is mapped (issue 13).
  const std::string stderr_text = "sent tapfd=7 for tap0\nreceived tapfd=7\nsetegid(0)\nparent failed\n";
  const Error e = describe_slirp_failure({exited(kExit1)}, stderr_text, "TUN HINT");
  EXPECT_EQ(e.message(),
            "slirp4netns failed after creating tap0, while confining itself (--enable-sandbox, "
            "--enable-seccomp): setegid(0) (exit status 1)");  // no word about /dev/net/tun
}

TEST(SlirpFailure, AKeeperStepIsTheWholeStory) {
  const Error e = describe_slirp_failure({{static_cast<int>(KeeperStep::join), EPERM}, exited(kExit1)},
                                         "", "TUN HINT");
  EXPECT_EQ(e.message(),
            "cannot enter the sandbox's user and network namespaces for slirp4netns (setns): "
            "Operation not permitted (EPERM)");
  const Error exec = describe_slirp_failure({{static_cast<int>(KeeperStep::exec), ENOENT}}, "", "");
  EXPECT_EQ(exec.message(), "cannot execute slirp4netns: No such file or directory (ENOENT)");
}

TEST(SlirpFailure, ASignalWithoutWords) {
  const Error e = describe_slirp_failure({exited(SIGSYS)}, "sent tapfd=7 for tap0\nreceived tapfd=7\n", "");
  EXPECT_EQ(e.message(),
            "slirp4netns failed after creating tap0, while confining itself (--enable-sandbox, "
            "--enable-seccomp) (killed by SIGSYS)");
}

TEST(SlirpFailure, ReasonSkipsProgressAndFallsBackToTheSummary) {
  EXPECT_EQ(slirp_reason("WARNING: Support for IPv6 is experimental\nsent tapfd=7 for tap0\n"
                         "received tapfd=7\ncannot unshare new mount namespace\ncreate_sandbox failed\n"
                         "do_slirp is exiting\ndo_slirp failed\nparent failed\n"),
            "cannot unshare new mount namespace");
  EXPECT_EQ(slirp_reason("received tapfd=7\ndo_slirp failed\nparent failed\n"), "do_slirp failed");
  EXPECT_EQ(slirp_reason(""), "");
}

}  // namespace
}  // namespace sandbox::net
