// Minimized windows are not trapped in the nested display: it has no
// taskbar or icon box to bring them back (and matchbox, the default window
// manager, offers none), so a window the program asks to be minimized (its
// own minimize button, ICCCM WM_CHANGE_STATE) is at once activated again
// through the window manager (EWMH _NET_ACTIVE_WINDOW). Minimizing the
// whole sandbox is the outer window's business, on the caller's desktop.
#pragma once

#include <memory>
#include <thread>

#include "sandbox/error.h"
#include "util/unique_fd.h"
#include "x11/xclient.h"

namespace sandbox::x11 {

class IconifyGuard {
 public:
  // Takes the session's connection (watch_iconify_requests already asked).
  static Result<std::unique_ptr<IconifyGuard>> start(XClient client);
  ~IconifyGuard();  // stop()
  IconifyGuard(const IconifyGuard&) = delete;
  IconifyGuard& operator=(const IconifyGuard&) = delete;
  void stop();

 private:
  IconifyGuard(XClient client, UniqueFd stop);
  void run();
  XClient client_;
  UniqueFd stop_;  // an eventfd
  std::thread thread_;
};

}  // namespace sandbox::x11
