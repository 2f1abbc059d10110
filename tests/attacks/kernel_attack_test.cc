// Escapes through the kernel's shared state (DESIGN §2, §7): nested
// namespaces, the mount family, file handles, keyrings, bpf, perf,
// userfaultfd, io_uring, /proc/sys and the host's boot id. Each control runs
// the same probe without the defence (--seccomp=log, or no sandbox at all
// with the authority the sandbox takes away) and sees the call get through.
#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>

#include "attacks/support.h"

using namespace attack;
using testing_support::is_root;

TEST(KernelAttack, NestedNamespacesAreDenied) {
  for (const char* name : {"unshare-user", "unshare-net", "unshare-mount", "clone-newuser", "setns"}) {
    EXPECT_EQ(syscall_probe({}, name), EPERM) << name;
  }
  // Control: only seccomp stood in the way of a nested user namespace.
  EXPECT_EQ(syscall_probe({"--seccomp=log"}, "unshare-user"), 0);
  EXPECT_EQ(syscall_probe({"--seccomp=log"}, "clone-newuser"), 0);
}

TEST(KernelAttack, MountUmountPivotRootAreDenied) {
  for (const char* name : {"mount", "umount", "pivot_root"}) {
    EXPECT_EQ(syscall_probe({}, name), EPERM) << name;
    // Control: as root of a user namespace of its own the call reaches the
    // path lookup (the target does not exist).
    const int control = unconfined("syscall_probe", {name}, {"unshare", "-Urm"});
    EXPECT_NE(control, EPERM) << name;
  }
}

TEST(KernelAttack, FileHandlesAreDenied) {
  EXPECT_EQ(syscall_probe({}, "open_by_handle_at"), EPERM);
  EXPECT_EQ(syscall_probe({}, "name_to_handle_at"), EPERM);
  EXPECT_EQ(unconfined("syscall_probe", {"name_to_handle_at"}), 0);
  if (is_root()) {
    EXPECT_NE(unconfined("syscall_probe", {"open_by_handle_at"}), EPERM);
  }
}

TEST(KernelAttack, CallersSessionKeyringIsNotReadable) {
  // A key in a session keyring of the test's own; the sandbox inherits it.
  const std::string attack = probe("attack_probe");
  const std::string script =
      "id=$(keyctl add user sandbox-attack-test s3cret-value @s) || exit 99\n"
      "'" + attack + "' read-key $id; echo control=$?\n"
      "'" + testing_support::sandbox_bin() + "' '" + attack + "' read-key $id; echo boxed=$?\n"
      "'" + testing_support::sandbox_bin() + "' --seccomp=log '" + attack +
      "' read-key $id; echo keyring=$?\n";
  const auto r = run({"keyctl", "session", "-", "sh", "-c", script});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  // Control: the caller can read it.
  EXPECT_NE(r.out.find("key: s3cret-value"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("control=0"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("s3cret-value", r.out.find("control=")), std::string::npos) << r.out;
  // seccomp refuses keyctl; with seccomp only logging, the fresh session
  // keyring leaves the key unpossessed: still not readable.
  EXPECT_NE(r.out.find("boxed=" + std::to_string(EPERM)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("keyring=" + std::to_string(EACCES)), std::string::npos) << r.out;
}

TEST(KernelAttack, BpfIsDenied) {
  EXPECT_EQ(syscall_probe({}, "bpf"), EPERM);
  if (is_root()) {
    EXPECT_NE(unconfined("syscall_probe", {"bpf"}), EPERM);
  }
}

TEST(KernelAttack, PerfEventOpenIsDenied) {
  EXPECT_EQ(syscall_probe({}, "perf_event_open"), EPERM);
  EXPECT_NE(syscall_probe({"--seccomp=log"}, "perf_event_open"), EPERM);
}

TEST(KernelAttack, UserfaultfdIsDenied) {
  EXPECT_EQ(syscall_probe({}, "userfaultfd"), EPERM);
  EXPECT_EQ(syscall_probe({"--seccomp=log"}, "userfaultfd"), 0);
}

TEST(KernelAttack, IoUringIsDenied) {
  EXPECT_EQ(syscall_probe({}, "io_uring_setup"), EPERM);
  EXPECT_NE(syscall_probe({"--seccomp=log"}, "io_uring_setup"), EPERM);
}

TEST(KernelAttack, ProcSysIsReadOnly) {
  // The sandbox's own network namespace's sysctls would be writable by its
  // owner; the read-only /proc/sys is what stops it.
  const std::vector<std::string> write = {"write", "/proc/sys/net/ipv4/ping_group_range", "0 0"};
  const int err = attack_probe({}, write[0], {write[1], write[2]});
  EXPECT_TRUE(err == EROFS || err == EACCES) << err;
  EXPECT_NE(attack_probe({"--seccomp=log"}, write[0], {write[1], write[2]}), 0);
  // Control: root of a fresh network namespace may write it there.
  EXPECT_EQ(unconfined("attack_probe", write, {"unshare", "-Urn"}), 0);
}

TEST(KernelAttack, HostBootIdIsNotReadable) {
  std::ifstream host("/proc/sys/kernel/random/boot_id");
  std::string boot_id;
  std::getline(host, boot_id);
  ASSERT_EQ(boot_id.size(), 36U);  // control: the host's is readable here
  const auto r = run(sandbox({"cat", "/proc/sys/kernel/random/boot_id"}));
  EXPECT_EQ(r.out.find(boot_id), std::string::npos);
  EXPECT_TRUE(r.out.empty()) << r.out;
}
