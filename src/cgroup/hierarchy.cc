#include "cgroup/hierarchy.h"

#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace sandbox::cgroup {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, sep)) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// mountinfo escapes spaces and such as \040.
std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const std::string oct = s.substr(i + 1, 3);
      if (std::all_of(oct.begin(), oct.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>(std::stoi(oct, nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

const Hierarchy* Hierarchies::v1_for(const std::string& controller) const {
  for (const auto& h : v1) {
    if (std::find(h.controllers.begin(), h.controllers.end(), controller) != h.controllers.end()) {
      return &h;
    }
  }
  return nullptr;
}

Hierarchies parse_mountinfo(const std::string& mountinfo, bool read_controllers) {
  static const std::vector<std::string> kV1Controllers = {
      "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids",
      "net_cls", "net_prio", "perf_event", "hugetlb", "rdma", "misc"};
  Hierarchies out;
  for (const auto& line : split(mountinfo, '\n')) {
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    const auto left = split(line.substr(0, dash), ' ');
    const auto right = split(line.substr(dash + 3), ' ');
    if (left.size() < 5 || right.size() < 3) continue;
    // Only whole hierarchies: a bind of a subdirectory has root != "/".
    if (left[3] != "/") continue;
    const std::string mount = unescape(left[4]);
    if (right[0] == "cgroup2") {
      if (out.v2) continue;  // the first mount wins
      Hierarchy h{mount, {}, true};
      if (read_controllers) h.controllers = words(read_text(mount + "/cgroup.controllers"));
      out.v2 = std::move(h);
    } else if (right[0] == "cgroup") {
      Hierarchy h{mount, {}, false};
      for (const auto& option : split(right[2], ',')) {
        if (std::find(kV1Controllers.begin(), kV1Controllers.end(), option) != kV1Controllers.end()) {
          h.controllers.push_back(option);
        }
      }
      if (!h.controllers.empty() && out.v1_for(h.controllers.front()) == nullptr) {
        out.v1.push_back(std::move(h));
      }
    }
  }
  return out;
}

Hierarchies find_hierarchies() { return parse_mountinfo(read_text("/proc/self/mountinfo"), true); }

std::optional<Hierarchy> find_v2() {
  for (const char* mount : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
    struct statfs fs {};
    if (::statfs(mount, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC) return Hierarchy{mount, {}, true};
  }
  return parse_mountinfo(read_text("/proc/self/mountinfo"), false).v2;
}

std::string own_v2_path() {
  for (const auto& line : split(read_text("/proc/self/cgroup"), '\n')) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return {};
}

std::string group_parent(const Hierarchy& hierarchy) {
  if (::geteuid() == 0) return hierarchy.mount + "/sandbox";
  if (!hierarchy.v2) return {};  // v1 has no delegation model for us
  const std::string own = own_v2_path();
  if (own.empty() || own.find("..") != std::string::npos) return {};
  const std::string dir = hierarchy.mount + (own == "/" ? "" : own);
  // A delegated subtree: we may create children and move processes.
  if (::access(dir.c_str(), W_OK) != 0 || ::access((dir + "/cgroup.procs").c_str(), W_OK) != 0) {
    return {};
  }
  return dir + "/sandbox";
}

}  // namespace sandbox::cgroup
