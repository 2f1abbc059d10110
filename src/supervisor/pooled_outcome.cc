// read_pooled_outcome (sandbox/serve.h): the lean client's end put into
// the full client's words (supervisor/outcome.cc).
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "launch/step.h"
#include "pool/message.h"
#include "pool/wire.h"
#include "sandbox/serve.h"
#include "supervisor/child_state.h"
#include "supervisor/pooled.h"

namespace sandbox {
namespace {

constexpr std::size_t kMaxReports = 16;

Result<std::string> read_all(int fd) {
  std::string data;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error("cannot read descriptor " + std::to_string(fd), errno);
    if (n == 0) return data;
    data.append(buffer, static_cast<std::size_t>(n));
    if (data.size() > pool::kMaxMessage + sizeof(launch::Report) * kMaxReports + 8) {
      return Error("descriptor " + std::to_string(fd) + " holds more than a pooled outcome", EMSGSIZE);
    }
  }
}

Error malformed(const std::string& what, int errno_value = EPROTO) {
  return Error(std::string(kRenderPooledOutcome) + ": " + what, errno_value)
      .with_hint("it is the warm pool's own step, not an option to give");
}

}  // namespace

Result<PooledOutcome> read_pooled_outcome(int fd, const std::vector<std::string>& argv) {
  if (argv.empty()) return malformed("no command");
  auto data = read_all(fd);
  if (!data) return malformed("cannot read descriptor " + std::to_string(fd), data.error().errno_value());
  std::uint32_t size = 0;
  if (data->size() < sizeof(size)) return malformed("nothing to read");
  std::memcpy(&size, data->data(), sizeof(size));
  std::size_t at = sizeof(size);
  if (data->size() - at < size) return malformed("the answer is cut short");
  auto answer = pool::parse_message(data->data() + at, size);
  at += size;
  if (!answer || answer->kind != pool::Kind::accepted) return malformed("not the pool's answer");
  std::uint32_t count = 0;
  if (data->size() - at < sizeof(count)) return malformed("the reports are cut short");
  std::memcpy(&count, data->data() + at, sizeof(count));
  at += sizeof(count);
  std::uint32_t killed = 0;
  if (count > kMaxReports || data->size() - at != count * sizeof(launch::Report) + sizeof(killed)) {
    return malformed("the reports are cut short");
  }
  std::vector<launch::Report> reports(count);
  if (count > 0) std::memcpy(reports.data(), data->data() + at, count * sizeof(launch::Report));
  std::memcpy(&killed, data->data() + at + count * sizeof(launch::Report), sizeof(killed));

  Child::State state;
  if (!supervisor::read_accepted(answer->fields, state)) return malformed("the answer is malformed");
  state.command = argv.front();
  state.argv = argv;
  state.killed = killed != 0;  // by --kill, the service said
  const siginfo_t init_exit{};  // a pooled init is the service's child: its end is seen, not waited for
  PooledOutcome out;
  out.outcome = make_outcome(state, reports, init_exit);
  out.quiet = answer->fields.size() >= pool::kLeanAcceptedExtra && answer->fields.back() == "1";
  return out;
}

}  // namespace sandbox
