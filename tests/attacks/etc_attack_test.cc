// Secrets and host identifiers in /etc (DESIGN §2.2): /etc is readable as a
// whole, yet shadow, gshadow, SSH host private keys, every entry that is not
// world-readable and the host identifiers stay closed, root included. Each
// test has a control that reads the same file without the sandbox.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "attacks/support.h"
#include "integration/etc_fixture.h"

using namespace attack;
using testing_support::is_root;
using testing_support::TempDir;

namespace {

// What the program got when it tried to read path.
void expect_denied(const RunResult& r, const std::string& path) {
  EXPECT_NE(r.status, 0) << path;
  EXPECT_TRUE(r.out.empty()) << path << " leaked: " << r.out;
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << path << ": " << r.err;
}

void expect_read_denied(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0) GTEST_SKIP() << path << " does not exist on this host";
  expect_denied(run(sandbox({"cat", path})), path);
}

std::string root_only_reason() {
  return "fixtures in /etc need a mount namespace made by root (the root run covers uid 65534)";
}

}  // namespace

TEST(EtcAttack, ShadowIsDenied) {
  expect_read_denied("/etc/shadow");
  if (is_root()) {
    EXPECT_EQ(run({"head", "-c1", "/etc/shadow"}).status, 0);  // control: root reads it outside
  }
}

TEST(EtcAttack, GshadowIsDenied) {
  expect_read_denied("/etc/gshadow");
  if (is_root()) {
    EXPECT_EQ(run({"head", "-c1", "/etc/gshadow"}).status, 0);
  }
}

// World-readable (mode 0444): only the deny list keeps it out.
TEST(EtcAttack, MachineIdIsDenied) {
  expect_read_denied("/etc/machine-id");
  EXPECT_EQ(run({"cat", "/etc/machine-id"}).status, 0);  // control
  const auto listed = run(sandbox({"sh", "-c", "ls /etc >/dev/null && cat /etc/machine-id"}));
  expect_denied(listed, "/etc/machine-id after listing /etc");
}

// A root-owned mode-0600 file: root inside (no capabilities) is still its
// owner by DAC; the idmapped /etc makes only "other" count.
TEST(EtcAttack, RootOwnedPrivateFileIsDenied) {
  if (!is_root()) GTEST_SKIP() << root_only_reason();
  TempDir dir;
  const std::string secret = dir.write("secret", "s3cret\n", 0600);
  for (const bool as_nobody : {false, true}) {
    SCOPED_TRACE(as_nobody ? "uid 65534" : "root");
    const auto r = etc_fixture::run_with_etc({{secret, "sandbox-test-secret.conf", 0600}},
                                             {"cat", "/etc/sandbox-test-secret.conf"}, as_nobody);
    expect_denied(r, "/etc/sandbox-test-secret.conf");
  }
  // Control: the same namespace without the sandbox, as root.
  TempDir control;
  const auto bare = run({"unshare", "-m", "--propagation", "private", "sh", "-c",
                         "mount -t tmpfs tmpfs " + control.path() + " && cp -a /etc/. " + control.path() +
                             "/ && cp " + secret + " " + control.path() + "/x && chmod 600 " +
                             control.path() + "/x && mount --bind " + control.path() +
                             " /etc && cat /etc/x"});
  EXPECT_EQ(bare.out, "s3cret\n") << bare.err;
}

// SSH private host keys: denied even when the host left one world-readable
// (the deny list), and a 0600 one by its mode; the public key stays readable.
TEST(EtcAttack, SshPrivateHostKeyIsDenied) {
  if (!is_root()) GTEST_SKIP() << root_only_reason();
  TempDir dir;
  const std::string key = dir.write("key", "-----BEGIN OPENSSH PRIVATE KEY-----\n", 0600);
  const std::string pub = dir.write("key.pub", "ssh-ed25519 AAAA host\n");
  for (const bool as_nobody : {false, true}) {
    SCOPED_TRACE(as_nobody ? "uid 65534" : "root");
    const auto r = etc_fixture::run_with_etc(
        {{key, "ssh/ssh_host_ed25519_key", 0600}, {key, "ssh/ssh_host_rsa_key", 0644},
         {pub, "ssh/ssh_host_ed25519_key.pub", 0644}},
        {"sh", "-c",
         "cat /etc/ssh/ssh_host_ed25519_key.pub; cat /etc/ssh/ssh_host_ed25519_key; "
         "cat /etc/ssh/ssh_host_rsa_key"},
        as_nobody);
    EXPECT_EQ(r.out, "ssh-ed25519 AAAA host\n") << r.err;
    EXPECT_EQ(r.err.find("ssh_host_ed25519_key.pub"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("/etc/ssh/ssh_host_ed25519_key: Permission denied"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("/etc/ssh/ssh_host_rsa_key: Permission denied"), std::string::npos) << r.err;
  }
}

// A shadow file the host left world-readable is still denied: the deny list.
TEST(EtcAttack, WorldReadableShadowIsDenied) {
  if (!is_root()) GTEST_SKIP() << root_only_reason();
  TempDir dir;
  const std::string shadow = dir.write("shadow", "root:$y$hash:19000:0:99999:7:::\n");
  for (const bool as_nobody : {false, true}) {
    SCOPED_TRACE(as_nobody ? "uid 65534" : "root");
    const auto r = etc_fixture::run_with_etc({{shadow, "shadow", 0644}, {shadow, "gshadow", 0644}},
                                             {"sh", "-c", "cat /etc/shadow; cat /etc/gshadow"}, as_nobody);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find("/etc/shadow: Permission denied"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("/etc/gshadow: Permission denied"), std::string::npos) << r.err;
  }
}

// Where /etc cannot be idmapped (overlayfs), Landlock grants entry by entry:
// the secrets and the private files stay closed for root, the rest opens.
TEST(EtcAttack, SecretsStayDeniedWhereEtcCannotBeIdmapped) {
  if (!is_root()) GTEST_SKIP() << root_only_reason();
  TempDir dir;
  const std::string secret = dir.write("secret", "s3cret\n", 0600);
  const std::string conf = dir.write("conf", "ordinary\n");
  const auto r = etc_fixture::run_with_etc(
      {{secret, "sandbox-test-secret.conf", 0600}, {conf, "sandbox-test.conf", 0644}},
      {"sh", "-c",
       "cat /etc/sandbox-test.conf; cat /etc/sandbox-test-secret.conf; cat /etc/shadow; "
       "cat /etc/machine-id; cat /etc/ssl/openssl.cnf >/dev/null && echo openssl-ok"},
      false, etc_fixture::Layout::overlay);
  EXPECT_EQ(r.out, "ordinary\nopenssl-ok\n") << r.err;
  EXPECT_NE(r.err.find("/etc/sandbox-test-secret.conf: Permission denied"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/etc/shadow: Permission denied"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/etc/machine-id: Permission denied"), std::string::npos) << r.err;
}

// uid 65534 on an overlay /etc: the one /etc rule, the host's mode bits and
// the covers of the deny list, as on any filesystem.
TEST(EtcAttack, SecretsStayDeniedForNobodyOnOverlay) {
  if (!is_root()) GTEST_SKIP() << root_only_reason();
  const auto r = etc_fixture::run_with_etc({}, {"sh", "-c", "cat /etc/machine-id; cat /etc/shadow"}, true,
                                           etc_fixture::Layout::overlay);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("/etc/machine-id: Permission denied"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/etc/shadow: Permission denied"), std::string::npos) << r.err;
}

// --best-effort where user namespaces are refused: no view, no idmapped
// /etc, no covers; Landlock alone grants /etc entry by entry (uid 0 of a user
// namespace of our own stands for the caller, root's mapping when root runs it).
TEST(EtcAttack, SecretsStayDeniedWithoutNamespaces) {
  const auto r = run({"unshare", "-Ur", "sh", "-c",
                      "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$0\" \"$@\"",
                      testing_support::sandbox_bin(), "--best-effort", "sh", "-c",
                      "cat /etc/shadow; cat /etc/machine-id; cat /etc/debian_version >/dev/null && echo ok"});
  EXPECT_EQ(r.out, "ok\n") << r.err;
  EXPECT_NE(r.err.find("/etc/shadow: Permission denied"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/etc/machine-id: Permission denied"), std::string::npos) << r.err;
}
