// Planning -H, -T, -i and -I in the supervisor.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fstream>

#include "scratch/scratch.h"

namespace sandbox::scratch {
namespace {

bool is_beneath(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         (dir == "/" || path[dir.size()] == '/');
}

// An existing directory the caller owns, given without a symlink at its end.
Result<std::string> owned_directory(const std::string& option, const std::string& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    return Error::from_errno(option + " " + dir + ": cannot use it").with_hint("create it first");
  }
  if (S_ISLNK(st.st_mode)) return Error(option + " " + dir + ": is a symlink").with_hint("give the real directory");
  if (!S_ISDIR(st.st_mode)) return Error(option + " " + dir + ": not a directory", ENOTDIR);
  if (st.st_uid != ::geteuid()) {
    return Error(option + " " + dir + ": not owned by you (uid " + std::to_string(st.st_uid) + ")", EPERM)
        .with_hint("use a directory you own, e.g. mkdir -m 700 ~/sandbox-home");
  }
  char buf[PATH_MAX];
  if (::realpath(dir.c_str(), buf) == nullptr) return Error::from_errno(option + " " + dir);
  return std::string(buf);
}

Result<std::vector<std::string>> read_list(const std::string& list) {
  std::ifstream in(list);
  if (!in) return Error::from_errno("-I " + list + ": cannot read the list");
  std::vector<std::string> files;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) files.push_back(line);
  }
  return files;
}

Result<Include> plan_include(const Policy& policy, const std::string& file, const std::string& home) {
  const std::string option = "-i " + file;
  char buf[PATH_MAX];
  if (::realpath(file.c_str(), buf) == nullptr) return Error::from_errno(option + ": cannot include it");
  const std::string real(buf);
  const bool in_tmp = is_beneath(real, "/tmp");
  const bool in_home = !in_tmp && home.size() > 1 && is_beneath(real, home);
  if (!in_tmp && !in_home) {
    return Error(option + ": only files under $HOME (" + home + ") or /tmp can be included")
        .with_hint("copy it there first, or grant it with --ro");
  }
  if (in_tmp && !policy.private_scratch && policy.tmpdir.empty()) {
    return Error(option + ": a file under /tmp needs a scratch /tmp").with_hint("add -M or -T DIR");
  }
  if (in_home && !policy.private_scratch && policy.homedir.empty()) {
    return Error(option + ": a file under $HOME needs a scratch $HOME").with_hint("add -M or -H DIR");
  }
  Include include;
  include.source = UniqueFd(::open(real.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!include.source) return Error::from_errno(option + ": cannot open it");
  struct stat st {};
  if (::fstat(include.source.get(), &st) != 0) return Error::from_errno(option + ": cannot stat it");
  if (!S_ISREG(st.st_mode)) return Error(option + ": not a regular file");
  include.target = real;
  include.mode = st.st_mode & 0777;
  return include;
}

}  // namespace

// The scratch is bound noexec; an --exec grant beneath it is bound again,
// executable, where the scratch shows it (DIR/bin/tool at $HOME/bin/tool).
void add_exec_grants_inside(const std::string& dir, const std::string& target,
                            std::vector<PathGrant>& grants) {
  const std::size_t count = grants.size();
  for (std::size_t i = 0; i < count; ++i) {
    const PathGrant& grant = grants[i];
    if (grant.access == Access::execute && grant.target.empty() && is_beneath(grant.path, dir)) {
      grants.push_back({grant.path, Access::execute, target + grant.path.substr(dir.size())});
    }
  }
}

Result<void> add_scratch_grants(const Policy& policy, const std::string& home,
                                std::vector<PathGrant>& grants) {
  if (!policy.homedir.empty()) {
    if (home.size() <= 1) return Error("-H: the caller has no $HOME to replace");
    auto dir = owned_directory("-H", policy.homedir);
    if (!dir) return std::move(dir).error();
    add_exec_grants_inside(*dir, home, grants);
    grants.push_back({*dir, Access::read_write, home});
  }
  if (!policy.tmpdir.empty()) {
    auto dir = owned_directory("-T", policy.tmpdir);
    if (!dir) return std::move(dir).error();
    add_exec_grants_inside(*dir, "/tmp", grants);
    grants.push_back({*dir, Access::read_write, "/tmp"});
  }
  return success();
}

Result<std::vector<Include>> plan_includes(const Policy& policy, const std::string& home) {
  std::vector<std::string> files = policy.include_files;
  for (const auto& list : policy.include_lists) {
    auto listed = read_list(list);
    if (!listed) return std::move(listed).error();
    files.insert(files.end(), listed->begin(), listed->end());
  }
  std::vector<Include> includes;
  for (const auto& file : files) {
    auto include = plan_include(policy, file, home);
    if (!include) return std::move(include).error();
    includes.push_back(std::move(*include));
  }
  return includes;
}

}  // namespace sandbox::scratch
