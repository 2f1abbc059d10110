// explain_app DATA_DIR OUT_DIR HELPER PORT: the acceptance program of
// --explain (issue 14): reads DATA_DIR/{a,b,c}.csv, writes OUT_DIR/result.txt
// (new), runs HELPER, connects to 127.0.0.1:PORT over TCP. Prints one line
// per step ("read a.csv: ok" or the errno's name) and exits 0 when every
// step worked, 1 otherwise.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int failures = 0;

void said(const std::string& step, int err) {
  std::printf("%s: %s\n", step.c_str(), err == 0 ? "ok" : strerrorname_np(err));
  std::fflush(stdout);
  if (err != 0) ++failures;
}

int read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  char buf[64];
  const int err = ::read(fd, buf, sizeof(buf)) < 0 ? errno : 0;
  ::close(fd);
  return err;
}

int write_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  const int err = ::write(fd, "result\n", 7) != 7 ? errno : 0;
  ::close(fd);
  return err;
}

int run_helper(const char* helper) {
  const pid_t pid = ::fork();
  if (pid < 0) return errno;
  if (pid == 0) {
    char* const argv[] = {const_cast<char*>(helper), nullptr};
    ::execve(helper, argv, environ);
    ::_exit(100 + (errno & 0x3f));
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) >= 100) return WEXITSTATUS(status) - 100;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : EIO;
}

int connect_port(unsigned port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int err = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: explain_app DATA_DIR OUT_DIR HELPER PORT\n");
    return 2;
  }
  const std::string data = argv[1];
  const std::string out = argv[2];
  for (const char* name : {"a.csv", "b.csv", "c.csv"}) said(std::string("read ") + name, read_file(data + "/" + name));
  said("write result.txt", write_file(out + "/result.txt"));
  said("run helper", run_helper(argv[3]));
  said("connect", connect_port(static_cast<unsigned>(std::atoi(argv[4]))));
  return failures == 0 ? 0 : 1;
}
