// The fixture of the -X integration tests: an Xvfb desktop per test, and
// sandbox -X sessions on it. Header-only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "support/run.h"
#include "x11/desktop.h"

namespace x11_test {

using testing_support::run;
using testing_support::sandbox_bin;

class X11Session : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string tool = missing_tool(); !tool.empty()) {
      GTEST_SKIP() << "needs " << tool
                   << " (scripts/setup-deps.sh --tests installs the X test tools)";
    }
    desktop_ = std::make_unique<Desktop>();
    ASSERT_TRUE(desktop_->ok()) << "Xvfb did not start";
  }

  // sandbox ARGS... in the desktop's environment.
  std::vector<std::string> sandbox_x(const std::vector<std::string>& args,
                                     const std::vector<std::string>& env = {}) const {
    std::vector<std::string> argv = desktop_->env(env);
    argv.push_back(sandbox_bin());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  std::string on_desktop(const std::vector<std::string>& argv) const {
    return run(desktop_->command(argv)).out;
  }
  // The id of Xephyr's window for `command` on the desktop, or "".
  std::string xephyr_window(const std::string& command) const {
    const std::string out = on_desktop(
        {"xdotool", "search", "--name",
         "^sandbox: " + command + "( .*)? \\(sandbox_x_t:s0:c[0-9]+,c[0-9]+\\)$"});
    return out.substr(0, out.find('\n'));
  }
  // The mean brightness (0-1) of a region of a screenshot of the desktop.
  double brightness(const std::string& geometry) const {
    const std::string shot = desktop_->dir() + "/shot.png";
    run(desktop_->command({"import", "-window", "root", shot}));
    const auto r = run({"/usr/bin/convert", shot, "-crop", geometry, "+repage", "-format",
                        "%[fx:mean]", "info:"});
    return r.status == 0 && !r.out.empty() ? std::stod(r.out) : -1;
  }
  // Waits until the session's Xephyr, window manager and program run; returns them.
  std::set<pid_t> session_processes(const BackgroundCommand& session, const std::string& command,
                                    const std::string& program) {
    std::set<pid_t> pids;
    eventually([&] {
      pids = descendants(session.pid());
      const auto names = comms(pids);
      return !xephyr_window(command).empty() && names.count("Xephyr") != 0 &&
             names.count("matchbox-window") != 0 && names.count(program) != 0;
    });
    return pids;
  }
  static pid_t find(const std::set<pid_t>& pids, const std::string& comm) {
    for (pid_t pid : pids) {
      if (comm_of(pid) == comm) return pid;
    }
    return -1;
  }
  static bool all_gone(const std::set<pid_t>& pids) {
    return eventually([&] {
      for (pid_t pid : pids) {
        if (alive(pid)) return false;
      }
      return true;
    });
  }

  std::unique_ptr<Desktop> desktop_;
};


}  // namespace x11_test
