// One observed system call of the traced program, as the tracer decoded it:
// what it tried (operation, path or address) and what it got (errno).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace sandbox::explain {

enum class Op {
  read,     // open for reading, chdir, inotify
  write,    // open an existing file for writing, truncate
  create,   // create a file, directory, node or link
  remove,   // unlink, rmdir
  rename,   // rename: path -> path2
  exec,     // execve
  stat,     // stat, access, readlink, statfs: a probe
  connect,  // connect, to address:port or a unix socket path
  bind,
  send,     // sendto, sendmsg, sendmmsg with a destination address
  socket,   // socket(family, type): denied by seccomp
  signal,   // kill and friends
  fork,     // fork, vfork, clone
  syscall,  // a call of the deny list
};
const char* op_name(Op op);

struct Attempt {
  pid_t pid = 0;
  std::string comm;     // /proc/PID/comm
  std::string syscall;  // "openat"
  Op op = Op::syscall;
  std::string path;     // absolute, as the program sees it (or "" when unknown)
  std::string path2;    // rename's destination, link's target
  // Network: family (AF_INET, AF_INET6, AF_UNIX), the socket type, the
  // address as text ("127.0.0.1", a unix path, "@name" for abstract).
  int family = 0;
  bool udp = false;
  std::string address;
  unsigned port = 0;
  // signal: the signal and its target pid (as the program named it).
  int signal = 0;
  long target = 0;
  std::uint64_t flags = 0;  // clone's flags, socket's type
  // The result: 0, or the errno the call failed with.
  int err = 0;
  bool denied_call = false;  // the deny list stopped it: the tracer answered EPERM
};

}  // namespace sandbox::explain
