// Grants as the caller typed them (DESIGN §2.2, §9): a path through a
// symlink works at both paths and is named; --refuse-symlinks refuses it;
// --rw and --exec on one directory lift W^X there (build, then run);
// --scratch-exec makes the scratch executable for installers; the same path
// granted twice gets the union, said on stderr.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "support/run.h"

using namespace testing_support;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// dir/real/f ("inside"), dir/link -> dir/real.
struct Linked {
  TempDir dir{true};
  std::string real = dir.mkdir("real", 0755);
  std::string file = dir.write("real/f", "inside\n", 0644);
  std::string link = dir.path() + "/link";
  Linked() { EXPECT_EQ(::symlink(real.c_str(), link.c_str()), 0); }
};

TEST(GrantsResolve, ASymlinkWorksAtTheTypedPathAndNamesItsTarget) {
  Linked t;
  // As in the issue: relative, typed through the link.
  const auto r = run({"sh", "-c", "cd \"$1\" && exec \"$0\" --ro link cat link/f", sandbox_bin(), t.dir.path()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "inside\n");
  EXPECT_EQ(count(r.err, "sandbox: --ro " + t.link + ": follows a symlink to " + t.real), 1U) << r.err;
  // Through its target too, and nothing else of the directory holding it.
  const auto target = run(sandbox({"--ro", t.link, "sh", "-c", "cat " + t.file + "; ls " + t.dir.path()}));
  EXPECT_EQ(target.out, "inside\n");
  EXPECT_NE(target.status, 0);
}

TEST(GrantsResolve, ADirectoryOnTheWayMayBeASymlink) {
  Linked t;
  const std::string through = t.link + "/f";
  const auto r = run(sandbox({"--ro", through, "cat", through}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "inside\n");
  EXPECT_NE(r.err.find("follows a symlink to " + t.file), std::string::npos) << r.err;
  // --rw through the link writes the real file.
  const auto w = run(sandbox({"--rw", through, "sh", "-c", "echo changed > " + through}));
  EXPECT_EQ(w.status, 0) << w.err;
  EXPECT_EQ(read_file(t.file), "changed\n");
}

TEST(GrantsResolve, RefuseSymlinksRefusesAPlantedLink) {
  // An earlier, hostile stage of a chain planted parts/x.pdf -> a secret.
  TempDir chain(true);
  TempDir elsewhere(true);
  const std::string secret = elsewhere.write("secret", "s3cret\n", 0644);
  chain.mkdir("parts", 0755);
  const std::string planted = chain.path() + "/parts/x.pdf";
  ASSERT_EQ(::symlink(secret.c_str(), planted.c_str()), 0);
  for (const std::string option : {"--ro", "--rw", "--exec"}) {
    const auto r = run(sandbox({"--refuse-symlinks", option, planted, "cat", planted}));
    EXPECT_EQ(r.status, 125) << option << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(count(r.err, "\n"), 1U) << r.err;
    EXPECT_NE(r.err.find("sandbox: " + option + " " + planted + ": passes through the symlink " + planted +
                         " -> " + secret),
              std::string::npos)
        << r.err;
  }
  // A directory on the way planted as a symlink is refused the same way.
  const std::string parts_link = chain.path() + "/p";
  ASSERT_EQ(::symlink(elsewhere.path().c_str(), parts_link.c_str()), 0);
  const auto via_dir = run(sandbox({"--refuse-symlinks", "--ro", parts_link + "/secret", "cat", parts_link + "/secret"}));
  EXPECT_EQ(via_dir.status, 125) << via_dir.err;
  EXPECT_EQ(via_dir.out, "");
  // The profile key does the same; a plain path still works under it.
  const std::string profile = chain.write("chain.toml", "include-profiles = [\"default\"]\nrefuse-symlinks = true\n");
  const auto keyed = run(sandbox({"-t", profile, "--ro", planted, "cat", planted}));
  EXPECT_EQ(keyed.status, 125) << keyed.err;
  EXPECT_EQ(keyed.out, "");
  const auto plain = run(sandbox({"--refuse-symlinks", "--ro", secret, "cat", secret}));
  EXPECT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(plain.out, "s3cret\n");
  // Control: without the option the link is followed (and said).
  const auto followed = run(sandbox({"--ro", planted, "cat", planted}));
  EXPECT_EQ(followed.out, "s3cret\n");
  EXPECT_NE(followed.err.find("follows a symlink to " + secret), std::string::npos) << followed.err;
}

TEST(GrantsResolve, RwAndExecOnOneDirectoryRunWhatWasBuilt) {
  // sandbox -M --rw proj --exec proj make check, in either order.
  for (bool rw_first : {true, false}) {
    TempDir proj(true);
    proj.write("Makefile",
               "check: test_util\n\t./test_util\n"
               "test_util: test_util.c\n\tcc -o test_util test_util.c\n");
    proj.write("test_util.c", "#include <stdio.h>\nint main(void) { puts(\"tests passed\"); return 0; }\n");
    std::vector<std::string> args = {"-M"};
    if (rw_first) {
      args.insert(args.end(), {"--rw", proj.path(), "--exec", proj.path()});
    } else {
      args.insert(args.end(), {"--exec", proj.path(), "--rw", proj.path()});
    }
    args.insert(args.end(), {"make", "-s", "-C", proj.path(), "check"});
    const auto r = run(sandbox(args));
    EXPECT_EQ(r.status, 0) << rw_first << r.err;
    EXPECT_NE(r.out.find("tests passed"), std::string::npos) << r.out << r.err;
    EXPECT_EQ(count(r.err, "W^X lifted"), 1U) << r.err;
    EXPECT_NE(r.err.find(proj.path() + ": readable, writable and executable"), std::string::npos) << r.err;
  }
}

TEST(GrantsResolve, ScratchExecLetsAnInstallerRunWhatItInstalled) {
  const std::string install =
      "mkdir -p ~/.local/bin && printf '#!/bin/sh\\necho ok\\n' > ~/.local/bin/x && "
      "chmod +x ~/.local/bin/x && ~/.local/bin/x";
  const auto r = run(sandbox({"-M", "--scratch-exec", "sh", "-c", install}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "ok\n");
  EXPECT_EQ(count(r.err, "W^X lifted"), 1U) << r.err;
  const auto tmp = run(sandbox({"-M", "--scratch-exec", "sh", "-c", "cp /bin/true /tmp/t && /tmp/t && echo ran"}));
  EXPECT_EQ(tmp.status, 0) << tmp.err;
  EXPECT_EQ(tmp.out, "ran\n");
  // Without the switch the same installer cannot run what it installed.
  const auto denied = run(sandbox({"-M", "sh", "-c", install}));
  EXPECT_EQ(denied.status, 126) << denied.err;
  // It needs a scratch to apply to.
  const auto alone = run(sandbox({"--scratch-exec", "true"}));
  EXPECT_EQ(alone.status, 125);
  EXPECT_NE(alone.err.find("--scratch-exec"), std::string::npos) << alone.err;
}

TEST(GrantsResolve, ScratchExecAppliesToHomedirAndTmpdir) {
  TempDir home(true);
  const auto r = run(sandbox({"-H", home.path(), "--scratch-exec", "sh", "-c",
                              "cp /bin/true ~/t && ~/t && echo ran"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "ran\n");
}

TEST(GrantsResolve, TheSamePathTwiceGetsTheUnionAndSaysSo) {
  for (bool ro_first : {true, false}) {
    TempDir dir(true);
    std::vector<std::string> args = ro_first ? std::vector<std::string>{"--ro", dir.path(), "--rw", dir.path()}
                                             : std::vector<std::string>{"--rw", dir.path(), "--ro", dir.path()};
    args.insert(args.end(), {"sh", "-c", "echo x > " + dir.path() + "/new"});
    const auto r = run(sandbox(args));
    EXPECT_EQ(r.status, 0) << ro_first << r.err;
    EXPECT_EQ(read_file(dir.path() + "/new"), "x\n");
    EXPECT_NE(r.err.find(dir.path() + ": merged to the union, read-write"), std::string::npos) << r.err;
  }
  // The same option twice changes nothing and says nothing.
  TempDir dir(true);
  const auto twice = run(sandbox({"--ro", dir.path(), "--ro", dir.path() + "/.", "true"}));
  EXPECT_EQ(twice.status, 0) << twice.err;
  EXPECT_EQ(twice.err, "");
}

}  // namespace
