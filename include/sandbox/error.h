// Errors and results of the sandbox library.
//
// An Error names what failed, carries the errno captured right after the
// failing call, and an optional hint naming the option that would help.
// Context is prepended as the error travels up (crun's error wrapping):
//   "cannot bind /usr read-only: open_tree: Operation not permitted (EPERM)".
#pragma once

#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace sandbox {

class Error {
 public:
  Error() = default;
  explicit Error(std::string what, int errno_value = 0, std::string hint = {})
      : what_(std::move(what)), errno_(errno_value), hint_(std::move(hint)) {}

  // An error from a failed system call: captures errno now.
  static Error from_errno(std::string what);

  const std::string& what() const { return what_; }
  int errno_value() const { return errno_; }
  const std::string& hint() const { return hint_; }
  // The status `sandbox` exits with for this error (DESIGN §3): 125 for our
  // own failures, 126 and 127 when the command cannot be executed or found.
  int exit_status() const { return exit_status_; }
  Error& with_exit_status(int status) {
    exit_status_ = status;
    return *this;
  }

  // Prepends context: "context: what".
  Error& wrap(const std::string& context);
  Error& with_hint(std::string hint);

  // "what: Operation not permitted (EPERM) (hint)" — one line, no prefix.
  std::string message() const;

 private:
  std::string what_;
  int errno_ = 0;
  std::string hint_;
  int exit_status_ = 125;
};

// Symbolic name of an errno value ("EPERM"), or its number.
std::string errno_name(int errno_value);

// A value or an Error (std::expected-shaped; C++20 has no std::expected).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}        // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  Error& error() & { return std::get<1>(v_); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  Error& error() & { return error_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

inline Result<void> success() { return {}; }

}  // namespace sandbox
