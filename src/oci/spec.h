// The parts of an OCI bundle's config.json that sandbox-oci honours
// (DESIGN §13), as plain values. Parsing fails naming any field that is not
// supported, so nothing is silently ignored.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/error.h"

namespace sandbox::oci {

struct Rlimit {
  int resource = 0;
  std::string name;  // "RLIMIT_NOFILE"
  std::uint64_t soft = 0;
  std::uint64_t hard = 0;
};

struct Capabilities {
  std::uint64_t bounding = 0, effective = 0, inheritable = 0, permitted = 0, ambient = 0;
};

struct Process {
  bool terminal = false;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd = "/";
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> additional_gids;
  std::optional<mode_t> umask;
  std::optional<Capabilities> capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::optional<int> oom_score_adj;
  unsigned console_height = 0, console_width = 0;
};

struct Mount {
  std::string destination;
  std::string type;
  std::string source;
  unsigned long flags = 0;            // MS_* for the mount itself
  unsigned long propagation = 0;      // MS_SHARED/SLAVE/PRIVATE/UNBINDABLE (|MS_REC)
  std::string data;                   // the options the kernel takes as data
  bool bind = false;
  bool recursive = false;
  bool read_only() const;
};

struct Namespace {
  int type = 0;       // CLONE_NEW*
  std::string path;   // empty: a new one
};

struct IdMapping {
  std::uint32_t container_id = 0, host_id = 0, size = 0;
};

struct Device {
  std::string path;
  char type = 'c';    // c, b, u, p
  std::int64_t major = 0, minor = 0;
  mode_t file_mode = 0666;
  uid_t uid = 0;
  gid_t gid = 0;
};

struct Resources {
  std::optional<std::int64_t> memory_limit, memory_swap, memory_reservation;
  std::optional<std::int64_t> pids_limit;
  std::optional<std::uint64_t> cpu_shares;
  std::optional<std::int64_t> cpu_quota;
  std::optional<std::uint64_t> cpu_period;
  std::string cpuset_cpus, cpuset_mems;
};

struct SeccompRule {
  std::vector<std::string> names;
  std::uint32_t action = 0;  // SCMP_ACT_*
  struct Arg {
    unsigned index = 0;
    std::uint64_t value = 0, value_two = 0;
    int op = 0;  // scmp_compare
  };
  std::vector<Arg> args;
};

struct Seccomp {
  std::uint32_t default_action = 0;
  std::vector<std::string> architectures;
  std::vector<SeccompRule> syscalls;
};

struct Hook {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int> timeout;
};

struct Hooks {
  std::vector<Hook> prestart, create_runtime, create_container, start_container, poststart,
      poststop;
};

struct Spec {
  std::string oci_version;
  std::string root_path;  // absolute, resolved against the bundle
  bool root_readonly = false;
  Process process;
  std::string hostname, domainname;
  std::vector<Mount> mounts;
  std::vector<Namespace> namespaces;
  std::vector<IdMapping> uid_mappings, gid_mappings;
  std::string cgroups_path;
  Resources resources;
  std::optional<Seccomp> seccomp;
  std::vector<std::string> masked_paths, readonly_paths;
  std::vector<Device> devices;
  std::map<std::string, std::string> sysctl;
  std::string rootfs_propagation;
  Hooks hooks;
  std::map<std::string, std::string> annotations;

  bool has_new(int ns_type) const;
  const Namespace* find(int ns_type) const;
};

// Reads BUNDLE/config.json.
Result<Spec> load_spec(const std::string& bundle);
// Parses config.json text; bundle resolves a relative root.path.
Result<Spec> parse_spec(const std::string& text, const std::string& bundle);
// Parses a process.json (exec --process).
Result<Process> parse_process(const std::string& text);

// The capability number of "CAP_SYS_ADMIN", or -1.
int capability_number(const std::string& name);
// The rlimit number of "RLIMIT_NOFILE", or -1.
int rlimit_number(const std::string& name);
// The CLONE_NEW* flag of "pid", "network"..., or 0.
int namespace_flag(const std::string& name);
const char* namespace_file(int flag);  // "pid", "net"... (/proc/PID/ns/NAME)

// The config.json that `spec` writes: a busybox-sized default like runc's.
std::string default_spec_json(bool rootless);

}  // namespace sandbox::oci
