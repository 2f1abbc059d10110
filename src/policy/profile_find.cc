// Finding profiles: -t NAME|FILE and include-profiles (DESIGN §5).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "sandbox/profile.h"
#include "util/unique_fd.h"

namespace sandbox::profile {
namespace {

constexpr off_t kMaxProfileBytes = 1 << 20;

bool is_name(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char ch) {
    return ch == '-' || ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9');
  });
}

bool is_file_reference(const std::string& s) {
  return s.find('/') != std::string::npos ||
         (s.size() > 5 && s.compare(s.size() - 5, 5, ".toml") == 0);
}

// Read once per process: a launch looks up two profiles or more (default
// includes min), and readlink of /proc/self/exe costs a /proc lookup each.
const std::string& executable_dir() {
  static const std::string dir = [] {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0) return std::string();
    std::string path(buf, static_cast<std::size_t>(n));
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
  }();
  return dir;
}

// Reads a whole regular file; errno in the error when it cannot.
Result<std::string> read_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return Error::from_errno("cannot read the profile " + path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error::from_errno("cannot stat the profile " + path);
  if (!S_ISREG(st.st_mode)) return Error("the profile " + path + " is not a regular file");
  if (st.st_size > kMaxProfileBytes) return Error("the profile " + path + " is larger than 1 MiB");
  std::string text;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno("cannot read the profile " + path);
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > static_cast<std::size_t>(kMaxProfileBytes)) {
      return Error("the profile " + path + " is larger than 1 MiB");
    }
  }
  return text;
}

std::string stem(const std::string& file) {
  std::string base = file.substr(file.rfind('/') == std::string::npos ? 0 : file.rfind('/') + 1);
  if (base.size() > 5 && base.compare(base.size() - 5, 5, ".toml") == 0) base.resize(base.size() - 5);
  return base;
}

}  // namespace

std::string user_config_dir(const std::string& xdg_config_home, const std::string& home) {
  if (!xdg_config_home.empty() && xdg_config_home[0] == '/') return xdg_config_home;
  if (!home.empty() && home[0] == '/') return home + "/.config";
  return {};
}

std::vector<std::string> search_dirs() {
  std::vector<std::string> dirs;
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (const std::string user = user_config_dir(xdg != nullptr ? xdg : "", home != nullptr ? home : ""); !user.empty()) {
    dirs.push_back(user + "/sandbox/profiles");
  }
  dirs.emplace_back("/etc/sandbox/profiles");
  // The shipped profiles, relative to the binary, never a compiled-in path:
  // an installed (or relocated) sandbox in PREFIX/bin finds
  // PREFIX/share/sandbox/profiles; the build tree and the test stage keep
  // share/sandbox/profiles beside the binary.
  if (const std::string& exe = executable_dir(); !exe.empty()) {
    dirs.push_back(exe + "/../share/sandbox/profiles");
    dirs.push_back(exe + "/share/sandbox/profiles");
  }
  return dirs;
}

Result<Source> find(const std::string& name_or_file) {
  if (is_file_reference(name_or_file)) {
    auto text = read_file(name_or_file);
    if (!text) return std::move(text).error();
    return Source{stem(name_or_file), name_or_file, std::move(*text)};
  }
  if (!is_name(name_or_file)) {
    return Error("'" + name_or_file + "' is neither a profile name nor a file")
        .with_hint("names are letters, digits, '-' and '_'; files contain a '/' or end in .toml");
  }
  std::string looked;
  for (const auto& dir : search_dirs()) {
    const std::string file = dir + "/" + name_or_file + ".toml";
    if (::access(file.c_str(), F_OK) != 0) {
      looked += (looked.empty() ? "" : ", ") + dir;
      continue;
    }
    auto text = read_file(file);
    if (!text) return std::move(text).error();
    return Source{name_or_file, file, std::move(*text)};
  }
  return Error("no profile named '" + name_or_file + "'", ENOENT)
      .with_hint("looked in " + looked + "; the built-in ones are min, default, web, net and x");
}

Result<Policy> load(const std::string& name_or_file) {
  auto source = find(name_or_file);
  if (!source) {
    // The shipped default.toml equals the compiled-in default (unit-tested),
    // so a library without its data files still runs the documented policy.
    if (name_or_file == "default" && source.error().errno_value() == ENOENT) {
      return Policy::default_profile();
    }
    return std::move(source).error().wrap("-t " + name_or_file);
  }
  Policy policy = empty_policy();
  policy.profile = source->name;
  if (auto ok = apply(policy, *source, find); !ok) return std::move(ok).error();
  return policy;
}

}  // namespace sandbox::profile
