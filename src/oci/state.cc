#include "oci/state.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sandbox::oci {
namespace {
using Json = nlohmann::json;
}

bool initial_user_namespace() {
  std::ifstream in("/proc/self/uid_map");
  std::uint64_t inside = 1, outside = 1, count = 0;
  in >> inside >> outside >> count;
  return inside == 0 && outside == 0 && count == 4294967295ULL;
}

std::string default_root() {
  if (::geteuid() != 0 || !initial_user_namespace()) {
    const char* xdg = std::getenv("XDG_RUNTIME_DIR");  // the CLI's own environment
    if (xdg != nullptr && *xdg != '\0') return std::string(xdg) + "/sandbox-oci";
    return "/tmp/sandbox-oci-" + std::to_string(::geteuid());
  }
  return "/run/sandbox-oci";
}

Result<std::string> container_dir(const std::string& root, const std::string& id) {
  if (id.empty() || id.find('/') != std::string::npos || id[0] == '.' || id.size() > 1024) {
    return Error("invalid container id \"" + id + "\"");
  }
  return root + "/" + id;
}

std::string now_rfc3339() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  tm utc{};
  ::gmtime_r(&ts.tv_sec, &utc);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, ts.tv_nsec);
  return buf;
}

Result<void> save_state(const std::string& dir, const State& s) {
  Json j = {{"id", s.id}, {"pid", s.pid}, {"start_time", s.start_time}, {"bundle", s.bundle},
            {"rootfs", s.rootfs}, {"created", s.created}, {"label", s.label},
            {"owner", s.owner}, {"started", s.started}, {"cgroups", s.cgroups.dirs},
            {"cgroup_v2", s.cgroups.v2}, {"cgroup_freezer", s.cgroups.freezer},
            {"cgroup_v1_join", s.cgroups.v1_join},
            {"annotations", s.annotations}, {"poststop", s.poststop_hooks_json}};
  const std::string tmp = dir + "/state.json.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump() << "\n";
    if (!out) return Error::from_errno("cannot write " + tmp);
  }
  if (::rename(tmp.c_str(), (dir + "/state.json").c_str()) != 0) {
    return Error::from_errno("cannot rename " + tmp);
  }
  return success();
}

Result<State> load_state(const std::string& root, const std::string& id) {
  auto dir = container_dir(root, id);
  if (!dir) return std::move(dir).error();
  std::ifstream in(*dir + "/state.json");
  if (!in) return Error("container \"" + id + "\" does not exist", ENOENT);
  try {
    const Json j = Json::parse(in);
    State s;
    s.id = j.at("id");
    s.pid = j.at("pid");
    s.start_time = j.at("start_time");
    s.bundle = j.at("bundle");
    s.rootfs = j.at("rootfs");
    s.created = j.at("created");
    s.label = j.value("label", "");
    s.owner = j.value("owner", 0U);
    s.started = j.value("started", false);
    s.cgroups.dirs = j.at("cgroups").get<std::vector<std::string>>();
    s.cgroups.v2 = j.value("cgroup_v2", "");
    s.cgroups.freezer = j.value("cgroup_freezer", "");
    s.cgroups.v1_join = j.value("cgroup_v1_join", true);
    s.annotations = j.value("annotations", std::map<std::string, std::string>{});
    s.poststop_hooks_json = j.value("poststop", std::vector<std::string>{});
    return s;
  } catch (const Json::exception& e) {
    return Error("container \"" + id + "\": bad state file: " + e.what());
  }
}

std::vector<std::string> list_ids(const std::string& root) {
  std::vector<std::string> ids;
  DIR* d = ::opendir(root.c_str());
  if (d == nullptr) return ids;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::stat((root + "/" + name + "/state.json").c_str(), &st) == 0) ids.push_back(name);
  }
  ::closedir(d);
  return ids;
}

std::optional<std::uint64_t> process_start_time(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  // comm may hold spaces and parentheses: fields start after the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  char state = 0;
  fields >> state;
  if (state == 'Z' || state == 'X') return std::nullopt;
  for (int i = 4; i < 22 && fields >> field; ++i) {
  }
  std::uint64_t start = 0;
  if (!(fields >> start)) return std::nullopt;
  return start;
}

bool process_alive(const State& state) {
  const auto start = process_start_time(state.pid);
  return start && *start == state.start_time;
}

std::string status_of(const std::string& root, const State& state) {
  if (!process_alive(state)) return "stopped";
  if (cgroups_frozen(state.cgroups)) return "paused";
  struct stat st {};
  if (::stat((root + "/" + state.id + "/exec.fifo").c_str(), &st) == 0) return "created";
  return "running";
}

std::string state_json(const std::string& root, const State& state) {
  const std::string status = status_of(root, state);
  Json j = {{"ociVersion", "1.0.2"}, {"id", state.id}, {"status", status},
            {"pid", status == "stopped" ? 0 : state.pid}, {"bundle", state.bundle},
            {"rootfs", state.rootfs}, {"created", state.created}, {"owner", ""}};
  Json annotations = Json::object();
  for (const auto& [k, v] : state.annotations) annotations[k] = v;
  if (!state.label.empty()) annotations["sandbox.label"] = state.label;
  j["annotations"] = annotations;
  return j.dump(2);
}

}  // namespace sandbox::oci
