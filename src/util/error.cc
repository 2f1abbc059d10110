#include "sandbox/error.h"

#include <cerrno>
#include <cstring>

namespace sandbox {

Error Error::from_errno(std::string what) {
  const int saved = errno;
  return Error(std::move(what), saved);
}

Error& Error::wrap(const std::string& context) {
  what_ = what_.empty() ? context : context + ": " + what_;
  return *this;
}

Error& Error::with_hint(std::string hint) {
  hint_ = std::move(hint);
  return *this;
}

std::string errno_name(int errno_value) {
  const char* name = strerrorname_np(errno_value);
  return name != nullptr ? name : std::to_string(errno_value);
}

std::string Error::message() const {
  std::string out = what_;
  if (errno_ != 0) {
    out += ": ";
    out += strerrordesc_np(errno_) != nullptr ? strerrordesc_np(errno_) : "unknown error";
    out += " (" + errno_name(errno_) + ")";
  }
  if (!hint_.empty()) out += " (" + hint_ + ")";
  return out;
}

}  // namespace sandbox
