// config.json → Spec. Every object's keys are checked against what is
// supported: an unknown field fails create naming it (DESIGN §13).
#include "oci/spec.h"

#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

namespace sandbox::oci {
namespace {

using Json = nlohmann::json;

struct ParseError {
  std::string what;
};

[[noreturn]] void fail(const std::string& what) { throw ParseError{what}; }

// Fails naming the first key of `object` (at `where`) that is not allowed.
void check_keys(const Json& object, const std::string& where,
                std::initializer_list<const char*> allowed) {
  if (!object.is_object()) fail(where + ": not an object");
  for (const auto& [key, value] : object.items()) {
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      fail(where + (where.empty() ? "" : ".") + key + ": not supported by sandbox-oci");
    }
  }
}

template <class T>
T get(const Json& object, const char* key, const std::string& where, T fallback = T{}) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const Json::exception&) {
    fail(where + "." + key + ": wrong type");
  }
}

constexpr std::array<const char*, 41> kCapNames = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
    "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
    "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
    "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};

std::uint64_t cap_set(const Json& list, const std::string& where) {
  std::uint64_t set = 0;
  if (list.is_null()) return 0;
  if (!list.is_array()) fail(where + ": not a list");
  for (const auto& item : list) {
    const int n = capability_number(item.get<std::string>());
    // runc ignores capabilities this kernel does not know, with a warning;
    // an unknown name is refused.
    if (n < 0) fail(where + ": unknown capability " + item.get<std::string>());
    set |= 1ULL << n;
  }
  return set;
}

Process parse_process_object(const Json& p, const std::string& where) {
  check_keys(p, where, {"terminal", "consoleSize", "user", "args", "env", "cwd", "capabilities",
                        "rlimits", "noNewPrivileges", "oomScoreAdj", "apparmorProfile",
                        "selinuxLabel", "commandLine", "scheduler", "ioPriority"});
  Process process;
  process.terminal = get<bool>(p, "terminal", where, false);
  if (p.contains("consoleSize")) {
    process.console_height = get<unsigned>(p["consoleSize"], "height", where + ".consoleSize");
    process.console_width = get<unsigned>(p["consoleSize"], "width", where + ".consoleSize");
  }
  for (const char* unsupported : {"commandLine", "scheduler", "ioPriority"}) {
    if (p.contains(unsupported)) fail(where + "." + unsupported + ": not supported by sandbox-oci");
  }
  // An AppArmor profile or SELinux label cannot be applied on a host
  // without those LSMs; an empty one asks for nothing.
  for (const char* lsm : {"apparmorProfile", "selinuxLabel"}) {
    if (!get<std::string>(p, lsm, where).empty()) {
      fail(where + "." + lsm + ": not supported by sandbox-oci (no such LSM here)");
    }
  }
  process.args = get<std::vector<std::string>>(p, "args", where);
  process.env = get<std::vector<std::string>>(p, "env", where);
  process.cwd = get<std::string>(p, "cwd", where, "/");
  if (process.cwd.empty() || process.cwd[0] != '/') fail(where + ".cwd: not an absolute path");
  if (p.contains("user")) {
    const Json& u = p["user"];
    check_keys(u, where + ".user", {"uid", "gid", "umask", "additionalGids", "username"});
    process.uid = get<uid_t>(u, "uid", where + ".user");
    process.gid = get<gid_t>(u, "gid", where + ".user");
    process.additional_gids = get<std::vector<gid_t>>(u, "additionalGids", where + ".user");
    if (u.contains("umask") && !u["umask"].is_null()) process.umask = get<mode_t>(u, "umask", where);
  }
  if (p.contains("capabilities")) {
    const Json& c = p["capabilities"];
    const std::string w = where + ".capabilities";
    check_keys(c, w, {"bounding", "effective", "inheritable", "permitted", "ambient"});
    Capabilities caps;
    caps.bounding = cap_set(c.value("bounding", Json()), w + ".bounding");
    caps.effective = cap_set(c.value("effective", Json()), w + ".effective");
    caps.inheritable = cap_set(c.value("inheritable", Json()), w + ".inheritable");
    caps.permitted = cap_set(c.value("permitted", Json()), w + ".permitted");
    caps.ambient = cap_set(c.value("ambient", Json()), w + ".ambient");
    process.capabilities = caps;
  }
  if (p.contains("rlimits")) {
    for (const auto& r : p["rlimits"]) {
      check_keys(r, where + ".rlimits", {"type", "soft", "hard"});
      Rlimit limit;
      limit.name = get<std::string>(r, "type", where + ".rlimits");
      limit.resource = rlimit_number(limit.name);
      if (limit.resource < 0) fail(where + ".rlimits: unknown rlimit " + limit.name);
      limit.soft = get<std::uint64_t>(r, "soft", where + ".rlimits");
      limit.hard = get<std::uint64_t>(r, "hard", where + ".rlimits");
      process.rlimits.push_back(limit);
    }
  }
  process.no_new_privileges = get<bool>(p, "noNewPrivileges", where, false);
  if (p.contains("oomScoreAdj") && !p["oomScoreAdj"].is_null()) {
    process.oom_score_adj = get<int>(p, "oomScoreAdj", where);
  }
  return process;
}

struct MountOption {
  const char* name;
  bool clear;
  unsigned long flag;
};
constexpr std::array<MountOption, 26> kMountOptions = {{
    {"ro", false, MS_RDONLY}, {"rw", true, MS_RDONLY}, {"nosuid", false, MS_NOSUID},
    {"suid", true, MS_NOSUID}, {"nodev", false, MS_NODEV}, {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC}, {"exec", true, MS_NOEXEC}, {"sync", false, MS_SYNCHRONOUS},
    {"async", true, MS_SYNCHRONOUS}, {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT}, {"mand", false, MS_MANDLOCK}, {"nomand", true, MS_MANDLOCK},
    {"atime", true, MS_NOATIME}, {"noatime", false, MS_NOATIME},
    {"diratime", true, MS_NODIRATIME}, {"nodiratime", false, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME}, {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME}, {"nostrictatime", true, MS_STRICTATIME},
    {"silent", false, MS_SILENT}, {"loud", true, MS_SILENT}, {"lazytime", false, 1 << 25},
    {"nolazytime", true, 1 << 25},
}};
constexpr std::array<std::pair<const char*, unsigned long>, 8> kPropagation = {{
    {"private", MS_PRIVATE}, {"rprivate", MS_PRIVATE | MS_REC}, {"shared", MS_SHARED},
    {"rshared", MS_SHARED | MS_REC}, {"slave", MS_SLAVE}, {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
}};

Mount parse_mount(const Json& m, const std::string& where) {
  check_keys(m, where, {"destination", "type", "source", "options", "uidMappings",
                        "gidMappings"});
  if (m.contains("uidMappings") || m.contains("gidMappings")) {
    fail(where + ".uidMappings: id-mapped mounts are not supported by sandbox-oci");
  }
  Mount mount;
  mount.destination = get<std::string>(m, "destination", where);
  if (mount.destination.empty() || mount.destination[0] != '/') {
    fail(where + ".destination: not an absolute path: " + mount.destination);
  }
  mount.type = get<std::string>(m, "type", where);
  mount.source = get<std::string>(m, "source", where);
  std::string data;
  for (const auto& o : get<std::vector<std::string>>(m, "options", where)) {
    if (o == "bind" || o == "rbind") {
      mount.bind = true;
      mount.recursive = mount.recursive || o == "rbind";
      continue;
    }
    // podman's: copy the image's content up into a tmpfs (crun); our tmpfs
    // starts empty, like runc's.
    if (o == "tmpcopyup" || o == "notmpcopyup") continue;
    const auto opt = std::find_if(kMountOptions.begin(), kMountOptions.end(),
                                  [&](const MountOption& k) { return o == k.name; });
    if (opt != kMountOptions.end()) {
      if (opt->clear) {
        mount.flags &= ~opt->flag;
      } else {
        mount.flags |= opt->flag;
      }
      continue;
    }
    const auto prop = std::find_if(kPropagation.begin(), kPropagation.end(),
                                   [&](const auto& k) { return o == k.first; });
    if (prop != kPropagation.end()) {
      mount.propagation = prop->second;
      continue;
    }
    if (o == "idmap" || o == "ridmap" || o.starts_with("X-mount.") || o.starts_with("rro") ||
        o.starts_with("rrw") || o.starts_with("rnosuid") || o.starts_with("rnoexec") ||
        o.starts_with("rnodev") || o.starts_with("ratime") || o.starts_with("rnoatime")) {
      fail(where + ".options: " + o + ": not supported by sandbox-oci");
    }
    data += (data.empty() ? "" : ",") + o;
  }
  if (mount.type == "bind") mount.bind = true;
  mount.data = data;
  return mount;
}

std::uint32_t seccomp_action(const std::string& name, const Json& errno_ret,
                             const std::string& where) {
  const std::uint32_t err = errno_ret.is_null() ? EPERM : errno_ret.get<std::uint32_t>();
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(err);
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(err);
  fail(where + ": action " + name + " not supported by sandbox-oci");
}

int seccomp_op(const std::string& op, const std::string& where) {
  static const std::map<std::string, int> ops = {
      {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT},
      {"SCMP_CMP_LE", SCMP_CMP_LE}, {"SCMP_CMP_EQ", SCMP_CMP_EQ},
      {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
      {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  const auto it = ops.find(op);
  if (it == ops.end()) fail(where + ": operator " + op + " not supported");
  return it->second;
}

Seccomp parse_seccomp(const Json& s, const std::string& where) {
  check_keys(s, where, {"defaultAction", "defaultErrnoRet", "architectures", "flags",
                        "syscalls", "listenerPath", "listenerMetadata"});
  if (!get<std::string>(s, "listenerPath", where).empty()) {
    fail(where + ".listenerPath: seccomp notification is not supported by sandbox-oci");
  }
  Seccomp seccomp;
  seccomp.default_action = seccomp_action(get<std::string>(s, "defaultAction", where),
                                          s.value("defaultErrnoRet", Json()), where);
  seccomp.architectures = get<std::vector<std::string>>(s, "architectures", where);
  if (s.contains("syscalls")) {
    for (const auto& r : s["syscalls"]) {
      const std::string w = where + ".syscalls";
      check_keys(r, w, {"names", "action", "errnoRet", "args", "comment", "includes",
                        "excludes"});
      SeccompRule rule;
      rule.names = get<std::vector<std::string>>(r, "names", w);
      const Json err = r.contains("errnoRet") ? r["errnoRet"] : s.value("defaultErrnoRet", Json());
      rule.action = seccomp_action(get<std::string>(r, "action", w), err, w);
      if (r.contains("args")) {
        for (const auto& a : r["args"]) {
          check_keys(a, w + ".args", {"index", "value", "valueTwo", "op"});
          SeccompRule::Arg arg;
          arg.index = get<unsigned>(a, "index", w);
          arg.value = get<std::uint64_t>(a, "value", w);
          arg.value_two = get<std::uint64_t>(a, "valueTwo", w);
          arg.op = seccomp_op(get<std::string>(a, "op", w), w);
          rule.args.push_back(arg);
        }
      }
      seccomp.syscalls.push_back(std::move(rule));
    }
  }
  return seccomp;
}

void parse_resources(const Json& r, Resources& out, const std::string& where) {
  check_keys(r, where, {"memory", "pids", "cpu", "devices", "blockIO", "hugepageLimits",
                        "network", "rdma", "unified"});
  if (r.contains("memory")) {
    const Json& m = r["memory"];
    check_keys(m, where + ".memory", {"limit", "reservation", "swap", "kernel", "kernelTCP",
                                      "swappiness", "disableOOMKiller", "useHierarchy",
                                      "checkBeforeUpdate"});
    if (m.contains("limit") && !m["limit"].is_null()) out.memory_limit = m["limit"].get<std::int64_t>();
    if (m.contains("swap") && !m["swap"].is_null()) out.memory_swap = m["swap"].get<std::int64_t>();
    if (m.contains("reservation") && !m["reservation"].is_null()) {
      out.memory_reservation = m["reservation"].get<std::int64_t>();
    }
  }
  if (r.contains("pids") && r["pids"].contains("limit")) {
    out.pids_limit = r["pids"]["limit"].get<std::int64_t>();
  }
  if (r.contains("cpu")) {
    const Json& c = r["cpu"];
    check_keys(c, where + ".cpu", {"shares", "quota", "period", "realtimeRuntime",
                                   "realtimePeriod", "cpus", "mems", "idle", "burst"});
    if (c.contains("shares") && !c["shares"].is_null()) out.cpu_shares = c["shares"].get<std::uint64_t>();
    if (c.contains("quota") && !c["quota"].is_null()) out.cpu_quota = c["quota"].get<std::int64_t>();
    if (c.contains("period") && !c["period"].is_null()) out.cpu_period = c["period"].get<std::uint64_t>();
    out.cpuset_cpus = get<std::string>(c, "cpus", where + ".cpu");
    out.cpuset_mems = get<std::string>(c, "mems", where + ".cpu");
  }
  // The device allow list is the device cgroup's (v1) business; podman and
  // runc's default ("deny all, allow the standard nodes") is what the mknod
  // of linux.devices and the missing CAP_MKNOD give already. Other lists
  // are refused below.
  if (r.contains("devices")) {
    for (const auto& d : r["devices"]) {
      check_keys(d, where + ".devices", {"allow", "type", "major", "minor", "access"});
    }
  }
  for (const char* unsupported : {"blockIO", "hugepageLimits", "network", "rdma", "unified"}) {
    if (r.contains(unsupported) && !r[unsupported].empty()) {
      fail(where + "." + unsupported + ": not supported by sandbox-oci");
    }
  }
}

void parse_hooks(const Json& h, Hooks& hooks) {
  check_keys(h, "hooks", {"prestart", "createRuntime", "createContainer", "startContainer",
                          "poststart", "poststop"});
  auto list = [&](const char* key, std::vector<Hook>& out) {
    if (!h.contains(key)) return;
    for (const auto& j : h[key]) {
      check_keys(j, std::string("hooks.") + key, {"path", "args", "env", "timeout"});
      Hook hook;
      hook.path = get<std::string>(j, "path", key);
      hook.args = get<std::vector<std::string>>(j, "args", key);
      hook.env = get<std::vector<std::string>>(j, "env", key);
      if (j.contains("timeout")) hook.timeout = j["timeout"].get<int>();
      out.push_back(std::move(hook));
    }
  };
  list("prestart", hooks.prestart);
  list("createRuntime", hooks.create_runtime);
  list("createContainer", hooks.create_container);
  list("startContainer", hooks.start_container);
  list("poststart", hooks.poststart);
  list("poststop", hooks.poststop);
}

std::vector<IdMapping> parse_mappings(const Json& list, const std::string& where) {
  std::vector<IdMapping> out;
  for (const auto& m : list) {
    check_keys(m, where, {"containerID", "hostID", "size"});
    out.push_back({m.at("containerID").get<std::uint32_t>(), m.at("hostID").get<std::uint32_t>(),
                   m.at("size").get<std::uint32_t>()});
  }
  return out;
}

void parse_linux(const Json& l, Spec& spec) {
  check_keys(l, "linux", {"namespaces", "uidMappings", "gidMappings", "resources",
                          "cgroupsPath", "seccomp", "maskedPaths", "readonlyPaths", "devices",
                          "sysctl", "rootfsPropagation", "mountLabel", "intelRdt", "personality",
                          "timeOffsets", "memoryPolicy"});
  for (const char* unsupported : {"intelRdt", "personality", "timeOffsets", "memoryPolicy"}) {
    if (l.contains(unsupported)) fail(std::string("linux.") + unsupported + ": not supported by sandbox-oci");
  }
  if (!get<std::string>(l, "mountLabel", "linux").empty()) {
    fail("linux.mountLabel: not supported by sandbox-oci (no SELinux here)");
  }
  if (l.contains("namespaces")) {
    for (const auto& n : l["namespaces"]) {
      check_keys(n, "linux.namespaces", {"type", "path"});
      const std::string type = get<std::string>(n, "type", "linux.namespaces");
      const int flag = namespace_flag(type);
      if (flag == 0) fail("linux.namespaces: type " + type + " not supported by sandbox-oci");
      spec.namespaces.push_back({flag, get<std::string>(n, "path", "linux.namespaces")});
    }
  }
  if (l.contains("uidMappings")) spec.uid_mappings = parse_mappings(l["uidMappings"], "linux.uidMappings");
  if (l.contains("gidMappings")) spec.gid_mappings = parse_mappings(l["gidMappings"], "linux.gidMappings");
  if (l.contains("resources")) parse_resources(l["resources"], spec.resources, "linux.resources");
  spec.cgroups_path = get<std::string>(l, "cgroupsPath", "linux");
  if (l.contains("seccomp") && !l["seccomp"].is_null()) spec.seccomp = parse_seccomp(l["seccomp"], "linux.seccomp");
  spec.masked_paths = get<std::vector<std::string>>(l, "maskedPaths", "linux");
  spec.readonly_paths = get<std::vector<std::string>>(l, "readonlyPaths", "linux");
  if (l.contains("devices")) {
    for (const auto& d : l["devices"]) {
      check_keys(d, "linux.devices", {"path", "type", "major", "minor", "fileMode", "uid", "gid"});
      Device device;
      device.path = get<std::string>(d, "path", "linux.devices");
      const std::string type = get<std::string>(d, "type", "linux.devices", "c");
      device.type = type.empty() ? 'c' : type[0];
      device.major = get<std::int64_t>(d, "major", "linux.devices");
      device.minor = get<std::int64_t>(d, "minor", "linux.devices");
      device.file_mode = get<mode_t>(d, "fileMode", "linux.devices", 0666);
      device.uid = get<uid_t>(d, "uid", "linux.devices");
      device.gid = get<gid_t>(d, "gid", "linux.devices");
      spec.devices.push_back(device);
    }
  }
  spec.sysctl = get<std::map<std::string, std::string>>(l, "sysctl", "linux");
  spec.rootfs_propagation = get<std::string>(l, "rootfsPropagation", "linux");
}

}  // namespace

bool Mount::read_only() const { return (flags & MS_RDONLY) != 0; }

bool Spec::has_new(int ns_type) const {
  const Namespace* ns = find(ns_type);
  return ns != nullptr && ns->path.empty();
}

const Namespace* Spec::find(int ns_type) const {
  for (const auto& ns : namespaces) {
    if (ns.type == ns_type) return &ns;
  }
  return nullptr;
}

int capability_number(const std::string& name) {
  for (std::size_t i = 0; i < kCapNames.size(); ++i) {
    if (name == kCapNames[i]) return static_cast<int>(i);
  }
  return -1;
}

int rlimit_number(const std::string& name) {
  static const std::map<std::string, int> names = {
      {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},
      {"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_STACK", RLIMIT_STACK},
      {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
      {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},
      {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_AS", RLIMIT_AS},
      {"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
      {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
      {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME}};
  const auto it = names.find(name);
  return it == names.end() ? -1 : it->second;
}

int namespace_flag(const std::string& name) {
  if (name == "pid") return CLONE_NEWPID;
  if (name == "network") return CLONE_NEWNET;
  if (name == "mount") return CLONE_NEWNS;
  if (name == "ipc") return CLONE_NEWIPC;
  if (name == "uts") return CLONE_NEWUTS;
  if (name == "user") return CLONE_NEWUSER;
  if (name == "cgroup") return CLONE_NEWCGROUP;
  return 0;
}

const char* namespace_file(int flag) {
  switch (flag) {
    case CLONE_NEWPID: return "pid";
    case CLONE_NEWNET: return "net";
    case CLONE_NEWNS: return "mnt";
    case CLONE_NEWIPC: return "ipc";
    case CLONE_NEWUTS: return "uts";
    case CLONE_NEWUSER: return "user";
    case CLONE_NEWCGROUP: return "cgroup";
    default: return "";
  }
}

Result<Process> parse_process(const std::string& text) {
  try {
    return parse_process_object(Json::parse(text), "process");
  } catch (const ParseError& e) {
    return Error(e.what);
  } catch (const Json::exception& e) {
    return Error(std::string("process.json: ") + e.what());
  }
}

Result<Spec> parse_spec(const std::string& text, const std::string& bundle) {
  try {
    const Json j = Json::parse(text);
    check_keys(j, "", {"ociVersion", "root", "process", "hostname", "domainname", "mounts",
                       "linux", "hooks", "annotations"});
    Spec spec;
    spec.oci_version = get<std::string>(j, "ociVersion", "");
    if (!j.contains("root")) fail("root: missing");
    check_keys(j["root"], "root", {"path", "readonly"});
    spec.root_path = get<std::string>(j["root"], "path", "root");
    if (spec.root_path.empty()) fail("root.path: empty");
    if (spec.root_path[0] != '/') spec.root_path = bundle + "/" + spec.root_path;
    spec.root_readonly = get<bool>(j["root"], "readonly", "root", false);
    if (!j.contains("process")) fail("process: missing (nothing to run)");
    spec.process = parse_process_object(j["process"], "process");
    if (spec.process.args.empty()) fail("process.args: empty (nothing to run)");
    spec.hostname = get<std::string>(j, "hostname", "");
    spec.domainname = get<std::string>(j, "domainname", "");
    if (j.contains("mounts")) {
      for (const auto& m : j["mounts"]) spec.mounts.push_back(parse_mount(m, "mounts"));
    }
    if (j.contains("linux")) parse_linux(j["linux"], spec);
    if (j.contains("hooks")) parse_hooks(j["hooks"], spec.hooks);
    spec.annotations = get<std::map<std::string, std::string>>(j, "annotations", "");
    for (const auto& [key, value] : spec.annotations) {
      if (key.starts_with("sandbox.") && key != "sandbox.label" && key != "sandbox.landlock" &&
          key != "sandbox.seccomp") {
        fail("annotations." + key + ": unknown sandbox annotation (known: sandbox.label, "
             "sandbox.landlock, sandbox.seccomp)");
      }
    }
    if ((!spec.hostname.empty() || !spec.domainname.empty()) && !spec.has_new(CLONE_NEWUTS)) {
      fail("hostname: needs a new uts namespace");
    }
    return spec;
  } catch (const ParseError& e) {
    return Error("config.json: " + e.what);
  } catch (const Json::exception& e) {
    return Error(std::string("config.json: ") + e.what());
  }
}

Result<Spec> load_spec(const std::string& bundle) {
  std::ifstream in(bundle + "/config.json");
  if (!in) return Error::from_errno("cannot read " + bundle + "/config.json");
  std::stringstream text;
  text << in.rdbuf();
  return parse_spec(text.str(), bundle);
}

std::string default_spec_json(bool rootless) {
  Json caps = Json::array({"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
  Json spec = {
      {"ociVersion", "1.0.2"},
      {"process",
       {{"terminal", true},
        {"user", {{"uid", 0}, {"gid", 0}}},
        {"args", {"sh"}},
        {"env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"}},
        {"cwd", "/"},
        {"capabilities",
         {{"bounding", caps}, {"effective", caps}, {"permitted", caps}, {"ambient", caps}}},
        {"rlimits", {{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}}},
        {"noNewPrivileges", true}}},
      {"root", {{"path", "rootfs"}, {"readonly", true}}},
      {"hostname", "sandbox-oci"},
      {"mounts",
       {{{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
        {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"},
         {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
        {{"destination", "/dev/pts"}, {"type", "devpts"}, {"source", "devpts"},
         {"options", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}}},
        {{"destination", "/dev/shm"}, {"type", "tmpfs"}, {"source", "shm"},
         {"options", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}}},
        {{"destination", "/dev/mqueue"}, {"type", "mqueue"}, {"source", "mqueue"},
         {"options", {"nosuid", "noexec", "nodev"}}},
        {{"destination", "/sys"}, {"type", "sysfs"}, {"source", "sysfs"},
         {"options", {"nosuid", "noexec", "nodev", "ro"}}},
        {{"destination", "/sys/fs/cgroup"}, {"type", "cgroup"}, {"source", "cgroup"},
         {"options", {"nosuid", "noexec", "nodev", "relatime", "ro"}}}}},
      {"linux",
       {{"namespaces",
         {{{"type", "pid"}}, {{"type", "network"}}, {{"type", "ipc"}}, {{"type", "uts"}},
          {{"type", "mount"}}, {{"type", "cgroup"}}}},
        {"maskedPaths",
         {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
          "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
          "/proc/scsi"}},
        {"readonlyPaths",
         {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}}}}};
  if (rootless) {
    spec["linux"]["namespaces"].push_back({{"type", "user"}});
    const auto uid = static_cast<std::uint32_t>(::getuid());
    const auto gid = static_cast<std::uint32_t>(::getgid());
    spec["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", uid}, {"size", 1}}};
    spec["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", gid}, {"size", 1}}};
    spec["mounts"][5] = {{"destination", "/sys"}, {"type", "none"}, {"source", "/sys"},
                         {"options", {"rbind", "nosuid", "noexec", "nodev", "ro"}}};
  }
  return spec.dump(1, '\t') + "\n";
}

}  // namespace sandbox::oci
