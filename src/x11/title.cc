#include "x11/title.h"

#include <sys/stat.h>

namespace sandbox::x11 {
namespace {

constexpr std::size_t kMaxDocuments = 3;
constexpr std::size_t kMaxName = 60;
constexpr std::size_t kMaxTitle = 200;

std::string last_component(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const auto slash = path.rfind('/');
  return slash == std::string::npos || path.size() == 1 ? path : path.substr(slash + 1);
}

std::string printable(const std::string& text, std::size_t limit) {
  std::string out;
  for (const char c : text) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  }
  return out;
}

bool names_a_file(const std::string& arg, const std::string& cwd) {
  if (arg.empty() || arg[0] == '-') return false;
  const std::string path = arg[0] == '/' || cwd.empty() ? arg : cwd + "/" + arg;
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode));
}

}  // namespace

std::string window_title(const std::string& label, const std::vector<std::string>& argv,
                         const std::string& cwd) {
  std::string words = argv.empty() ? std::string("?") : printable(last_component(argv[0]), kMaxName);
  std::size_t documents = 0;
  for (std::size_t i = 1; i < argv.size() && documents < kMaxDocuments; ++i) {
    if (!names_a_file(argv[i], cwd)) continue;
    words += " " + printable(last_component(argv[i]), kMaxName);
    ++documents;
  }
  const std::string suffix = " (" + label + ")";
  std::string title = "sandbox: " + words;
  if (title.size() + suffix.size() > kMaxTitle) title = title.substr(0, kMaxTitle - suffix.size() - 3) + "...";
  return title + suffix;
}

}  // namespace sandbox::x11
