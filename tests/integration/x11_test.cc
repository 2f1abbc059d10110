// -X: a GUI program on a private nested X server, tested for real under
// Xvfb standing in for the caller's desktop (DESIGN §5, profile x).
#include <gtest/gtest.h>
#include <signal.h>

#include <memory>

#include "support/run.h"
#include "x11/session_fixture.h"

namespace {

using testing_support::probe;
using testing_support::run;
using testing_support::sandbox_bin;
using namespace x11_test;

using X11 = X11Session;

TEST_F(X11, ShowsTheProgramInsideXephyrsWindowOnTheDesktop) {
  const std::string script =
      "xmessage -name probe 'hello from the sandbox' & "
      "xdotool search --sync --onlyvisible --classname probe >/dev/null && "
      "xwininfo -root -tree && echo READY; read line; kill $!";
  BackgroundCommand session(sandbox_x({"-X", "sh", "-c", script}), desktop_->dir() + "/out");
  ASSERT_TRUE(eventually([&] { return session.output().find("READY") != std::string::npos; }, 30))
      << session.output();
  // On the nested display: the program's window, maximized by the window manager.
  const std::string tree = session.output();
  EXPECT_NE(tree.find("(\"probe\" \"Xmessage\")  1000x700+0+0"), std::string::npos) << tree;

  // On the desktop: Xephyr's window, titled with the label, at the default size.
  const std::string window = xephyr_window("sh");
  ASSERT_FALSE(window.empty()) << on_desktop({"xwininfo", "-root", "-tree"});
  const std::string info = on_desktop({"xwininfo", "-id", window});
  EXPECT_NE(info.find("Width: 1000"), std::string::npos) << info;
  EXPECT_NE(info.find("Height: 700"), std::string::npos) << info;
  EXPECT_NE(info.find("Absolute upper-left X:  0"), std::string::npos) << info;
  EXPECT_NE(info.find("Absolute upper-left Y:  0"), std::string::npos) << info;

  // The screenshot: xmessage's white fills Xephyr's window; Xvfb's root
  // beside it stays black.
  EXPECT_TRUE(eventually([&] { return brightness("1000x700+0+0") > 0.9; }))
      << brightness("1000x700+0+0");
  EXPECT_LT(brightness("200x200+1050+750"), 0.1);

  session.close_stdin();
  EXPECT_EQ(session.wait(), 0) << session.output();
  EXPECT_TRUE(entries(desktop_->runtime()).empty());  // no directory or socket left
}

TEST_F(X11, WindowSizeAndDpiApplyToTheNestedDisplay) {
  const auto r = run(sandbox_x({"-X", "-w", "640x480", "-d", "120", "xdpyinfo"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("dimensions:    640x480 pixels"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("resolution:    120x120 dots per inch"), std::string::npos) << r.out;
}

TEST_F(X11, ProgramReachesOnlyTheNestedDisplay) {
  // A window of the real desktop that the program must not see.
  BackgroundCommand secret(desktop_->command({"xmessage", "-name", "desktopsecret", "secret"}),
                           desktop_->dir() + "/secret");
  ASSERT_TRUE(eventually([&] {
    return !on_desktop({"xdotool", "search", "--classname", "desktopsecret"}).empty();
  })) << secret.output() << on_desktop({"xwininfo", "-root", "-tree"});
  const std::string caller = std::to_string(desktop_->number());
  const std::string connect = probe("unix_connect");
  const std::string script =
      "xdpyinfo >/dev/null 2>&1; echo nested=$?\n"
      "xdpyinfo -display :" + caller + " >/dev/null 2>&1; echo caller=$?\n"
      "xdpyinfo -display unix:" + caller + " >/dev/null 2>&1; echo caller_unix=$?\n"
      + connect + " /tmp/.X11-unix/X" + caller + " >/dev/null; echo path=$?\n"
      + connect + " @/tmp/.X11-unix/X" + caller + " >/dev/null; echo abstract=$?\n"
      "cat " + desktop_->xauthority() + " >/dev/null 2>&1; echo xauthority=$?\n"
      "xdotool search --classname desktopsecret >/dev/null 2>&1; echo search=$?\n"
      "xwininfo -root -tree | grep -c desktopsecret; "
      "echo dbus=${DBUS_SESSION_BUS_ADDRESS:-none}\n"
      "ls /tmp/.X11-unix | tr '\\n' ' '; echo\n";
  const auto r = run(sandbox_x({"-X", "--exec", connect, "sh", "-c", script},
                               {"DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/dbus-test"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("nested=0\n"), std::string::npos) << r.out;  // the control
  EXPECT_NE(r.out.find("caller=1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("caller_unix=1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("path=2\n"), std::string::npos) << r.out;        // ENOENT: not in the view
  EXPECT_NE(r.out.find("abstract=111\n"), std::string::npos) << r.out;  // ECONNREFUSED: own netns
  EXPECT_EQ(r.out.find("xauthority=0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("search=1\n0\n"), std::string::npos) << r.out;  // no desktop window
  EXPECT_NE(r.out.find("dbus=none\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nX1"), std::string::npos) << r.out;  // only the nested socket
  EXPECT_EQ(r.out.find("X" + caller + " "), std::string::npos) << r.out;
}

TEST_F(X11, KillingTheProgramEndsTheSession) {
  BackgroundCommand session(sandbox_x({"-X", "xmessage", "hi"}), desktop_->dir() + "/out");
  const std::set<pid_t> pids = session_processes(session, "xmessage", "xmessage");
  const pid_t program = find(pids, "xmessage");
  ASSERT_GT(program, 0) << session.output();
  ::kill(program, SIGKILL);
  EXPECT_EQ(session.wait(), 128 + SIGKILL) << session.output();
  EXPECT_TRUE(all_gone(pids));
  EXPECT_TRUE(xephyr_window("xmessage").empty());
  EXPECT_TRUE(entries(desktop_->runtime()).empty());
}

TEST_F(X11, ClosingXephyrsWindowKillsTheProgramsSandbox) {
  // The program ignores losing its display: only the kill ends it.
  BackgroundCommand session(
      sandbox_x({"-X", "sh", "-c", "xmessage hi; echo xmessage-ended; exec sleep 1000"}),
      desktop_->dir() + "/out");
  const std::set<pid_t> pids = session_processes(session, "sh", "xmessage");
  ASSERT_FALSE(pids.empty());
  // A window manager closes a window without WM_DELETE_WINDOW (Xephyr's) with XKillClient.
  on_desktop({"xdotool", "windowkill", xephyr_window("sh")});
  EXPECT_EQ(session.wait(), 128 + SIGKILL) << session.output();
  EXPECT_NE(session.output().find("the X server's window was closed"), std::string::npos)
      << session.output();
  EXPECT_TRUE(all_gone(descendants(session.pid())));
  EXPECT_TRUE(all_gone(pids));
  EXPECT_TRUE(entries(desktop_->runtime()).empty());
}

TEST_F(X11, KillingTheSupervisorLeavesNoProcess) {
  BackgroundCommand session(sandbox_x({"-X", "xmessage", "hi"}), desktop_->dir() + "/out");
  const std::set<pid_t> pids = session_processes(session, "xmessage", "xmessage");
  ASSERT_GT(find(pids, "Xephyr"), 0) << session.output();
  ::kill(session.pid(), SIGKILL);
  EXPECT_EQ(session.wait(), 128 + SIGKILL);
  EXPECT_TRUE(all_gone(pids));
  EXPECT_TRUE(eventually([&] { return xephyr_window("xmessage").empty(); }));
  // Its directory stays (nothing runs to remove it); the next session sweeps it.
  EXPECT_EQ(entries(desktop_->runtime()).size(), 1U);
  const auto r = run(sandbox_x({"-X", "true"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(entries(desktop_->runtime()).empty());
}

TEST_F(X11, MissingXephyrNamesThePackage) {
  const auto r = run(sandbox_x({"-X", "/usr/bin/xmessage", "hi"}, {"PATH=/nonexistent"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("Xephyr is not installed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("xserver-xephyr"), std::string::npos) << r.err;
}

// Without a display, and with bad options: no X tools needed.
TEST(X11Options, NoDisplayIsAClearError) {
  const auto r = run({"env", "-u", "DISPLAY", sandbox_bin(), "-X", "true"});
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("DISPLAY is not set"), std::string::npos) << r.err;
}

TEST(X11Options, RemoteDisplayIsRefused) {
  const auto r = run({"env", "DISPLAY=example.org:0", sandbox_bin(), "-X", "true"});
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("remote (TCP) display"), std::string::npos) << r.err;
}

TEST(X11Options, SizeAndDpiAreChecked) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-X", "-w", "800", "true"}, {"-X", "-w", "0x600", "true"},
           {"-X", "-d", "many", "true"}, {"-X", "-d", "0", "true"},
           {"-w", "800x600", "true"}, {"-W", "twm", "true"}}) {
    std::vector<std::string> argv = {sandbox_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = run(argv);
    EXPECT_EQ(r.status, 125) << args[1];
    EXPECT_NE(r.err.find("sandbox: "), std::string::npos) << r.err;
  }
}

}  // namespace
