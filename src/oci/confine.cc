#include "oci/confine.h"

#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "seccomp/cache.h"
#include "util/sys.h"
#include "util/unique_fd.h"

namespace sandbox::oci {
namespace {

// The scopes (ABI 6) are left out: a process started by exec is a domain
// of its own, and the signal scope would stop it signalling the container's
// other processes. ABI 5 has every file right, device ioctls included.
constexpr int kMaxAbi = 5;

Result<std::vector<sock_filter>> export_bpf(scmp_filter_ctx ctx) {
  UniqueFd fd(::memfd_create("oci-seccomp", MFD_CLOEXEC));
  if (!fd) return Error::from_errno("memfd_create for the seccomp export");
  if (const int rc = seccomp_export_bpf(ctx, fd.get()); rc < 0) return Error("seccomp_export_bpf", -rc);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error::from_errno("fstat of the seccomp export");
  std::vector<sock_filter> program(static_cast<std::size_t>(st.st_size) / sizeof(sock_filter));
  const ssize_t n = ::pread(fd.get(), program.data(), program.size() * sizeof(sock_filter), 0);
  if (n != static_cast<ssize_t>(program.size() * sizeof(sock_filter))) {
    return Error::from_errno("reading the seccomp export");
  }
  return program;
}

}  // namespace

Result<seccomp::Program> compile_bundle_seccomp(const Seccomp& profile) {
  scmp_filter_ctx ctx = seccomp_init(profile.default_action);
  if (ctx == nullptr) return Error("linux.seccomp: seccomp_init failed");
  struct Release {
    scmp_filter_ctx ctx;
    ~Release() { seccomp_release(ctx); }
  } release{ctx};
  // No NNP from libseccomp: we set it ourselves when noNewPrivileges asks.
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  for (const auto& arch : profile.architectures) {
    std::string name = arch;
    if (name.starts_with("SCMP_ARCH_")) name = name.substr(10);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name == "x86_64") name = "x86_64";
    const std::uint32_t token = seccomp_arch_resolve_name(name.c_str());
    if (token == 0) continue;  // an architecture libseccomp does not know
    const int rc = seccomp_arch_add(ctx, token);
    if (rc != 0 && rc != -EEXIST) return Error("linux.seccomp.architectures: " + arch, -rc);
  }
  for (const auto& rule : profile.syscalls) {
    if (rule.action == profile.default_action) continue;
    std::vector<scmp_arg_cmp> cmps;
    for (const auto& a : rule.args) {
      cmps.push_back(scmp_arg_cmp{a.index, static_cast<scmp_compare>(a.op), a.value, a.value_two});
    }
    for (const auto& name : rule.names) {
      const int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) continue;  // not a system call of this architecture (runc skips it too)
      const int rc = seccomp_rule_add_array(ctx, rule.action, nr, static_cast<unsigned>(cmps.size()),
                                            cmps.empty() ? nullptr : cmps.data());
      if (rc != 0) return Error("linux.seccomp: rule for " + name, -rc);
    }
  }
  auto program = export_bpf(ctx);
  if (!program) return std::move(program).error();
  return seccomp::Program(std::move(*program));
}

Result<Confinement> build_confinement(const Spec& spec, std::vector<std::string>& warnings) {
  Confinement c;
  const auto annotation = [&](const char* key) {
    const auto it = spec.annotations.find(key);
    return it == spec.annotations.end() ? std::string() : it->second;
  };
  const std::string landlock_mode = annotation("sandbox.landlock");
  if (landlock_mode == "off") {
    warnings.push_back("sandbox.landlock=off: this container has no Landlock domain (weakened)");
  } else {
    if (!landlock_mode.empty() && landlock_mode != "on") {
      return Error("annotations.sandbox.landlock: \"" + landlock_mode + "\" is neither on nor off");
    }
    auto abi = landlock::abi_version();
    if (!abi) return std::move(abi).error().wrap("Landlock");
    auto ruleset = landlock::Ruleset::create(std::min(*abi, kMaxAbi), false);
    if (!ruleset) return std::move(ruleset).error();
    c.ruleset = std::move(*ruleset);
  }
  seccomp::FilterOptions options;
  const std::string seccomp_mode = annotation("sandbox.seccomp");
  if (seccomp_mode == "allow-ptrace") {
    options.allow_ptrace = true;
  } else if (seccomp_mode == "log") {
    options.log_only = true;
  } else if (!seccomp_mode.empty() && seccomp_mode != "default") {
    return Error("annotations.sandbox.seccomp: \"" + seccomp_mode + "\" is not default, allow-ptrace or log");
  }
  auto ours = seccomp::prebuilt(options);
  if (!ours) return std::move(ours).error();
  c.ours = std::move(*ours);
  if (spec.seccomp) {
    auto bundle = compile_bundle_seccomp(*spec.seccomp);
    if (!bundle) return std::move(bundle).error();
    c.bundle = std::move(*bundle);
  }
  return c;
}

void attach_confinement(const Spec& spec, const Confinement& c, ProcessPlan& plan) {
  plan.ours = &c.ours;
  plan.bundle = c.bundle ? &*c.bundle : nullptr;
  if (!c.ruleset) return;
  plan.landlock_fd = c.ruleset->fd();
  const std::uint64_t handled = landlock::handled_fs(c.ruleset->abi());
  const std::uint64_t base = landlock::kRead | landlock::kExecute | sys::kLandlockFsIoctlDev;
  const std::uint64_t writable = base | landlock::kWrite;
  plan.landlock_root_rights = (spec.root_readonly ? base : writable) & handled;
  plan.landlock_root_rights_mask = handled;
  for (const auto& m : spec.mounts) {
    plan.landlock_paths.push_back(m.destination);
    plan.landlock_rights.push_back((m.read_only() ? base : writable) & handled);
  }
}

}  // namespace sandbox::oci
