// --static-only (DESIGN §9): only a static ELF runs, only it is granted, and
// code copied into a memfd cannot be executed.
#include <gtest/gtest.h>

#include "support/run.h"

using namespace testing_support;

TEST(StaticOnly, ADynamicCommandExits126NamingItsInterpreter) {
  const auto r = run(sandbox({"--static-only", "/bin/true"}));
  EXPECT_EQ(r.status, 126);
  EXPECT_NE(r.err.find("interpreter /lib64/ld-linux-x86-64.so.2"), std::string::npos) << r.err;
  const auto bare = run(sandbox({"--static-only", "sh", "-c", "true"}));
  EXPECT_EQ(bare.status, 126) << bare.err;
}

TEST(StaticOnly, AScriptIsNotAStaticExecutable) {
  TempDir dir;
  const std::string script = dir.write("script.sh", "#!/bin/sh\necho hi\n", 0755);
  const auto r = run(sandbox({"--static-only", script}));
  EXPECT_EQ(r.status, 126);
  EXPECT_NE(r.err.find("not ELF"), std::string::npos) << r.err;
}

TEST(StaticOnly, AStaticBinaryRuns) {
  const auto r = run(sandbox({"--static-only", probe("static_memfd")}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "static ok\n");
}

TEST(StaticOnly, NothingElseIsInTheView) {
  // execve of a system binary: the system trees are not there at all.
  const auto r = run(sandbox({"--static-only", probe("static_memfd"), "exec", "/usr/bin/true"}));
  EXPECT_EQ(r.status, ENOENT) << r.err;
}

TEST(StaticOnly, CopyingItselfIntoAMemfdIsRefused) {
  // Control: without --static-only the same memfd + fexecve works.
  const auto open = run(sandbox({probe("static_memfd"), "memfd"}));
  EXPECT_EQ(open.status, 0) << open.err;
  EXPECT_EQ(open.out, "static ok\n");
  const auto r = run(sandbox({"--static-only", probe("static_memfd"), "memfd"}));
  EXPECT_EQ(r.status, EPERM) << r.out << r.err;  // memfd_create without MFD_NOEXEC_SEAL
  EXPECT_EQ(r.out, "");
}

TEST(StaticOnly, ASealedMemfdCannotBeExecuted) {
  const auto r = run(sandbox({"--static-only", probe("static_memfd"), "memfd-sealed"}));
  EXPECT_EQ(r.status, EACCES) << r.out << r.err;
  EXPECT_EQ(r.out, "");
}
