// Escape class: paths the sandbox's init makes, followed out of the new root
// (DESIGN §9, §10). Every directory, symlink and file of the view is made
// beneath the staging root with openat2 (RESOLVE_IN_ROOT), $HOME is
// normalised lexically before it is planned, and an include is copied into
// the scratch with no symlink on its path (RESOLVE_NO_SYMLINKS): a `..` in
// $HOME or a symlink the caller planted in a -H directory reaches nothing
// outside the sandbox's own tree.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "attacks/support.h"

using namespace attack;
using testing_support::sandbox_bin;
using testing_support::TempDir;

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// A directory outside /tmp (an include under /tmp goes to the scratch /tmp,
// not $HOME), removed at the end.
class VarTempDir {
 public:
  VarTempDir() {
    char name[] = "/var/tmp/sandbox-path-XXXXXX";
    path_ = ::mkdtemp(name) != nullptr ? name : "";
    ::chmod(path_.c_str(), 0755);
  }
  ~VarTempDir() {
    if (!path_.empty()) run({"rm", "-rf", "--one-file-system", path_});
  }
  VarTempDir(const VarTempDir&) = delete;
  VarTempDir& operator=(const VarTempDir&) = delete;
  std::string mkdir(const std::string& name, unsigned mode = 0755) const {
    const std::string p = path_ + "/" + name;
    ::mkdir(p.c_str(), mode);
    ::chmod(p.c_str(), mode);
    return p;
  }
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p) << content;
    return p;
  }

 private:
  std::string path_;
};

}  // namespace

// HOME=/../../DIR/x: the view's empty $HOME was made at ../../DIR/x relative
// to the staging root (mounted on /tmp), that is on the host's DIR/x (a DIR
// outside /tmp: the staging mount hides the host's /tmp).
TEST(PathAttack, DotDotInHomeMakesNothingOnTheHost) {
  VarTempDir dir;
  const std::string home = "/../.." + dir.path() + "/x";
  const auto r = run({"env", "HOME=" + home, sandbox_bin(), "sh", "-c", "echo $HOME; test -d \"$HOME\""});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, dir.path() + "/x\n");  // normalised: /x, not /../../x
  EXPECT_FALSE(exists(dir.path() + "/x")) << "HOME's `..` made " << dir.path() << "/x on the host";
}

// The same with `.` and `//` and a trailing slash: one name per directory.
TEST(PathAttack, HomeIsNormalisedLexically) {
  VarTempDir dir;
  const auto r = run({"env", "HOME=//." + dir.path() + "/./a//b/../c/", sandbox_bin(), "sh", "-c", "echo $HOME"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, dir.path() + "/a/c\n");
  EXPECT_FALSE(exists(dir.path() + "/a"));
}

// -H D where D/docs is a symlink to a directory outside D (granted --rw, so
// bound at its own path in the view): `-i $HOME/docs/f` was copied by init,
// with its capabilities, through the symlink into that directory.
TEST(PathAttack, IncludeDoesNotFollowASymlinkInTheHomedir) {
  VarTempDir base;
  const std::string home = base.mkdir("home");
  base.mkdir("home/docs");
  const std::string file = base.write("home/docs/f", "included\n");
  const std::string scratch = base.mkdir("scratch", 0700);
  const std::string outside = base.mkdir("outside");
  ASSERT_EQ(::symlink(outside.c_str(), (scratch + "/docs").c_str()), 0);
  const auto r = run({"env", "HOME=" + home, sandbox_bin(), "-H", scratch, "--rw", outside, "-i", file, "true"});
  EXPECT_FALSE(exists(outside + "/f")) << "the include was copied through " << scratch << "/docs into " << outside;
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find("into the scratch"), std::string::npos) << r.err;
  EXPECT_TRUE(exists(scratch + "/docs"));  // the caller's own symlink is left as it was
}

// The same with the symlink pointing at /etc (read-only in the view): the
// copy is refused at the symlink, before anything is tried there.
TEST(PathAttack, IncludeDoesNotFollowASymlinkToEtc) {
  VarTempDir base;
  const std::string home = base.mkdir("home");
  base.mkdir("home/docs");
  const std::string name = "sandbox-include-" + std::to_string(::getpid());
  const std::string file = base.write("home/docs/" + name, "included\n");
  const std::string scratch = base.mkdir("scratch", 0700);
  ASSERT_EQ(::symlink("/etc", (scratch + "/docs").c_str()), 0);
  const auto r = run({"env", "HOME=" + home, sandbox_bin(), "-H", scratch, "-i", file, "true"});
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find("Too many levels of symbolic links"), std::string::npos) << r.err;
  EXPECT_FALSE(exists("/etc/" + name));
}

// A symlink in the scratch to a directory inside it is refused too (no
// symlink at all on an include's path), and a plain -H include still works.
TEST(PathAttack, IncludeIntoAPlainHomedirStillWorks) {
  VarTempDir base;
  const std::string home = base.mkdir("home");
  const std::string file = base.write("home/notes.txt", "included\n");
  const std::string scratch = base.mkdir("scratch", 0700);
  const auto r = run({"env", "HOME=" + home, sandbox_bin(), "-H", scratch, "-i", file, "true"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(testing_support::read_file(scratch + "/notes.txt"), "included\n");
}

// -T T: an include from /tmp/D/f goes to T/D/f; a symlink T/D -> W (a
// granted directory) sent it, and the directories above it, into W.
TEST(PathAttack, IncludeDoesNotFollowASymlinkInTheTmpdir) {
  TempDir source;
  const std::string file = source.write("f", "included\n");
  const std::string name = source.path().substr(source.path().rfind('/') + 1);
  VarTempDir base;
  const std::string scratch = base.mkdir("tmp", 0700);
  const std::string outside = base.mkdir("outside");
  ASSERT_EQ(::symlink(outside.c_str(), (scratch + "/" + name).c_str()), 0);
  const auto r = run(sandbox({"-T", scratch, "--rw", outside, "-i", file, "true"}));
  EXPECT_FALSE(exists(outside + "/f")) << "the include was copied through the -T directory into " << outside;
  EXPECT_EQ(r.status, 125) << r.err;
}
