// handover/: which descriptors an argument hands over, what each handed
// descriptor is, and the Landlock rights it grants on its own inode.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "handover/arguments.h"
#include "handover/handed.h"
#include "handover/landlock.h"
#include "util/sys.h"

namespace sandbox::handover {
namespace {

struct Scratch {
  std::string dir;
  Scratch() {
    char name[] = "/tmp/handover-test-XXXXXX";
    dir = ::mkdtemp(name);
  }
  ~Scratch() { [[maybe_unused]] const int rc = std::system(("rm -rf " + dir).c_str()); }
  std::string file(const std::string& name) const {
    const std::string path = dir + "/" + name;
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    ::close(fd);
    return path;
  }
};

TEST(Handover, ArgumentsHandOverPipesOnly) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  Scratch scratch;
  const int file = ::open(scratch.file("f").c_str(), O_RDONLY | O_CLOEXEC);
  const std::string pipe_n = std::to_string(p[0]);
  const std::string file_n = std::to_string(file);
  EXPECT_EQ(pipes_named_by({"diff", "/dev/fd/" + pipe_n, "/proc/self/fd/" + pipe_n}),
            (std::vector<int>{p[0], p[0]}));
  EXPECT_TRUE(pipes_named_by({"cat", "/dev/fd/" + file_n}).empty());        // a regular file: never
  EXPECT_TRUE(pipes_named_by({"/dev/fd/" + pipe_n}).empty());               // argv[0] is the command
  EXPECT_TRUE(pipes_named_by({"cat", "/dev/fd/0" + pipe_n}).empty());       // no leading zero
  EXPECT_TRUE(pipes_named_by({"cat", "/dev/fd/" + pipe_n + "/x"}).empty());  // exactly the name
  EXPECT_TRUE(pipes_named_by({"cat", "/dev/fd/-1", "/dev/fd/", "/dev/fd/1"}).empty());
  EXPECT_TRUE(pipes_named_by({"cat", "/dev/fd/999999"}).empty());           // not open
  ::close(p[0]);
  ::close(p[1]);
  ::close(file);
}

TEST(Handover, DescribeTellsPipesFromFifosAndFiles) {
  Scratch scratch;
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  const std::string fifo = scratch.dir + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int fifo_fd = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
  const std::string path = scratch.file("file");
  const int read_only = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const int write_only = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  const int directory = ::open(scratch.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  auto handed = describe({{p[0], 0}, {p[1], 1}, {fifo_fd, 5}, {read_only, 6}, {write_only, 7}, {directory, 8},
                          {9999, 9}});
  ASSERT_TRUE(handed);
  ASSERT_EQ(handed->size(), 6U);  // 9999 is not open: left out
  EXPECT_EQ((*handed)[0].kind, Kind::pipe);
  EXPECT_EQ((*handed)[0].access, O_RDONLY);
  EXPECT_EQ((*handed)[1].access, O_WRONLY);
  EXPECT_EQ((*handed)[2].kind, Kind::fifo);
  EXPECT_EQ((*handed)[3].kind, Kind::regular);
  EXPECT_EQ((*handed)[3].reopen_path, path);       // read-only: through a read-only mount
  EXPECT_TRUE((*handed)[4].reopen_path.empty());   // written to: as it is
  EXPECT_NE((*handed)[4].status_flags & O_APPEND, 0);
  EXPECT_EQ((*handed)[5].kind, Kind::directory);
  EXPECT_EQ((*handed)[5].reopen_path, scratch.dir);
  EXPECT_EQ((*handed)[5].number, 8);
  ::unlink(path.c_str());
  auto deleted = describe({{read_only, 3}});
  ASSERT_TRUE(deleted);
  EXPECT_TRUE((*deleted)[0].reopen_path.empty());  // "(deleted)": nothing to reopen
  for (int fd : {p[0], p[1], fifo_fd, read_only, write_only, directory}) ::close(fd);
}

TEST(Handover, RightsFollowTheAccessMode) {
  Handed h;
  h.kind = Kind::regular;
  h.access = O_RDONLY;
  EXPECT_EQ(rights_for(h), sys::kLandlockFsReadFile);
  h.access = O_WRONLY;
  EXPECT_EQ(rights_for(h), sys::kLandlockFsWriteFile | sys::kLandlockFsTruncate);
  h.kind = Kind::char_device;
  h.access = O_RDWR;
  EXPECT_EQ(rights_for(h), sys::kLandlockFsReadFile | sys::kLandlockFsWriteFile | sys::kLandlockFsTruncate |
                               sys::kLandlockFsIoctlDev);
  h.access = O_PATH;
  EXPECT_EQ(rights_for(h), 0U);
  for (Kind kind : {Kind::directory, Kind::pipe, Kind::socket, Kind::other}) {
    h.kind = kind;
    h.access = O_RDWR;
    EXPECT_EQ(rights_for(h), 0U);  // nothing beneath a directory; pipes and sockets are no Landlock objects
  }
}

}  // namespace
}  // namespace sandbox::handover
