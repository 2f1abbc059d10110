#include "explain/decode.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "util/sys.h"
#include "util/unique_fd.h"

namespace sandbox::explain {
namespace {

// The program's memory at addr: up to size bytes (fewer at a page it lacks).
std::size_t read_memory(pid_t pid, std::uint64_t addr, void* out, std::size_t size) {
  if (addr == 0) return 0;
  iovec local{out, size};
  iovec remote{reinterpret_cast<void*>(addr), size};
  const ssize_t n = ::process_vm_readv(pid, &local, 1, &remote, 1, 0);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

// A NUL-terminated string of the program's, read a page-bounded piece at a time.
std::string read_string(pid_t pid, std::uint64_t addr) {
  std::string out;
  while (addr != 0 && out.size() < PATH_MAX) {
    char buf[256];
    const std::size_t to_page = 4096 - (addr % 4096);
    const std::size_t want = to_page < sizeof(buf) ? to_page : sizeof(buf);
    const std::size_t n = read_memory(pid, addr, buf, want);
    if (n == 0) break;
    const void* nul = std::memchr(buf, '\0', n);
    if (nul != nullptr) {
      out.append(buf, static_cast<const char*>(nul) - buf);
      return out;
    }
    out.append(buf, n);
    addr += n;
  }
  return out;
}

std::string read_link(const std::string& path) {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof(buf));
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// path made absolute against dirfd (AT_FDCWD: the working directory), then
// "." and ".." taken lexically (the program's own view of its path).
std::string absolute(pid_t pid, long dirfd, const std::string& path) {
  if (path.empty()) return path;
  std::string full = path;
  if (path[0] != '/') {
    const std::string proc = "/proc/" + std::to_string(pid);
    const std::string base = read_link(dirfd == AT_FDCWD ? proc + "/cwd" : proc + "/fd/" + std::to_string(dirfd));
    if (base.empty() || base[0] != '/') return path;
    full = base + "/" + path;
  }
  std::string out;
  std::size_t i = 0;
  while (i < full.size()) {
    std::size_t j = full.find('/', i);
    if (j == std::string::npos) j = full.size();
    const std::string part = full.substr(i, j - i);
    if (part == "..") {
      const std::size_t slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (!part.empty() && part != ".") {
      out += "/" + part;
    }
    i = j + 1;
  }
  return out.empty() ? "/" : out;
}

std::string comm_of(pid_t pid) {
  char buf[32] = {};
  const std::string path = "/proc/" + std::to_string(pid) + "/comm";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "?";
  const ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
  ::close(fd);
  std::string comm(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  return comm;
}

// open's access: writing when it may write, truncate or create.
Op open_op(std::uint64_t flags) {
  if ((flags & O_CREAT) != 0) return Op::create;
  if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0) return Op::write;
  return Op::read;
}

// A pidfd of the traced task `pid`, which may be a thread other than its
// process's first: pidfd_open refuses those (ESRCH here, EINVAL on older
// kernels) without PIDFD_THREAD (6.9); before 6.9, the process's (its first
// thread shares the descriptor table).
int task_pidfd(pid_t pid) {
  constexpr unsigned kPidfdThread = O_EXCL;  // PIDFD_THREAD
  int pidfd = sys::pidfd_open(pid);
  if (pidfd < 0) pidfd = sys::pidfd_open(pid, kPidfdThread);
  if (pidfd >= 0) return pidfd;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Tgid:", 0) == 0) {
      const long tgid = std::strtol(line.c_str() + 5, nullptr, 10);
      return tgid > 0 ? sys::pidfd_open(static_cast<pid_t>(tgid)) : -1;
    }
  }
  return -1;
}

// The socket's type, from a copy of the program's descriptor (pidfd_getfd:
// we are its tracer, which is what that call asks for).
bool is_udp(pid_t pid, long fd) {
  const UniqueFd pidfd(task_pidfd(pid));
  if (!pidfd) return false;
  const UniqueFd copy(sys::pidfd_getfd(pidfd.get(), static_cast<int>(fd)));
  if (!copy) return false;
  int type = 0;
  socklen_t len = sizeof(type);
  return ::getsockopt(copy.get(), SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM;
}

void decode_sockaddr(pid_t pid, std::uint64_t addr, std::uint64_t len, Attempt& a) {
  sockaddr_storage storage{};
  const std::size_t size = len < sizeof(storage) ? static_cast<std::size_t>(len) : sizeof(storage);
  const std::size_t n = read_memory(pid, addr, &storage, size);
  if (n < sizeof(sa_family_t)) return;
  a.family = storage.ss_family;
  char text[INET6_ADDRSTRLEN] = {};
  if (a.family == AF_INET && n >= sizeof(sockaddr_in)) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    a.address = text;
    a.port = ntohs(in->sin_port);
  } else if (a.family == AF_INET6 && n >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
    a.address = text;
    a.port = ntohs(in6->sin6_port);
  } else if (a.family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&storage);
    const std::size_t path_len = n - offsetof(sockaddr_un, sun_path);
    if (path_len > 0 && un->sun_path[0] == '\0') {
      a.address = "@" + std::string(un->sun_path + 1, strnlen(un->sun_path + 1, path_len - 1));
    } else if (path_len > 0) {
      a.address = absolute(pid, AT_FDCWD, std::string(un->sun_path, strnlen(un->sun_path, path_len)));
    }
  }
}

// A call on socket fd with an address (addr, len): the address, whether
// the socket is an internet datagram one, and the operation.
void socket_call(pid_t pid, std::uint64_t fd, std::uint64_t addr, std::uint64_t len, Op op, Attempt& a) {
  decode_sockaddr(pid, addr, len, a);
  a.udp = (a.family == AF_INET || a.family == AF_INET6) && is_udp(pid, static_cast<long>(fd));
  a.op = op;
}

// A path argument at index `path`, relative to the directory descriptor at
// index `dirfd` (-1: the working directory).
void path_arg(Attempt& a, const std::array<std::uint64_t, 6>& args, int dirfd, int path) {
  const long dir = dirfd < 0 ? AT_FDCWD : static_cast<long>(static_cast<int>(args[dirfd]));
  a.path = absolute(a.pid, dir, read_string(a.pid, args[path]));
}
void path2_arg(Attempt& a, const std::array<std::uint64_t, 6>& args, int dirfd, int path) {
  const long dir = dirfd < 0 ? AT_FDCWD : static_cast<long>(static_cast<int>(args[dirfd]));
  a.path2 = absolute(a.pid, dir, read_string(a.pid, args[path]));
}

}  // namespace

const char* op_name(Op op) {
  switch (op) {
    case Op::read: return "read";
    case Op::write: return "write";
    case Op::create: return "create";
    case Op::remove: return "remove";
    case Op::rename: return "rename";
    case Op::exec: return "exec";
    case Op::stat: return "stat";
    case Op::connect: return "connect";
    case Op::bind: return "bind";
    case Op::send: return "send";
    case Op::socket: return "socket";
    case Op::signal: return "signal";
    case Op::fork: return "fork";
    case Op::syscall: return "syscall";
  }
  return "?";
}

Attempt decode_entry(pid_t pid, std::uint64_t nr, const std::array<std::uint64_t, 6>& args,
                     bool denied_call) {
  Attempt a;
  a.pid = pid;
  a.comm = comm_of(pid);
  a.denied_call = denied_call;
  if (char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, static_cast<int>(nr)); name != nullptr) {
    a.syscall = name;
    std::free(name);
  } else {
    a.syscall = "syscall " + std::to_string(nr);
  }
  const auto& s = a.syscall;
  if (denied_call) {
    a.op = s == "socket" ? Op::socket : Op::syscall;
    a.family = static_cast<int>(args[0]);
    a.flags = s == "socket" ? args[1] : args[0];
    return a;
  }
  if (s == "open") {
    path_arg(a, args, -1, 0);
    a.op = open_op(args[1]);
  } else if (s == "openat") {
    path_arg(a, args, 0, 1);
    a.op = open_op(args[2]);
  } else if (s == "openat2") {
    path_arg(a, args, 0, 1);
    open_how how{};
    read_memory(pid, args[2], &how, sizeof(how));
    a.op = open_op(how.flags);
  } else if (s == "creat") {
    path_arg(a, args, -1, 0);
    a.op = Op::create;
  } else if (s == "execve") {
    path_arg(a, args, -1, 0);
    a.op = Op::exec;
  } else if (s == "execveat") {
    path_arg(a, args, 0, 1);
    a.op = Op::exec;
  } else if (s == "mkdir" || s == "mknod" || s == "rmdir" || s == "unlink") {
    path_arg(a, args, -1, 0);
    a.op = (s == "rmdir" || s == "unlink") ? Op::remove : Op::create;
  } else if (s == "mkdirat" || s == "mknodat" || s == "unlinkat") {
    path_arg(a, args, 0, 1);
    a.op = s == "unlinkat" ? Op::remove : Op::create;
  } else if (s == "rename" || s == "link") {
    path_arg(a, args, -1, 0);
    path2_arg(a, args, -1, 1);
    a.op = s == "rename" ? Op::rename : Op::create;
  } else if (s == "renameat" || s == "renameat2" || s == "linkat") {
    path_arg(a, args, 0, 1);
    path2_arg(a, args, 2, 3);
    a.op = s == "linkat" ? Op::create : Op::rename;
  } else if (s == "symlink") {
    path_arg(a, args, -1, 1);
    a.op = Op::create;
  } else if (s == "symlinkat") {
    path_arg(a, args, 1, 2);
    a.op = Op::create;
  } else if (s == "truncate") {
    path_arg(a, args, -1, 0);
    a.op = Op::write;
  } else if (s == "chdir") {
    path_arg(a, args, -1, 0);
    a.op = Op::read;
  } else if (s == "stat" || s == "lstat" || s == "access" || s == "readlink" || s == "statfs") {
    path_arg(a, args, -1, 0);
    a.op = Op::stat;
  } else if (s == "newfstatat" || s == "statx" || s == "faccessat" || s == "faccessat2" || s == "readlinkat") {
    path_arg(a, args, 0, 1);
    a.op = Op::stat;
  } else if (s == "inotify_add_watch") {
    path_arg(a, args, -1, 1);
    a.op = Op::read;
  } else if (s == "connect" || s == "bind") {
    socket_call(pid, args[0], args[1], args[2], s == "connect" ? Op::connect : Op::bind, a);
  } else if (s == "sendto") {
    socket_call(pid, args[0], args[4], args[5], Op::send, a);
  } else if (s == "sendmsg" || s == "sendmmsg") {
    msghdr header{};  // sendmmsg: the first mmsghdr starts with its msghdr
    const bool read = read_memory(pid, args[1], &header, sizeof(header)) == sizeof(header);
    socket_call(pid, args[0], read ? reinterpret_cast<std::uint64_t>(header.msg_name) : 0,
                read ? header.msg_namelen : 0, Op::send, a);
  } else if (s == "kill" || s == "tkill" || s == "rt_sigqueueinfo") {
    a.op = Op::signal;
    a.target = static_cast<long>(static_cast<int>(args[0]));
    a.signal = static_cast<int>(args[1]);
  } else if (s == "tgkill" || s == "rt_tgsigqueueinfo") {
    a.op = Op::signal;
    a.target = static_cast<long>(static_cast<int>(args[0]));
    a.signal = static_cast<int>(args[2]);
  } else if (s == "pidfd_send_signal") {
    a.op = Op::signal;
    a.target = -1;
    a.signal = static_cast<int>(args[1]);
  } else if (s == "fork" || s == "vfork" || s == "clone") {
    a.op = Op::fork;
    a.flags = args[0];
  }
  return a;
}

}  // namespace sandbox::explain
