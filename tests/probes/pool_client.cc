// pool_client SOCKET: a raw client of `sandbox --serve` that skips every
// check the real client makes: connect(), one empty job message (the
// pool's wire format, src/pool/message.cc), and the first answer. Prints
// "refused", "declined", "accepted", "closed" or "connect: <errno name>"
// and exits 0, or the errno of a failed connect. The attack tests run it
// where the service must refuse it (inside a sandbox, as another uid) and,
// as the control, where the service reads its job (then "declined").
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: pool_client SOCKET\n");
    return 254;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (strlen(argv[1]) >= sizeof(addr.sun_path)) return 254;
  strcpy(addr.sun_path, argv[1]);
  const int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    const int err = errno;
    std::printf("connect: %s\n", strerrorname_np(err));
    return err;
  }
  const std::uint32_t job[3] = {0x50584253, 1, 0};  // magic "SBXP", kind job, no fields
  (void)send(fd, job, sizeof(job), MSG_NOSIGNAL);
  std::uint32_t answer[64] = {};
  const ssize_t n = recv(fd, answer, sizeof(answer), 0);
  const char* word = "closed";
  if (n >= 8 && answer[0] == 0x50584253) {
    word = answer[1] == 2 ? "accepted" : answer[1] == 3 ? "declined" : answer[1] == 4 ? "refused" : "other";
  }
  std::printf("%s\n", word);
  return 0;
}
