// The pool's messages (DESIGN §14): one SOCK_SEQPACKET datagram each, a
// kind, a list of strings and up to kMaxFds descriptors (SCM_RIGHTS).
//
//   client -> service   job       policy fingerprint, label, cwd, mount
//                                 namespace, argv..., env...; fds 0, 1, 2
//   service -> client   accepted  init's pid, the plan's words for the
//                                 outcome (launch/plan.h); fd: init's pidfd
//                       declined  why (the client launches cold)
//                       refused   why (the peer check failed)
//   service -> warm     dispatch  the job's per-job part; fds: the client's
//                                 connection, 0, 1, 2, the Landlock ruleset
//   warm -> service     ready     the warm sandbox waits for a job
//   lean client -> service  lean_job  see pool/wire.h
//
// After `accepted`, the connection carries init's launch::Report structs
// (launch/step.h), each one datagram, as the cold path's report pipe does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pool/wire.h"
#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::pool {


struct Message {
  Kind kind = Kind::job;
  std::vector<std::string> fields;
  std::vector<UniqueFd> fds;  // received CLOEXEC
};

// A list inside the fields: its length, then its items.
void push_list(std::vector<std::string>& fields, const std::vector<std::string>& items);
// Reads a list written by push_list at fields[*at], advancing *at; false
// when the fields end early or the count is not a number.
bool take_list(const std::vector<std::string>& fields, std::size_t* at, std::vector<std::string>& items);

Result<void> send_message(int socket, Kind kind, const std::vector<std::string>& fields,
                          const std::vector<int>& fds = {});
// Waits at most timeout_ms (-1: forever). End of file is an error (EPIPE).
Result<Message> receive_message(int socket, int timeout_ms);
// The kind and fields of one datagram's bytes (no descriptors).
Result<Message> parse_message(const char* data, std::size_t size);

}  // namespace sandbox::pool
