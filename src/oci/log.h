// Messages of sandbox-oci: to stderr, and to --log FILE as text or as JSON
// lines {"level","msg","time"} (what podman and containerd read back).
#pragma once

#include <string>

namespace sandbox::oci {

class Log {
 public:
  Log() = default;
  Log(std::string file, bool json, bool debug) : file_(std::move(file)), json_(json), debug_(debug) {}
  void error(const std::string& msg) const { write("error", msg, true); }
  void warning(const std::string& msg) const { write("warning", msg, true); }
  void debug(const std::string& msg) const {
    if (debug_) write("debug", msg, false);
  }

 private:
  void write(const char* level, const std::string& msg, bool to_stderr) const;
  std::string file_;
  bool json_ = false;
  bool debug_ = false;
};

}  // namespace sandbox::oci
