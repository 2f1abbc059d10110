#include "seccomp/filter.h"

#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstddef>
#include <string>
#include <utility>

#include "seccomp/rules.h"
#include "util/unique_fd.h"

namespace sandbox::seccomp {
namespace {

constexpr std::size_t kMaxInstructions = BPF_MAXINSNS;

constexpr sock_filter stmt(std::uint16_t code, std::uint32_t k) { return {code, 0, 0, k}; }
constexpr sock_filter jump(std::uint16_t code, std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
  return {code, jt, jf, k};
}

Result<Context> new_context(std::uint32_t default_action, std::uint32_t bad_arch_action) {
  Context ctx(seccomp_init(default_action));
  if (!ctx) return Error("seccomp_init failed", ENOMEM);
  struct Attr {
    scmp_filter_attr attr;
    std::uint32_t value;
    const char* name;
  };
  const Attr attrs[] = {
      {SCMP_FLTATR_ACT_BADARCH, bad_arch_action, "the bad-architecture action"},
      // We set no_new_privs ourselves, at our step of the launch.
      {SCMP_FLTATR_CTL_NNP, 0, "NO_NEW_PRIVS off"},
      // A binary tree over syscall numbers: allowed calls pay O(log n).
      {SCMP_FLTATR_CTL_OPTIMIZE, 2, "binary-tree optimization"},
  };
  for (const Attr& a : attrs) {
    if (const int rc = seccomp_attr_set(ctx.get(), a.attr, a.value); rc < 0) {
      return Error(std::string("seccomp: cannot set ") + a.name, -rc);
    }
  }
  return ctx;
}

// libseccomp 2.5.4 exports only to an fd (seccomp_export_bpf_mem is 2.6):
// export into a memfd and read it back.
Result<std::vector<sock_filter>> export_bpf(scmp_filter_ctx ctx) {
  UniqueFd fd(memfd_create("sandbox-seccomp-bpf", MFD_CLOEXEC));
  if (!fd) return Error::from_errno("seccomp: memfd_create for the BPF export");
  if (const int rc = seccomp_export_bpf(ctx, fd.get()); rc < 0) {
    return Error("seccomp_export_bpf", -rc);
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) return Error::from_errno("seccomp: fstat of the BPF export");
  const auto bytes = static_cast<std::size_t>(st.st_size);
  if (bytes == 0 || bytes % sizeof(sock_filter) != 0) {
    return Error("seccomp: the exported BPF has a bad size (" + std::to_string(bytes) + " bytes)");
  }
  std::vector<sock_filter> program(bytes / sizeof(sock_filter));
  auto* out = reinterpret_cast<char*>(program.data());
  std::size_t done = 0;
  while (done < bytes) {
    const ssize_t n = pread(fd.get(), out + done, bytes - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno("seccomp: reading the BPF export");
    if (n == 0) return Error("seccomp: the BPF export is shorter than its size");
    done += static_cast<std::size_t>(n);
  }
  return program;
}

// personality(2) takes an unsigned int: allowed are PER_LINUX (0) and the
// query 0xffffffff, whatever the high half holds. libseccomp allows one
// comparison per argument and NE has no mask, so it cannot say this; these
// instructions, run before libseccomp's program, do. Anything else falls
// through to libseccomp's program unchanged (its jumps are relative).
std::vector<sock_filter> personality_prefix(std::uint32_t arch, int nr, std::uint32_t deny) {
  constexpr std::uint16_t kLoad = BPF_LD | BPF_W | BPF_ABS;
  constexpr std::uint16_t kJeq = BPF_JMP | BPF_JEQ | BPF_K;
  const auto arg0_low = static_cast<std::uint32_t>(
      offsetof(seccomp_data, args) + (std::endian::native == std::endian::big ? 4 : 0));
  return {
      stmt(kLoad, offsetof(seccomp_data, arch)),  // 0
      jump(kJeq, arch, 0, 6),                     // 1: other ABI -> 8
      stmt(kLoad, offsetof(seccomp_data, nr)),    // 2
      jump(kJeq, static_cast<std::uint32_t>(nr), 0, 4),  // 3: other call -> 8
      stmt(kLoad, arg0_low),                      // 4
      jump(kJeq, 0, 2, 0),                        // 5: PER_LINUX -> 8
      jump(kJeq, 0xffffffffU, 1, 0),              // 6: query -> 8
      stmt(BPF_RET | BPF_K, deny),                // 7
  };                                              // 8: libseccomp's program
}

Result<Program> finish(std::vector<sock_filter> prefix, scmp_filter_ctx ctx) {
  auto body = export_bpf(ctx);
  if (!body) return std::move(body).error();
  prefix.insert(prefix.end(), body->begin(), body->end());
  if (prefix.size() > kMaxInstructions) {
    return Error("seccomp: the filter has " + std::to_string(prefix.size()) +
                 " instructions, more than the kernel's limit of " +
                 std::to_string(kMaxInstructions));
  }
  return Program(std::move(prefix));
}

}  // namespace

Program::Program(std::vector<sock_filter> instructions) : instructions_(std::move(instructions)) {
  point_fprog();
}
Program::Program(const Program& other) : instructions_(other.instructions_) { point_fprog(); }
Program& Program::operator=(const Program& other) {
  instructions_ = other.instructions_;
  point_fprog();
  return *this;
}
Program::Program(Program&& other) noexcept : instructions_(std::move(other.instructions_)) {
  point_fprog();
  other.point_fprog();
}
Program& Program::operator=(Program&& other) noexcept {
  instructions_ = std::move(other.instructions_);
  point_fprog();
  other.point_fprog();
  return *this;
}
void Program::point_fprog() {
  fprog_.len = static_cast<unsigned short>(instructions_.size());
  fprog_.filter = instructions_.data();
}

Result<Program> compile(const FilterOptions& options) {
  const bool trace = options.explain && !options.log_only;
  const DenyActions actions{
      .deny = options.log_only ? SCMP_ACT_LOG
              : trace          ? SCMP_ACT_TRACE(kTraceDenied)
                               : SCMP_ACT_ERRNO(EPERM),
      .enosys = options.log_only ? SCMP_ACT_LOG : SCMP_ACT_ERRNO(ENOSYS),
  };
  const std::uint32_t bad_arch = options.log_only ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS;
  auto ctx = new_context(SCMP_ACT_ALLOW, bad_arch);
  if (!ctx) return std::move(ctx).error();
  if (auto added = add_deny_rules(ctx->get(), options, actions); !added) {
    return std::move(added).error();
  }
  if (options.explain) {  // with --seccomp=log too: the deny list logs, the observed calls stop
    if (auto added = add_observe_rules(ctx->get()); !added) return std::move(added).error();
  }
  const int personality = resolve_syscall("personality");
  if (personality < 0) return Error("seccomp: libseccomp does not know personality(2)");
  return finish(personality_prefix(seccomp_arch_native(), personality, actions.deny),
                ctx->get());
}

Result<Program> compile_init_filter() {
  auto ctx = new_context(SCMP_ACT_ERRNO(EPERM), SCMP_ACT_KILL_PROCESS);
  if (!ctx) return std::move(ctx).error();
  if (auto added = add_init_allow_rules(ctx->get()); !added) return std::move(added).error();
  return finish({}, ctx->get());
}

int install(const Program& program) noexcept {
  if (program.size() == 0 || program.size() > kMaxInstructions) return EINVAL;
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program.fprog(), 0UL, 0UL) != 0) return errno;
  return 0;
}

}  // namespace sandbox::seccomp
