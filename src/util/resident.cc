#include "util/resident.h"

#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

namespace sandbox::util {
namespace {

void add(CodeRanges* out, std::uintptr_t start, std::uintptr_t end) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  start = (start + page - 1) & ~(page - 1);  // whole pages only: a shared edge page may be written
  end &= ~(page - 1);
  if (end <= start || out->count == std::size(out->ranges)) return;
  out->ranges[out->count++] = {start, end - start};
}

// Called for the executable first; returning 1 ends the walk there.
int visit(dl_phdr_info* info, std::size_t, void* data) {
  auto* out = static_cast<CodeRanges*>(data);
  std::uintptr_t relro_start = 0;
  std::uintptr_t relro_end = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_GNU_RELRO) {
      relro_start = info->dlpi_addr + ph.p_vaddr;
      relro_end = relro_start + ph.p_memsz;
    }
  }
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) != 0) continue;
    const std::uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    const std::uintptr_t end = start + ph.p_filesz;  // no .bss-like tail in a read-only segment
    if (relro_end > relro_start && start < relro_end && relro_start < end) {
      add(out, start, std::min(end, relro_start));  // the parts around RELRO
      add(out, std::max(start, relro_end), end);
    } else {
      add(out, start, end);
    }
  }
  return 1;
}

}  // namespace

CodeRanges code_ranges() noexcept {
  CodeRanges out;
  ::dl_iterate_phdr(visit, &out);
  return out;
}

void drop_resident(const CodeRanges& code) noexcept {
  for (std::size_t i = 0; i < code.count; ++i) {
    ::madvise(reinterpret_cast<void*>(code.ranges[i].start), code.ranges[i].length, MADV_DONTNEED);
  }
}

}  // namespace sandbox::util
