// An /etc with fixture files, made only inside a mount namespace of the test
// (never on the machine): root copies the host's /etc onto a tmpfs there,
// adds the fixtures and binds it over /etc, then runs the sandbox in that
// namespace, as root or (setpriv) as uid 65534.
#pragma once

#include <string>
#include <vector>

#include "support/run.h"

namespace etc_fixture {

struct File {
  std::string source;    // a host file with the content
  std::string name;      // its path beneath /etc ("gitconfig", "ssh/ssh_host_ed25519_key")
  unsigned mode = 0644;  // owned by root:root
};

enum class Layout {
  copy,     // a tmpfs copy of /etc (tmpfs supports idmapped mounts)
  overlay,  // an overlayfs over the host's /etc (no idmapped mounts there)
};

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `sandbox args...` with the fixtures in /etc. Root only.
inline testing_support::RunResult run_with_etc(const std::vector<File>& files,
                                               const std::vector<std::string>& args, bool as_nobody,
                                               Layout layout = Layout::copy) {
  testing_support::TempDir scratch;
  const std::string d = quote(scratch.path());
  std::string script = "set -e; mount -t tmpfs -o mode=0755 tmpfs " + d + "; mkdir " + d + "/etc; ";
  if (layout == Layout::copy) {
    script += "cp -a /etc/. " + d + "/etc/; ";
  } else {  // upper and work directories on the tmpfs, the merged tree at d/etc
    script += "mkdir " + d + "/u " + d + "/w; mount -t overlay overlay -o lowerdir=/etc,upperdir=" + d +
              "/u,workdir=" + d + "/w " + d + "/etc; ";
  }
  for (const auto& file : files) {
    const std::string target = d + "/etc/" + quote(file.name);
    script += "mkdir -p \"$(dirname " + target + ")\"; cp " + quote(file.source) + " " + target +
              "; chown 0:0 " + target + "; chmod " + std::to_string(file.mode / 64) +
              std::to_string(file.mode / 8 % 8) + std::to_string(file.mode % 8) + " " + target + "; ";
  }
  script += "mount --bind " + d + "/etc /etc; exec \"$@\"";
  std::vector<std::string> argv = {"unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"};
  if (as_nobody) {
    for (const char* a : {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", "env",
                          "HOME=/nonexistent"}) {
      argv.emplace_back(a);
    }
  }
  for (auto& a : testing_support::sandbox(args)) argv.push_back(std::move(a));
  return testing_support::run(argv);
}

}  // namespace etc_fixture
