#include "x11/display.h"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <set>

#include "util/env.h"
#include "util/unix_listeners.h"

namespace sandbox::x11 {
namespace {

constexpr unsigned kFirstNested = 10;  // Xephyr's customary range; leaves :0-:9 to desktops
constexpr unsigned kLastNested = 1000;

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// Display numbers of the abstract X sockets listening in our network
// namespace (util/unix_listeners.h: one read of /proc/net/unix could skip a
// row while other sockets come and go).
std::set<unsigned> abstract_displays() {
  std::set<unsigned> numbers;
  auto names = util::listening_abstract_unix_names();
  if (!names) return numbers;  // the lock files and path sockets are checked as well
  const std::string prefix = std::string(kSocketDir) + "/X";
  for (const std::string& name : *names) {
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    unsigned n = 0;
    const char* first = name.data() + prefix.size();
    auto [ptr, ec] = std::from_chars(first, name.data() + name.size(), n);
    if (ec == std::errc() && ptr != first) numbers.insert(n);
  }
  return numbers;
}

}  // namespace

std::string socket_path(unsigned number) {
  return std::string(kSocketDir) + "/X" + std::to_string(number);
}

Result<unsigned> parse_local_display(const std::string& display) {
  const auto colon = display.rfind(':');
  const std::string host = colon == std::string::npos ? display : display.substr(0, colon);
  if (colon == std::string::npos) {
    return Error("DISPLAY=" + display + " is not an X display name (expected :N)");
  }
  if (!host.empty() && host != "unix") {
    return Error("DISPLAY=" + display + " is a remote (TCP) display; -X needs a local one (:N)")
        .with_hint("run sandbox -X on the machine that shows the display");
  }
  std::string rest = display.substr(colon + 1);
  rest = rest.substr(0, rest.find('.'));  // the screen does not matter
  unsigned number = 0;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), number);
  if (rest.empty() || ec != std::errc() || ptr != rest.data() + rest.size()) {
    return Error("DISPLAY=" + display + " is not an X display name (expected :N)");
  }
  return number;
}

Result<CallerDisplay> caller_display(const std::vector<std::string>& env) {
  const std::string display = util::env_value(env, "DISPLAY");
  if (display.empty()) {
    return Error("-X: DISPLAY is not set: there is no X display to show the program's window on")
        .with_hint("run it from a graphical session, or set DISPLAY");
  }
  auto number = parse_local_display(display);
  if (!number) return std::move(number).error().wrap("-X");
  CallerDisplay caller;
  caller.number = *number;
  caller.socket = socket_path(*number);
  struct stat st {};
  if (::stat(caller.socket.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    return Error::from_errno("-X: DISPLAY=" + display + ": no X server socket at " +
                             caller.socket)
        .with_hint("is the X server running and listening on its unix socket?");
  }
  if (const std::string xauthority = util::env_value(env, "XAUTHORITY"); !xauthority.empty()) {
    caller.xauthority = xauthority;
  } else if (const std::string home = util::env_value(env, "HOME"); !home.empty() && home[0] == '/') {
    caller.xauthority = home + "/.Xauthority";
  }
  return caller;
}

Result<unsigned> free_display_number(unsigned avoid) {
  const std::set<unsigned> abstract = abstract_displays();
  for (unsigned n = kFirstNested; n <= kLastNested; ++n) {
    if (n == avoid || abstract.count(n) != 0) continue;
    if (exists(socket_path(n)) || exists("/tmp/.X" + std::to_string(n) + "-lock")) continue;
    return n;
  }
  return Error("-X: no free X display number between :" + std::to_string(kFirstNested) + " and :" +
               std::to_string(kLastNested));
}

}  // namespace sandbox::x11
