#include "oci/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "oci/state.h"

namespace sandbox::oci {

void Log::write(const char* level, const std::string& msg, bool to_stderr) const {
  if (to_stderr) {
    const std::string line = "sandbox-oci: " + (std::string(level) == "error" ? "" : std::string(level) + ": ") + msg + "\n";
    [[maybe_unused]] const ssize_t n = ::write(2, line.data(), line.size());
  }
  std::string line;
  if (file_.empty()) {
    // No --log: debug goes to stderr, in the form runc (logrus) writes.
    if (!to_stderr) {
      line = "time=\"" + now_rfc3339() + "\" level=" + level + " msg=" + nlohmann::json(msg).dump() + "\n";
      [[maybe_unused]] const ssize_t n = ::write(2, line.data(), line.size());
    }
    return;
  }
  if (json_) {
    line = nlohmann::json{{"level", level}, {"msg", msg}, {"time", now_rfc3339()}}.dump() + "\n";
  } else {
    line = "time=\"" + now_rfc3339() + "\" level=" + level + " msg=" + nlohmann::json(msg).dump() + "\n";
  }
  const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;
  [[maybe_unused]] const ssize_t n = ::write(fd, line.data(), line.size());
  ::close(fd);
}

}  // namespace sandbox::oci
