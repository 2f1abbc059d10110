#include "handover/arguments.h"

#include <sys/stat.h>

#include <climits>
#include <string_view>

namespace sandbox::handover {
namespace {

// "/dev/fd/63" -> 63; -1 for anything else (no sign, no leading zero, no
// trailing text).
int descriptor_number(std::string_view arg) {
  for (std::string_view prefix : {std::string_view("/dev/fd/"), std::string_view("/proc/self/fd/")}) {
    if (arg.substr(0, prefix.size()) != prefix) continue;
    const std::string_view digits = arg.substr(prefix.size());
    if (digits.empty() || digits.size() > 9 || (digits.size() > 1 && digits[0] == '0')) return -1;
    int n = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return -1;
      n = n * 10 + (c - '0');
    }
    return n;
  }
  return -1;
}

}  // namespace

std::vector<int> pipes_named_by(const std::vector<std::string>& argv) {
  std::vector<int> out;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const int n = descriptor_number(argv[i]);
    if (n < 3) continue;  // 0-2 are handed over anyway
    struct stat st {};
    if (::fstat(n, &st) == 0 && S_ISFIFO(st.st_mode)) out.push_back(n);
  }
  return out;
}

}  // namespace sandbox::handover
