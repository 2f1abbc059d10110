#include "launch/timing.h"

#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <new>
#include <string_view>
#include <utility>

namespace sandbox::launch {
namespace {

static_assert(sizeof(StepClock) <= 4096, "the step clock must fit one page");
static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "stamp() must not lock");

void add_line(std::string& out, const char* who, const char* what, std::int64_t ns) {
  char line[160];
  const int n = std::snprintf(line, sizeof(line), "  %-10s %-34s %8lld\n", who, what,
                              static_cast<long long>((ns + 500) / 1000));
  if (n > 0) out.append(line, std::min(static_cast<std::size_t>(n), sizeof(line) - 1));
}

}  // namespace

std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);  // vDSO: no system call, async-signal-safe
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void stamp(StepClock* clock, Step step) noexcept {
  if (clock == nullptr) return;
  const std::uint32_t i = clock->count.fetch_add(1, std::memory_order_relaxed);
  if (i >= StepClock::kCapacity) return;
  clock->entries[i] = {step, static_cast<std::uint32_t>(::getpid()), monotonic_ns()};
}

Result<Timing> Timing::create() {
  void* page = ::mmap(nullptr, sizeof(StepClock), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) return Error::from_errno("--timing: cannot map the step clock");
  return Timing(new (page) StepClock{});  // zero-filled page: count starts at 0
}

Timing::Timing(StepClock* clock) : clock_(clock), start_ns_(monotonic_ns()) {
  marks_.reserve(16);
}

Timing::Timing(Timing&& other) noexcept
    : clock_(std::exchange(other.clock_, nullptr)),
      start_ns_(other.start_ns_),
      clone_start_ns_(other.clone_start_ns_),
      reported_ns_(other.reported_ns_),
      exited_ns_(other.exited_ns_),
      marks_(std::move(other.marks_)) {}

Timing& Timing::operator=(Timing&& other) noexcept {
  if (this != &other) {
    if (clock_ != nullptr) ::munmap(clock_, sizeof(StepClock));
    clock_ = std::exchange(other.clock_, nullptr);
    start_ns_ = other.start_ns_;
    clone_start_ns_ = other.clone_start_ns_;
    reported_ns_ = other.reported_ns_;
    exited_ns_ = other.exited_ns_;
    marks_ = std::move(other.marks_);
  }
  return *this;
}

Timing::~Timing() {
  if (clock_ != nullptr) ::munmap(clock_, sizeof(StepClock));
}

void Timing::mark(const char* what) { marks_.push_back({what, monotonic_ns()}); }

void Timing::mark_clone_start() {
  mark("plan: rest, report pipe");
  clone_start_ns_ = marks_.back().ns;
}

void Timing::mark_reported() { reported_ns_ = monotonic_ns(); }
void Timing::mark_exited() { exited_ns_ = monotonic_ns(); }

// Supervisor marks are consecutive intervals from spawn(). Child stamps are
// intervals from the previous stamp of the same process; init's first from
// mark_clone_start() (so it holds clone3's namespace creation), the command's
// first from init's fork stamp. Consecutive stamps of one step and one
// process are merged. The last line runs from the last child stamp to
// mark_exited(): exec, the program itself, init's exit and teardown; the
// part after init's exit report (mark_reported()) is shown on its own.
std::string Timing::report() const {
  std::string out = "sandbox: --timing, microseconds per launch step:\n";
  std::int64_t previous = start_ns_;
  for (const Mark& m : marks_) {
    add_line(out, "supervisor", m.what, m.ns - previous);
    previous = m.ns;
  }
  const std::int64_t clone_start = clone_start_ns_ != 0 ? clone_start_ns_ : start_ns_;
  const std::int64_t exited = exited_ns_;
  if (clock_ == nullptr) return out;
  const std::uint32_t n = std::min(clock_->count.load(), StepClock::kCapacity);
  std::vector<StepClock::Entry> entries(clock_->entries, clock_->entries + n);
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.ns < b.ns; });
  std::int64_t last = clone_start;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const StepClock::Entry& e = entries[i];
    // The previous stamp of this process, else init's fork, else clone3.
    std::int64_t from = clone_start;
    bool own = false;
    for (std::size_t j = i; j-- > 0;) {
      if (entries[j].pid == e.pid) {
        from = entries[j].ns;
        own = true;
        break;
      }
    }
    for (std::size_t j = i; !own && j-- > 0;) {
      if (entries[j].step == Step::fork_command) {
        from = entries[j].ns;
        break;
      }
    }
    std::size_t end = i;
    while (end + 1 < entries.size() && entries[end + 1].step == e.step &&
           entries[end + 1].pid == e.pid) {
      ++end;
    }
    add_line(out, e.pid == 1 ? "init" : "command", step_name(e.step), entries[end].ns - from);
    last = std::max(last, entries[end].ns);
    i = end;
  }
  if (exited != 0) {
    add_line(out, "after", "exec, run, exit, teardown", exited - last);
    if (reported_ns_ != 0) add_line(out, "after", "of which after the status", exited - reported_ns_);
  }
  if (reported_ns_ != 0) add_line(out, "total", "spawn() to the status", reported_ns_ - start_ns_);
  if (exited != 0) add_line(out, "total", "spawn() to init reaped", exited - start_ns_);
  return out;
}

}  // namespace sandbox::launch
