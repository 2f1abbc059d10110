#include "sandbox/report.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "limits/parse.h"
#include "report/destination.h"

namespace sandbox::report {
namespace {

using nlohmann::json;

const char* kind_name(Outcome::Kind kind) {
  switch (kind) {
    case Outcome::Kind::exited: return "exited";
    case Outcome::Kind::signaled: return "signaled";
    case Outcome::Kind::timed_out: return "timed_out";
    case Outcome::Kind::killed: return "killed";
    case Outcome::Kind::setup_failed: return "setup_failed";
    case Outcome::Kind::not_found: return "not_found";
    case Outcome::Kind::cannot_execute: return "cannot_execute";
    case Outcome::Kind::out_of_memory: return "out_of_memory";
  }
  return "setup_failed";
}

// "2026-11-23T12:34:56.789Z"
std::string iso8601(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const time_t secs = static_cast<time_t>(ms / 1000);
  tm utc{};
  ::gmtime_r(&secs, &utc);
  char buf[40];
  const std::size_t n = ::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

json limit_entry(const std::string& name, std::optional<double> value, const std::string& display,
                 const std::string& mechanism, bool requested) {
  return json{{"name", name},
              {"value", value ? json(*value) : json(nullptr)},
              {"display", display},
              {"mechanism", mechanism.empty() ? json(nullptr) : json(mechanism)},
              {"requested", requested}};
}

// What was asked for, when the run never got to choose mechanisms.
json requested_limits(const Limits& limits) {
  json out = json::array();
  if (limits.memory_bytes) {
    out.push_back(limit_entry("memory", static_cast<double>(*limits.memory_bytes),
                              limits::format_bytes(*limits.memory_bytes), "", true));
  }
  if (limits.pids) {
    out.push_back(limit_entry("pids", static_cast<double>(*limits.pids), std::to_string(*limits.pids), "", true));
  }
  if (limits.cpus) out.push_back(limit_entry("cpus", *limits.cpus, limits::format_cpus(*limits.cpus), "", true));
  for (const auto& r : limits.rlimits) {
    const bool unlimited = r.value == kRlimitUnlimited;
    out.push_back(limit_entry("rlimit " + r.name,
                              unlimited ? std::nullopt : std::optional<double>(static_cast<double>(r.value)),
                              unlimited ? "unlimited" : std::to_string(r.value), "", true));
  }
  return out;
}

void signal_fields(json& j, int sig) {
  j["signal"] = sig;
  const char* name = ::sigabbrev_np(sig);
  j["signal_name"] = name != nullptr ? json(std::string("SIG") + name) : json(nullptr);
}

}  // namespace

RunRecord begin(const Policy& policy, const std::vector<std::string>& command) {
  RunRecord record;
  record.profile = policy.profile;
  record.command = command;
  record.network = policy.net;
  record.requested = policy.limits;
  record.start = std::chrono::system_clock::now();
  record.start_steady = std::chrono::steady_clock::now();
  return record;
}

std::string render(const RunRecord& record) {
  json j;
  j["version"] = 2;
  j["label"] = record.label.empty() ? json(nullptr) : json(record.label);
  j["profile"] = record.profile;
  j["command"] = record.command;
  j["network"] = net_mode_name(record.network);
  j["start_time"] = iso8601(record.start);
  const Outcome::Usage usage = record.outcome ? record.outcome->usage : Outcome::Usage{};
  j["wall_seconds"] = record.outcome ? usage.wall_seconds
                                     : std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                                     record.start_steady).count();
  j["cpu_user_seconds"] = usage.cpu_user_seconds;
  j["cpu_system_seconds"] = usage.cpu_system_seconds;
  j["cpu_seconds"] = usage.cpu_user_seconds + usage.cpu_system_seconds;
  j["peak_memory_bytes"] = record.outcome ? json(usage.peak_memory_bytes) : json(nullptr);
  j["peak_memory_source"] = record.outcome ? json(usage.peak_memory_source) : json(nullptr);
  j["exit_status"] = record.exit_status;
  j["exit_code"] = nullptr;
  j["signal"] = nullptr;
  j["signal_name"] = nullptr;
  j["timed_out"] = false;
  j["oom_killed"] = false;
  j["setup_step"] = nullptr;
  j["errno"] = nullptr;
  if (record.outcome) {
    const Outcome& o = *record.outcome;
    j["outcome"] = kind_name(o.kind);
    if (o.kind == Outcome::Kind::exited) j["exit_code"] = o.code;
    if (o.kind == Outcome::Kind::signaled || o.kind == Outcome::Kind::killed ||
        o.kind == Outcome::Kind::out_of_memory) {
      signal_fields(j, o.code);
    }
    j["timed_out"] = o.kind == Outcome::Kind::timed_out;
    j["oom_killed"] = o.oom_killed;
    if (!o.step.empty()) j["setup_step"] = o.step;
    if (o.errno_value != 0) j["errno"] = errno_name(o.errno_value);
    j["message"] = o.message.empty() ? json(nullptr) : json(o.message);
  } else {
    j["outcome"] = "setup_failed";
    j["message"] = record.error ? json(record.error->message()) : json(nullptr);
    if (record.error && record.error->errno_value() != 0) j["errno"] = errno_name(record.error->errno_value());
  }
  if (record.enforcement.empty()) {
    j["limits"] = requested_limits(record.requested);
  } else {
    j["limits"] = json::array();
    for (const auto& e : record.enforcement) {
      j["limits"].push_back(limit_entry(e.name, e.value, e.display, e.mechanism, e.requested));
    }
  }
  if (record.x11) {
    const auto helper = [](const RunRecord::Helper& h) {
      return json{{"label", h.label.empty() ? json(nullptr) : json(h.label)}, {"command", h.command}};
    };
    j["x11"] = json{{"display", record.x11->display},
                    {"server", helper(record.x11->server)},
                    {"window_manager", helper(record.x11->window_manager)}};
  }
  j["denials"] = json::array();  // --explain (the same objects as --explain=json)
  for (const auto& d : record.denials) j["denials"].push_back(json::parse(explain::json_line(d)));
  return j.dump() + "\n";
}

Result<void> check_destination(const std::string& path) {
  if (path.empty()) return success();
  auto target = resolve_target(path);
  if (!target) return std::move(target).error();
  return success();
}

Result<void> check_destinations(const Policy& policy) {
  if (auto ok = check_destination(policy.report_path); !ok) return ok;
  if (policy.report_fd >= 0) {
    if (auto ok = check_writable_fd(policy.report_fd, "--report-fd"); !ok) return ok;
  }
  if (!policy.report_append.empty()) return check_append(policy.report_append);
  return success();
}

namespace {

// A temporary file beside the real file, renamed over it: a reader sees the
// old report or the new one, never half of one.
Result<void> replace_atomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return Error::from_errno("cannot create the report " + temp);
  Result<void> written = write_all(fd, text, temp);
  if (::close(fd) != 0 && written) written = Error::from_errno("cannot write the report " + temp);
  if (!written) {
    ::unlink(temp.c_str());
    return written;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    Error rename_error = Error::from_errno("cannot rename the report to " + path);
    ::unlink(temp.c_str());
    return rename_error;
  }
  return success();
}

Result<void> write_text(const std::string& path, const std::string& text) {
  auto target = resolve_target(path);
  if (!target) return std::move(target).error();
  if (target->kind == Target::Kind::replace) return replace_atomically(target->path, text);
  if (target->fd >= 0) return write_all(target->fd, text, path);
  // A FIFO or a terminal: opened for writing (a FIFO waits for its reader).
  const int fd = ::open(target->path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return Error::from_errno("cannot open the report " + path);
  Result<void> written = write_all(fd, text, path);
  ::close(fd);
  return written;
}

// --report-append: one line per run, appended with one write(2), never
// truncated.
Result<void> append_text(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY | O_CLOEXEC, 0644);
  if (fd < 0) return Error::from_errno("cannot open the report log " + path);
  Result<void> written = write_all(fd, text, path);
  if (::close(fd) != 0 && written) written = Error::from_errno("cannot write the report log " + path);
  return written;
}

void say(const Result<void>& ok) {
  if (ok) return;
  const std::string line = "sandbox: " + ok.error().message() + "\n";
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace

Result<void> write(const std::string& path, const RunRecord& record) {
  return write_text(path, render(record));
}

int finish(const Policy& policy, RunRecord& record, int status) {
  record.exit_status = status;
  if (policy.report_path.empty() && policy.report_fd < 0 && policy.report_append.empty()) return status;
  const std::string text = render(record);
  if (!policy.report_path.empty()) say(write_text(policy.report_path, text));
  if (policy.report_fd >= 0) say(write_all(policy.report_fd, text, "descriptor " + std::to_string(policy.report_fd)));
  if (!policy.report_append.empty()) say(append_text(policy.report_append, text));
  return status;
}

}  // namespace sandbox::report
