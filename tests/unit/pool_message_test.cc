// The warm pool's wire format (src/pool/message.h): fields, lists and
// descriptors arrive as sent; anything else is refused, never guessed.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pool/message.h"
#include "pool/socket_dir.h"

namespace {

using namespace sandbox;

struct Pair {
  Pair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), 0);
    a = UniqueFd(fds[0]);
    b = UniqueFd(fds[1]);
  }
  UniqueFd a, b;
};

TEST(PoolMessage, FieldsListsAndDescriptorsArriveAsSent) {
  Pair pair;
  std::vector<std::string> fields = {"fingerprint", std::string("with\0nul", 8), ""};
  pool::push_list(fields, {"sh", "-c", "echo hi"});
  pool::push_list(fields, {});
  const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_TRUE(pool::send_message(pair.a.get(), pool::Kind::job, fields, {null, null}));
  auto got = pool::receive_message(pair.b.get(), 1000);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->kind, pool::Kind::job);
  ASSERT_EQ(got->fields.size(), fields.size());
  EXPECT_EQ(got->fields[1], std::string("with\0nul", 8));
  std::size_t at = 3;
  std::vector<std::string> argv, empty;
  ASSERT_TRUE(pool::take_list(got->fields, &at, argv));
  ASSERT_TRUE(pool::take_list(got->fields, &at, empty));
  EXPECT_EQ(argv, (std::vector<std::string>{"sh", "-c", "echo hi"}));
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(at, got->fields.size());
  ASSERT_EQ(got->fds.size(), 2U);
  struct stat ours {}, theirs {};
  ASSERT_EQ(::fstat(null, &ours), 0);
  ASSERT_EQ(::fstat(got->fds[0].get(), &theirs), 0);
  EXPECT_EQ(ours.st_rdev, theirs.st_rdev);
  EXPECT_EQ(::fcntl(got->fds[1].get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  ::close(null);
}

TEST(PoolMessage, ListsThatOverrunTheFieldsAreRefused) {
  std::vector<std::string> fields = {"3", "a", "b"};
  std::size_t at = 0;
  std::vector<std::string> items;
  EXPECT_FALSE(pool::take_list(fields, &at, items));
  fields = {"x1"};
  EXPECT_FALSE(pool::take_list(fields, &at, items));
  fields = {"-1"};
  EXPECT_FALSE(pool::take_list(fields, &at, items));
}

TEST(PoolMessage, NotAPoolMessageIsRefused) {
  Pair pair;
  const char garbage[] = "GET / HTTP/1.0\r\n";
  ASSERT_EQ(::send(pair.a.get(), garbage, sizeof(garbage), 0), static_cast<ssize_t>(sizeof(garbage)));
  auto got = pool::receive_message(pair.b.get(), 1000);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().errno_value(), EPROTO);
  const std::uint32_t cut[4] = {0x50584253, 1, 1, 100};  // one field of 100 bytes, none sent
  ASSERT_EQ(::send(pair.a.get(), cut, sizeof(cut), 0), static_cast<ssize_t>(sizeof(cut)));
  EXPECT_FALSE(pool::receive_message(pair.b.get(), 1000));
  pair.a.reset();
  auto closed = pool::receive_message(pair.b.get(), 1000);
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().errno_value(), EPIPE);
}

TEST(PoolSocketDir, OnlyAPrivateDirectoryOfOursIsAccepted) {
  EXPECT_EQ(pool::socket_dir({"XDG_RUNTIME_DIR=/run/user/1000"}), "/run/user/1000/sandbox");
  EXPECT_EQ(pool::socket_dir({"XDG_RUNTIME_DIR=relative"}), ::geteuid() == 0 ? "/run/sandbox" : "");
  char templ[] = "/tmp/pool-dir-XXXXXX";
  ASSERT_NE(::mkdtemp(templ), nullptr);
  const std::string dir = std::string(templ) + "/sandbox";
  EXPECT_TRUE(pool::make_dir(dir));
  ::chmod(dir.c_str(), 0755);
  EXPECT_FALSE(pool::check_dir(dir)) << "a directory others may enter";
  ::chmod(dir.c_str(), 0700);
  EXPECT_TRUE(pool::check_dir(dir));
  const std::string link = std::string(templ) + "/link";
  ASSERT_EQ(::symlink(dir.c_str(), link.c_str()), 0);
  EXPECT_FALSE(pool::check_dir(link)) << "a symlink";
  ::unlink(link.c_str());
  ::rmdir(dir.c_str());
  ::rmdir(templ);
}

}  // namespace
