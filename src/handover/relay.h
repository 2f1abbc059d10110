// Pipes handed over are relayed by the supervisor (DESIGN §2.3): the
// command gets a pipe of its own, so reopening /dev/stdout, /proc/self/fd/N
// or /dev/fd/N in the other direction reaches only that inner pipe, never
// the caller's (Landlock does not see pipes: without the relay a stdout pipe
// reopened for reading consumes what another writer put in it, and a stdin
// pipe reopened for writing injects into the caller's next reader).
//
// Input (the caller's read end): tee, never splice. The inner pipe gets a
// copy of what the caller's pipe holds, and only what the command has read
// (the copy less what is still unread in the inner pipe, FIONREAD) is taken
// from the caller's pipe (inotify IN_ACCESS on the inner pipe says when the
// command read). What the caller's pipe holds beyond what the inner pipe got
// is teed into a private stage (the already delivered head dropped again)
// and moved into the inner pipe as it has room, so the command never waits
// for the relay between batches. What the command read leaves the caller's
// pipe through a private discard pipe, so its pages are freed outside the
// caller's pipe lock (the caller's writer would spin on it). Nothing the
// command never read is lost: `producer | while read l; do sandbox cmd; done`
// keeps every line for the loop. The caller's end of file reaches the
// command as its own end of file.
//
// Output (the caller's write end): splice, moving pages without a copy.
// Everything the command wrote reaches the caller before wait() returns;
// when the caller's reader is gone, the inner pipe is closed so the command
// gets EPIPE (and SIGPIPE) as it would bare. SIGPIPE stays blocked in the
// relay's thread and one it caused is taken back: no process-wide handler.
//
// The relay runs in a thread of its own from spawn() on (all signals
// blocked in it), so the pipes flow whether or not the caller is in wait():
// a library caller may read a helper's pipe before it waits for it.
//
// The pipes are made 1 MiB (the caller's too, when the kernel lets us), so
// the relay moves large batches. While the inner pipe holds at least half
// of what it can, the relay rests on a timer instead of waking at every read
// (a command reading 16 KiB at a time would otherwise wake it per read and,
// on a small machine, take CPU from the command and its producer): the rest
// adapts so that the relay comes back about when half the pipe was read.
// A pipe end opened for both reading and writing is passed as it is.
#pragma once

#include <poll.h>

#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include "handover/handed.h"
#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::handover {

class Relay {
 public:
  // One inner pipe per handed pipe; sets handed[i].inner and .relay_end.
  static Result<Relay> create(std::vector<Handed>& handed);

  Relay() = default;
  ~Relay();
  Relay(Relay&&) noexcept;
  Relay& operator=(Relay&&) noexcept;
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  bool empty() const { return pipes_.empty(); }
  // After clone3: the inner ends are the child's alone.
  void close_child_ends();
  // Starts the relay's thread (once the Relay is where it stays).
  Result<void> start();
  // The sandbox is gone: stops the thread, delivers what it wrote (waiting
  // for a slow reader), and takes from the caller's pipes what it read.
  void finish();

 private:
  struct Pipe {
    bool input = true;
    UniqueFd caller;   // a duplicate of the caller's end: the caller may close its own
    UniqueFd ours;     // input: the inner write end; output: the inner read end
    UniqueFd theirs;   // the child's end, closed after clone3
    UniqueFd watch;    // input: inotify IN_ACCESS on the inner pipe
    // input: a private pipe holding what was teed from the caller's pipe and
    // not yet moved into the inner pipe (the next bytes the command gets).
    UniqueFd stage_read;
    UniqueFd stage_write;
    std::int64_t copied = 0;  // input: bytes in the inner pipe (or read from it) not yet taken from the caller's
    std::int64_t staged = 0;  // input: bytes in the stage
    std::int64_t capacity = 0;  // input: what the inner pipe holds when full
    // input: resting on a timer (not woken per read) while the inner pipe
    // holds at least half its capacity; `rest_ns` adapts to the reader.
    bool resting = false;
    std::int64_t rest_ns = 0;
    std::int64_t rest_until = 0;  // CLOCK_MONOTONIC, nanoseconds
    std::int64_t rest_from = 0;   // bytes in the inner pipe when the rest began
    bool caller_done = false;  // input: end of file; output: the caller's reader is gone
    bool blocked = false;      // output: the caller's pipe is full
  };
  void run();
  void stop();
  std::size_t slots() const { return 2 * pipes_.size(); }
  void prepare(pollfd* slots) const;
  // The poll's timeout in nanoseconds, or -1 for none.
  std::int64_t timeout_ns(std::int64_t now) const;
  void rest_or_watch(Pipe& pipe, bool rested, std::int64_t taken, std::int64_t now);
  void dispatch(const pollfd* slots);
  std::int64_t pump_input(Pipe& pipe);  // returns what the command had read
  void pump_output(Pipe& pipe);
  std::int64_t take_read(Pipe& pipe);
  void refill_stage(Pipe& pipe);
  void deliver_stage(Pipe& pipe);

  // Drops `count` bytes from the head of the pipe read at `from`: moved
  // into the private discard pipe first (references only), then freed from
  // there, so the pages are freed under no lock the caller's writer wants.
  // Returns how many were dropped (less when `from` had fewer).
  std::int64_t discard(int from, std::int64_t count);

  std::vector<Pipe> pipes_;
  UniqueFd devnull_;  // where what the command read from a caller's pipe goes
  // A private pipe between the caller's pipe and /dev/null: splicing the
  // caller's pipe to /dev/null directly frees each page while holding the
  // caller's pipe lock, and the caller's writer spins on that lock.
  UniqueFd discard_read_;
  UniqueFd discard_write_;
  UniqueFd wake_;     // eventfd: the thread stops
  std::thread thread_;
};

}  // namespace sandbox::handover
