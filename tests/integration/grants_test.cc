// Path grants (DESIGN §2.2): --ro, --rw, --exec on directories and files,
// nested grants, and the command named by path.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "support/run.h"

using namespace testing_support;

namespace {

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// A directory tree: data.txt, sub/inner.txt, run.sh (executable script).
struct Tree {
  TempDir dir{true};
  std::string data = dir.write("data.txt", "data\n", 0644);
  std::string sub = dir.mkdir("sub", 0777);
  std::string inner = dir.write("sub/inner.txt", "inner\n", 0644);
  std::string script = dir.write("run.sh", "#!/bin/sh\necho script ran\n", 0755);
  const std::string& path() const { return dir.path(); }
};

TEST(Grants, RoDirectoryIsReadableNotWritable) {
  Tree t;
  const auto read = run(sandbox({"--ro", t.path(), "sh", "-c", "cat " + t.data + " " + t.inner + "; ls " + t.path()}));
  EXPECT_EQ(read.status, 0) << read.err;
  EXPECT_EQ(read.out, "data\ninner\ndata.txt\nrun.sh\nsub\n");
  const auto write = run(sandbox({"--ro", t.path(), "sh", "-c", "echo x > " + t.path() + "/new"}));
  EXPECT_NE(write.status, 0);
  EXPECT_FALSE(exists(t.path() + "/new"));
  const auto append = run(sandbox({"--ro", t.path(), "sh", "-c", "echo x >> " + t.data}));
  EXPECT_NE(append.status, 0);
  EXPECT_EQ(run({"cat", t.data}).out, "data\n");
  const auto remove = run(sandbox({"--ro", t.path(), "rm", "-f", t.data}));
  EXPECT_NE(remove.status, 0);
  EXPECT_TRUE(exists(t.data));
}

TEST(Grants, RoDirectoryIsNotExecutable) {
  Tree t;
  const auto r = run(sandbox({"--ro", t.path(), "sh", "-c", t.script}));
  EXPECT_EQ(r.status, 126) << r.err;
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(Grants, RwDirectoryIsWritableOnTheHost) {
  Tree t;
  const auto r = run(sandbox({"--rw", t.path(), "sh", "-c",
                              "echo made > " + t.path() + "/new && mkdir " + t.sub + "/d && rm " +
                                  t.data + " && cat " + t.path() + "/new"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "made\n");
  EXPECT_EQ(run({"cat", t.path() + "/new"}).out, "made\n");
  EXPECT_TRUE(exists(t.sub + "/d"));
  EXPECT_FALSE(exists(t.data));
}

TEST(Grants, RwDirectoryIsNotExecutable) {
  // A dropped payload cannot be run (W^X): copy /bin/true there and try.
  Tree t;
  const std::string copy = t.path() + "/true";
  const auto r = run(sandbox({"--rw", t.path(), "sh", "-c", "cp /bin/true " + copy + " && " + copy}));
  EXPECT_EQ(r.status, 126) << r.err;
  EXPECT_NE(r.err.find(copy + ": Permission denied"), std::string::npos) << r.err;
  EXPECT_TRUE(exists(copy));  // the copy worked; only running it was refused
  const auto script = run(sandbox({"--rw", t.path(), t.script}));
  EXPECT_EQ(script.status, 0) << script.err;  // naming the file is the grant
}

TEST(Grants, ExecDirectoryRunsProgramsButIsReadOnly) {
  Tree t;
  const auto r = run(sandbox({"--exec", t.path(), "sh", "-c", t.script + " && cat " + t.data}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "script ran\ndata\n");
  const auto copy = run({"cp", "/bin/true", t.path() + "/true"});
  ASSERT_EQ(copy.status, 0) << copy.err;
  EXPECT_EQ(run(sandbox({"--exec", t.path(), "sh", "-c", t.path() + "/true"})).status, 0);
  const auto write = run(sandbox({"--exec", t.path(), "sh", "-c", "echo x > " + t.path() + "/new"}));
  EXPECT_NE(write.status, 0);
  EXPECT_FALSE(exists(t.path() + "/new"));
}

TEST(Grants, AGrantedFileShowsOnlyThatFile) {
  Tree t;
  const auto r = run(sandbox({"--ro", t.data, "cat", t.data}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "data\n");
  const auto sibling = run(sandbox({"--ro", t.data, "cat", t.inner}));
  EXPECT_NE(sibling.status, 0);
  EXPECT_TRUE(sibling.out.empty());
  const auto listing = run(sandbox({"--ro", t.data, "ls", t.path()}));
  EXPECT_NE(listing.status, 0);
  EXPECT_NE(listing.err.find("Permission denied"), std::string::npos) << listing.err;
}

TEST(Grants, ARwFileCanBeRewrittenNotReplacedBySiblings) {
  Tree t;
  const auto r = run(sandbox({"--rw", t.data, "sh", "-c", "echo changed > " + t.data}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(run({"cat", t.data}).out, "changed\n");
  const auto sibling = run(sandbox({"--rw", t.data, "sh", "-c", "echo x > " + t.path() + "/other"}));
  EXPECT_NE(sibling.status, 0);
  EXPECT_FALSE(exists(t.path() + "/other"));
}

TEST(Grants, NestedGrantsApplyInnermostRights) {
  Tree t;
  for (bool parent_first : {true, false}) {
    std::vector<std::string> args = parent_first
                                        ? std::vector<std::string>{"--ro", t.path(), "--rw", t.sub}
                                        : std::vector<std::string>{"--rw", t.sub, "--ro", t.path()};
    const std::string inner_new = t.sub + "/new" + std::to_string(parent_first);
    args.insert(args.end(), {"sh", "-c", "echo in > " + inner_new + " && cat " + t.data});
    const auto r = run(sandbox(args));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "data\n");
    EXPECT_TRUE(exists(inner_new)) << parent_first;
  }
  const auto outer = run(sandbox({"--ro", t.path(), "--rw", t.sub, "sh", "-c", "echo x > " + t.path() + "/outer"}));
  EXPECT_NE(outer.status, 0);
  EXPECT_FALSE(exists(t.path() + "/outer"));
}

TEST(Grants, ASymlinkIsGrantedAtItsTarget) {
  Tree t;
  const std::string link = t.path() + "/link";
  ASSERT_EQ(::symlink(t.sub.c_str(), link.c_str()), 0);
  const auto r = run(sandbox({"--ro", link, "cat", t.inner}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "inner\n");
}

TEST(Grants, ARelativeGrantIsResolvedInTheCallersDirectory) {
  Tree t;
  const auto r = run({"sh", "-c", "cd \"$1\" && exec \"$0\" --ro sub cat sub/inner.txt", sandbox_bin(), t.path()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "inner\n");
}

TEST(Grants, ARelativeCommandRunsAndOnlyItIsReadable) {
  Tree t;
  t.dir.write("self.sh", "#!/bin/sh\nhead -n1 ./self.sh\ncat ./data.txt\n", 0755);
  const auto r = run({"sh", "-c", "cd \"$1\" && exec \"$0\" ./self.sh", sandbox_bin(), t.path()});
  EXPECT_EQ(r.status, 1) << r.err;  // cat of the sibling fails
  EXPECT_EQ(r.out, "#!/bin/sh\n");
  EXPECT_NE(r.err.find("data.txt"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("sandbox:"), std::string::npos) << r.err;
}

TEST(Grants, ACommandUnderAHiddenDirectoryRunsAlone) {
  Tree t;
  const auto r = run(sandbox({t.script}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "script ran\n");
  const auto sibling = run(sandbox({"sh", "-c", "ls " + t.path() + " || cat " + t.data}));
  EXPECT_NE(sibling.status, 0);
  EXPECT_TRUE(sibling.out.empty());
}

TEST(Grants, TmpAndHomeAreDeniedWithoutScratch) {
  const auto r = run(sandbox({"sh", "-c", "touch /tmp/x || touch \"$HOME/x\" || echo both denied"}));
  EXPECT_EQ(r.out, "both denied\n");
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
}

TEST(Grants, MountGivesAPrivateScratchThatVanishes) {
  TempDir dir(true);
  const std::string name = "/tmp/sandbox-scratch-" + std::to_string(::getpid());
  const auto r = run(sandbox({"-M", "sh", "-c",
                              "echo s > " + name + " && echo h > \"$HOME/h\" && cat " + name +
                                  " \"$HOME/h\""}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "s\nh\n");
  EXPECT_FALSE(exists(name));
  // Scratch is writable, not executable.
  const auto exec = run(sandbox({"-M", "sh", "-c", "cp /bin/true /tmp/t && /tmp/t"}));
  EXPECT_EQ(exec.status, 126) << exec.err;
}

}  // namespace
