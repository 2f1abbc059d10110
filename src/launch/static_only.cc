#include "launch/static_only.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "launch/plan.h"
#include "util/unique_fd.h"

namespace sandbox::launch {
namespace {

constexpr std::size_t kMaxInterpreter = 4096;

Result<void> read_exact(int fd, void* buf, std::size_t size, off_t offset, const std::string& path) {
  const ssize_t n = ::pread(fd, buf, size, offset);
  if (n < 0) return Error::from_errno(path + ": cannot read it").with_exit_status(126);
  if (static_cast<std::size_t>(n) != size) {
    return Error(path + ": cannot execute: truncated ELF file", ENOEXEC).with_exit_status(126);
  }
  return success();
}

}  // namespace

Result<void> check_static_elf(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return Error::from_errno(path + ": cannot read it").with_exit_status(126);
  Elf64_Ehdr header{};
  const ssize_t n = ::pread(fd.get(), &header, sizeof(header), 0);
  const bool elf = n == static_cast<ssize_t>(sizeof(header)) &&
                   header.e_ident[EI_MAG0] == ELFMAG0 && header.e_ident[EI_MAG1] == ELFMAG1 &&
                   header.e_ident[EI_MAG2] == ELFMAG2 && header.e_ident[EI_MAG3] == ELFMAG3;
  if (!elf) {
    return Error(path + ": --static-only runs only static ELF executables, and this is not ELF "
                        "(a script needs its interpreter)", ENOEXEC)
        .with_exit_status(126);
  }
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_machine != EM_X86_64 ||
      header.e_phentsize != sizeof(Elf64_Phdr)) {
    return Error(path + ": --static-only: not a 64-bit x86-64 executable", ENOEXEC).with_exit_status(126);
  }
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr ph{};
    const auto offset = static_cast<off_t>(header.e_phoff + i * sizeof(Elf64_Phdr));
    if (auto ok = read_exact(fd.get(), &ph, sizeof(ph), offset, path); !ok) return ok;
    if (ph.p_type != PT_INTERP) continue;
    std::string interpreter(std::min<std::size_t>(ph.p_filesz, kMaxInterpreter), '\0');
    if (auto ok = read_exact(fd.get(), interpreter.data(), interpreter.size(),
                             static_cast<off_t>(ph.p_offset), path);
        !ok) {
      return ok;
    }
    interpreter.resize(interpreter.find('\0') == std::string::npos ? interpreter.size()
                                                                   : interpreter.find('\0'));
    return Error(path + ": dynamically linked (interpreter " + interpreter +
                 "); --static-only runs only static executables", ENOEXEC)
        .with_exit_status(126);
  }
  return success();
}

Result<Narrowed> narrow_for_static_only(const Policy& policy, const std::vector<std::string>& argv) {
  Narrowed narrowed{policy, argv};
  if (!policy.static_only || argv.empty()) return narrowed;
  std::string path = argv.front();
  if (path.find('/') == std::string::npos) {
    path = find_on_host(path);
    if (path.empty()) return Error(argv.front() + ": not found", ENOENT).with_exit_status(127);
  }
  if (::access(path.c_str(), F_OK) != 0) {
    return Error::from_errno(argv.front() + ": not found").with_exit_status(127);
  }
  if (auto ok = check_static_elf(path); !ok) return std::move(ok).error();
  narrowed.argv.front() = path;
  narrowed.policy.system_trees.clear();
  narrowed.policy.bind_etc = false;
  return narrowed;
}

}  // namespace sandbox::launch
