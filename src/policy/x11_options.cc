// -X's options, checked once with the rest of the policy.
#include <charconv>

#include "policy/x11_options.h"

namespace sandbox::x11 {
namespace {

constexpr unsigned kMaxSide = 16384;  // larger than any screen; Xephyr's limit is 32767
constexpr unsigned kMaxDpi = 1000;

bool parse_unsigned(const std::string& text, unsigned* value) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return !text.empty() && ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

Result<void> parse_window_size(Policy::X11& options, const std::string& text) {
  const auto x = text.find('x');
  unsigned width = 0;
  unsigned height = 0;
  if (x == std::string::npos || !parse_unsigned(text.substr(0, x), &width) ||
      !parse_unsigned(text.substr(x + 1), &height)) {
    return Error("--window-size " + text + ": expected WIDTHxHEIGHT, e.g. 1000x700");
  }
  options.width = width;
  options.height = height;
  return success();
}

Result<void> validate(const Policy::X11& options) {
  const Policy::X11 defaults;
  if (!options.enabled) {
    if (options.width != defaults.width || options.height != defaults.height) {
      return Error("--window-size needs -X").with_hint("add -X to run the program on its own X server");
    }
    if (options.dpi != defaults.dpi) return Error("--dpi needs -X").with_hint("add -X");
    if (options.window_manager != defaults.window_manager) {
      return Error("--window-manager needs -X").with_hint("add -X");
    }
    return success();
  }
  if (options.width == 0 || options.height == 0 || options.width > kMaxSide ||
      options.height > kMaxSide) {
    return Error("--window-size " + std::to_string(options.width) + "x" +
                 std::to_string(options.height) + ": each side must be 1 to " +
                 std::to_string(kMaxSide));
  }
  if (options.dpi == 0 || options.dpi > kMaxDpi) {
    return Error("--dpi " + std::to_string(options.dpi) + ": expected 1 to " +
                 std::to_string(kMaxDpi));
  }
  if (options.window_manager.find_first_not_of(" \t") == std::string::npos) {
    return Error("--window-manager: empty").with_hint("e.g. -W matchbox-window-manager");
  }
  return success();
}

}  // namespace sandbox::x11
