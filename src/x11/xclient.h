// A minimal X11 protocol client for the session itself (no libX11): it
// speaks to the nested server only, over its path socket, with its cookie,
// to set the resource database (Xft.dpi) and to see when a window manager
// has taken the screen. The nested server runs in a sandbox next to the
// program and may be hostile: every reply is bounds-checked, every read
// has a deadline, and nothing it says is trusted beyond a yes or no.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::x11 {

// The parts of the server's connection-setup reply we use.
struct SetupInfo {
  std::uint32_t root = 0;  // the first screen's root window
  std::uint32_t id_base = 0;  // our resource ids
  std::uint16_t width = 0;
  std::uint16_t height = 0;
};

// Parses a connection-setup reply (its 8-byte header and body together).
// Fails on a refusal (naming the server's reason) or a malformed reply.
Result<SetupInfo> parse_setup_reply(const std::string& bytes);

class XClient {
 public:
  // Connects to the server's path socket, authenticating with the
  // MIT-MAGIC-COOKIE-1 `cookie`; fails after `timeout`.
  static Result<XClient> connect(const std::string& socket_path, const std::string& cookie,
                                 std::chrono::milliseconds timeout);

  const SetupInfo& setup() const { return setup_; }

  // Replaces the root window's RESOURCE_MANAGER property (what xrdb sets,
  // and what Xlib's XResourceManagerString reads: Xft.dpi for GTK and Qt).
  Result<void> set_resources(const std::string& text);
  // Whether a window manager has taken the screen: some client redirects
  // the root window's substructure (every window manager does, and only one
  // client may), so a window mapped from now on is the window manager's to
  // place. Owning WM_S0 is not enough: openbox takes it before it redirects.
  Result<bool> window_manager_present();

  // Once it redirects: maps a 1x1 window of ours and waits until the window
  // manager has mapped it (it handles map requests now; openbox, for one,
  // redirects well before), then destroys it. stop_fd readable first (the
  // window manager's pidfd): an error with errno ECANCELED.
  // Fails with ETIMEDOUT after `deadline`.
  Result<void> probe_window_manager(int stop_fd, std::chrono::milliseconds deadline);

  // Minimized windows: asks for the client messages sent to the root
  // window (SubstructureNotify), where a program's request to be iconified
  // (ICCCM WM_CHANGE_STATE) goes.
  Result<void> watch_iconify_requests();
  // Waits for the next iconify request and returns its window; 0 when
  // stop_fd became readable first.
  Result<std::uint32_t> next_iconify_request(int stop_fd);
  // Asks the window manager to activate `window` (EWMH _NET_ACTIVE_WINDOW,
  // as a pager does), which brings it back from being minimized.
  Result<void> activate(std::uint32_t window);

 private:
  XClient(UniqueFd fd, SetupInfo setup, std::chrono::milliseconds timeout)
      : fd_(std::move(fd)), setup_(setup), timeout_(timeout) {}
  // counted: a request with a sequence number (all but the setup).
  Result<void> send(const std::string& request, bool counted = true);
  // Reads until the reply (or error) to the last request sent; returns the
  // reply's bytes, or an error for an X error.
  Result<std::string> reply(const char* what);
  // stop_fd (-1: none) readable first: an error with errno ECANCELED.
  Result<void> read_exactly(char* buf, std::size_t n, int stop_fd = -1, bool wait_forever = false);
  Result<std::uint32_t> intern_atom(const std::string& name);
  // The next event (32 bytes, the SendEvent bit cleared); replies and
  // generic events are skipped over their length.
  Result<std::string> next_event(int stop_fd, bool wait_forever);

  UniqueFd fd_;
  SetupInfo setup_;
  std::chrono::milliseconds timeout_;
  std::uint16_t sequence_ = 0;
  std::uint32_t wm_change_state_ = 0;
  std::uint32_t net_active_window_ = 0;
};

}  // namespace sandbox::x11
