// Where the cgroup hierarchies are mounted, read from /proc/self/mountinfo,
// and where a sandbox may create its groups in them.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sandbox::cgroup {

struct Hierarchy {
  std::string mount;                     // "/sys/fs/cgroup/memory"
  std::vector<std::string> controllers;  // v1: the controllers bound to it; v2: cgroup.controllers
  bool v2 = false;
};

struct Hierarchies {
  std::optional<Hierarchy> v2;
  std::vector<Hierarchy> v1;
  // The v1 hierarchy a controller is bound to, if any.
  const Hierarchy* v1_for(const std::string& controller) const;
};

// A whole (small) file, "" when unreadable; its whitespace-separated words.
std::string read_text(const std::string& path);
std::vector<std::string> words(const std::string& text);

// Parses mountinfo text (unit-testable); v2 controllers are read from the
// mount's cgroup.controllers only when read_controllers is set.
Hierarchies parse_mountinfo(const std::string& mountinfo, bool read_controllers);
// The hierarchies of this process's mount namespace.
Hierarchies find_hierarchies();

// The v2 hierarchy alone, without its controllers, for a launch that needs
// only a tracking leaf: found at its usual places (/sys/fs/cgroup on unified
// hosts, /sys/fs/cgroup/unified on hybrid ones) by statfs, which costs a
// few microseconds where mountinfo costs ~0.1 ms; mountinfo otherwise.
std::optional<Hierarchy> find_v2();

// The caller's own cgroup in the v2 hierarchy ("/user.slice/..."), from
// /proc/self/cgroup; empty when unknown.
std::string own_v2_path();

// The directory under which a sandbox's groups are made in a hierarchy:
// "<mount>/sandbox" for root; for others their own v2 cgroup's
// "sandbox" child when that cgroup is delegated to them (writable), else "".
std::string group_parent(const Hierarchy& hierarchy);

}  // namespace sandbox::cgroup
