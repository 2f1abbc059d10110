// Giving back the resident pages of our own code during a long wait.
//
// The launcher's text is ~3 MiB (CLI, profile and JSON parsing, libstdc++),
// and the kernel maps it around every fault, so the supervisor and init each
// keep most of it resident while the program runs, though all they run then
// is a wait loop. Once a sandbox has run for kTrimAfter, both drop the page
// table entries of the executable's read-only, never-written segments
// (MADV_DONTNEED: the pages stay in the page cache, shared, and fault back
// in when touched). Writable and RELRO segments (relocated at start-up) are
// left alone: dropping them would lose their contents.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace sandbox::util {

inline constexpr std::chrono::milliseconds kTrimAfter{100};

struct CodeRanges {
  struct Range {
    std::uintptr_t start = 0;
    std::size_t length = 0;
  };
  Range ranges[8];
  std::size_t count = 0;
};

// The executable's read-only segments, page-aligned, RELRO excluded.
CodeRanges code_ranges() noexcept;

// Drops their resident pages. Async-signal-safe (init calls it).
void drop_resident(const CodeRanges& code) noexcept;

}  // namespace sandbox::util
