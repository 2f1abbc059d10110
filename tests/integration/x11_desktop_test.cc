// -X for real desktop programs (issue 18): terminals, window managers,
// dialogs, DPI, resizing, reports; under Xvfb standing in for the desktop,
// as root and as uid 65534, with screenshots checked.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <thread>
#include <fstream>
#include <sstream>

#include "report_schema.h"
#include "support/run.h"
#include "x11/session_fixture.h"

namespace {

using testing_support::run;
using testing_support::sandbox_bin;
using namespace x11_test;

bool installed(const std::string& tool) {
  return run({"sh", "-c", "command -v " + tool + " >/dev/null"}).status == 0;
}

#define NEEDS(tool)                                                                   \
  if (!installed(tool)) {                                                             \
    GTEST_SKIP() << "needs " << (tool) << " (scripts/setup-deps.sh --tests installs it)"; \
  }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class X11Desktop : public X11Session {
 protected:
  // The colour (r, g, b in 0-1) of one pixel of a screenshot of the desktop.
  std::string pixel(int x, int y) const {
    const std::string shot = desktop_->dir() + "/pixel.png";
    run(desktop_->command({"import", "-window", "root", shot}));
    return run({"/usr/bin/convert", shot, "-crop", "1x1+" + std::to_string(x) + "+" + std::to_string(y),
                "+repage", "-format", "%[fx:r] %[fx:g] %[fx:b]", "info:"})
        .out;
  }
  // How many pixels of the region are lighter than `level` (0-1).
  long light_pixels(const std::string& geometry, double level) const {
    const std::string shot = desktop_->dir() + "/light.png";
    run(desktop_->command({"import", "-window", "root", shot}));
    const auto r = run({"/usr/bin/convert", shot, "-crop", geometry, "+repage", "-colorspace", "gray",
                        "-threshold", std::to_string(static_cast<int>(level * 100)) + "%", "-format",
                        "%[fx:mean*w*h]", "info:"});
    return r.status == 0 && !r.out.empty() ? std::lround(std::stod(r.out)) : -1;
  }
  // Types text on the desktop into Xephyr's window (the pointer on it: Xvfb
  // has no window manager, focus follows the pointer).
  void type_into(const std::string& window, const std::string& text) const {
    on_desktop({"xdotool", "mousemove", "--window", window, "500", "350"});
    on_desktop({"xdotool", "type", "--delay", "20", text});
  }
  std::string rw_dir() const {
    const std::string path = desktop_->dir() + "/rw";
    ::mkdir(path.c_str(), 0755);
    return path;
  }
};

TEST_F(X11Desktop, ProgramThatFailsAtStartIsReportedWithItsStatusAndLastLine) {
  const auto r = run(sandbox_x({"-X", "sh", "-c", "echo starting >&2; echo 'cannot open the thing' >&2; exit 1"}));
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("sandbox: sh exited with status 1: cannot open the thing\n"), std::string::npos) << r.err;
  EXPECT_TRUE(entries(desktop_->runtime()).empty());
}

TEST_F(X11Desktop, WindowManagerThatFailsIsReported) {
  const auto r = run(sandbox_x({"-X", "-W", "false", "true"}));
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find("the window manager false exited with status 1 before it took the screen"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(entries(desktop_->runtime()).empty());
}

TEST_F(X11Desktop, ReportNamesTheXServerAndWindowManager) {
  const std::string report = desktop_->dir() + "/r.json";
  const std::string schema = desktop_->dir() + "/schema.json";
  std::ofstream(schema) << kReportSchema;
  const auto r = run(sandbox_x({"-X", "--report", report, "true"}));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string text = read_text(report);
  const auto check = run({"/usr/bin/python3", "-c",
                          "import json, sys, jsonschema\n"
                          "r = json.load(open(sys.argv[2]))\n"
                          "jsonschema.validate(r, json.load(open(sys.argv[1])))\n"
                          "level = r['label'].split(':', 1)[1]\n"
                          "assert r['profile'] == 'x' and r['label'].startswith('sandbox_x_t:'), r\n"
                          "assert r['x11']['server']['label'] == 'sandbox_xserver_t:' + level, r\n"
                          "assert r['x11']['window_manager']['label'] == 'sandbox_xwm_t:' + level, r\n"
                          "assert r['x11']['server']['command'][0].endswith('Xephyr'), r\n"
                          "assert 'matchbox' in r['x11']['window_manager']['command'][0], r\n"
                          "assert r['outcome'] == 'exited' and r['exit_status'] == 0, r\n",
                          schema, report});
  EXPECT_EQ(check.status, 0) << check.err << "\n" << text;
}

TEST_F(X11Desktop, ListShowsTheSessionOnceAsProfileX) {
  BackgroundCommand session(sandbox_x({"-X", "xmessage", "hi"}), desktop_->dir() + "/out");
  session_processes(session, "xmessage", "xmessage");
  std::string mine;
  int lines = 0;
  std::string list;
  for (const std::string& line : [&] {
         list = run({sandbox_bin(), "--list"}).out;
         std::vector<std::string> all;
         std::stringstream s(list);
         for (std::string l; std::getline(s, l);) all.push_back(l);
         return all;
       }()) {
    // Ours: its command, or a line of no answer (a helper with a socket of its own).
    if (line.find("xmessage hi") != std::string::npos) {
      ++lines;
      mine = line;
    }
  }
  EXPECT_EQ(lines, 1) << list;
  EXPECT_NE(mine.find("sandbox_x_t:s0:c"), std::string::npos) << list;
  EXPECT_NE(mine.find(" x "), std::string::npos) << list;
  // The helpers share the program's level and bind no control socket of
  // their own: the level's name is bound once.
  const std::string label = mine.substr(0, mine.find(' '));
  const std::string categories = label.substr(label.find(":s0:") + 4);
  EXPECT_EQ(run({"sh", "-c", "grep -c '@sandbox/" + categories + "$' /proc/net/unix"}).out, "1\n") << label;
}

TEST_F(X11Desktop, IncludesAreCopiedIntoTheScratch) {
  const std::string file = desktop_->dir() + "/note.txt";
  std::ofstream(file) << "included\n";
  // A file under /tmp goes to the sandbox's /tmp, at the same path (DESIGN §9).
  const auto r = run(sandbox_x({"-X", "-i", file, "cat", file}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "included\n") << r.err;
}

// The terminal is shown, runs what is typed into it (writing into a --rw
// directory), and `exit` typed into it ends the sandbox, nothing left.
class X11Terminal : public X11Desktop, public ::testing::WithParamInterface<const char*> {};

TEST_P(X11Terminal, RunsWhatIsTypedAndExitEndsTheSandbox) {
  const std::string terminal = GetParam();
  NEEDS(terminal);
  const std::string rw = rw_dir();
  BackgroundCommand session(sandbox_x({"-X", "--rw", rw, terminal}), desktop_->dir() + "/out");
  std::string window;
  ASSERT_TRUE(eventually([&] { return !(window = xephyr_window(terminal)).empty(); }, 30)) << session.output();
  // A terminal: its light background fills the nested screen (the window
  // manager maximizes it), the desktop beside it stays black.
  EXPECT_TRUE(eventually([&] { return light_pixels("1000x700+0+0", 0.5) > 500000; }, 15))
      << light_pixels("1000x700+0+0", 0.5) << " " << session.output();
  const std::set<pid_t> pids = descendants(session.pid());
  type_into(window, "echo typed-$((6*7)) > " + rw + "/out; id -u >> " + rw + "/out\n");
  EXPECT_TRUE(eventually([&] { return read_text(rw + "/out").find('\n') != std::string::npos; }, 15))
      << session.output();
  type_into(window, "exit\n");
  EXPECT_EQ(session.wait(20), 0) << session.output();
  EXPECT_EQ(read_text(rw + "/out"), "typed-42\n" + std::to_string(::geteuid()) + "\n");
  EXPECT_TRUE(all_gone(pids));
  EXPECT_TRUE(entries(desktop_->runtime()).empty());
}

INSTANTIATE_TEST_SUITE_P(Terminals, X11Terminal, ::testing::Values("xterm", "urxvt"));

TEST_F(X11Desktop, ImageViewerUnderOpenboxIsOnScreenEveryTime) {
  NEEDS("openbox");
  NEEDS("feh");
  const std::string image = desktop_->dir() + "/img.png";
  ASSERT_EQ(run({"/usr/bin/convert", "-size", "1000x700", "xc:#ff0000", image}).status, 0);
  for (int i = 0; i < 10; ++i) {
    BackgroundCommand session(sandbox_x({"-X", "-W", "openbox", "--ro", image, "feh", image}),
                              desktop_->dir() + "/out");
    // The title names the program and the document.
    ASSERT_TRUE(eventually([&] { return !xephyr_window("feh img.png").empty(); }, 30))
        << session.output() << on_desktop({"xwininfo", "-root", "-tree"});
    // The centre of Xephyr's window (at 0,0 on the desktop) shows the image.
    std::string centre;
    EXPECT_TRUE(eventually([&] { return (centre = pixel(500, 350)) == "1 0 0"; }, 10))
        << "run " << i << ": " << centre << " " << session.output();
    const std::set<pid_t> pids = descendants(session.pid());
    const pid_t feh = find(pids, "feh");
    ASSERT_GT(feh, 0) << session.output();
    ::kill(feh, SIGKILL);  // (feh takes SIGTERM as a hint)
    EXPECT_EQ(session.wait(), 128 + SIGKILL) << session.output();
    EXPECT_TRUE(all_gone(pids));
  }
  EXPECT_TRUE(entries(desktop_->runtime()).empty());
}

TEST_F(X11Desktop, NestedScreenFollowsTheOuterWindowsSize) {
  BackgroundCommand session(sandbox_x({"-X", "sh", "-c", "read line; xdpyinfo | grep dimensions"}),
                            desktop_->dir() + "/out");
  std::string window;
  ASSERT_TRUE(eventually([&] { return !(window = xephyr_window("sh")).empty(); }, 30)) << session.output();
  on_desktop({"xdotool", "windowsize", "--sync", window, "800", "600"});
  session.close_stdin();
  EXPECT_EQ(session.wait(), 0) << session.output();
  EXPECT_NE(session.output().find("dimensions:    800x600 pixels"), std::string::npos) << session.output();
}

TEST_F(X11Desktop, MinimizedWindowComesBack) {
  // The program minimizes its own window (as its minimize button would,
  // ICCCM WM_CHANGE_STATE): the nested display has nothing to restore it
  // from, so the session has the window manager bring it back.
  const std::string script =
      "xmessage -name zz hi & "
      "xdotool search --sync --onlyvisible --classname zz >/dev/null; "
      "w=$(xdotool search --classname zz | head -1); xdotool windowminimize $w; sleep 1; "
      "xwininfo -id $w | grep 'Map State'; kill $!";
  const auto r = run(sandbox_x({"-X", "sh", "-c", script}));
  EXPECT_NE(r.out.find("Map State: IsViewable"), std::string::npos) << r.out << r.err;
}

TEST_F(X11Desktop, GtkDialogTextGrowsWithDpi) {
  NEEDS("yad");
  // The dark pixels (text, icons) of a GTK dialog at -d 96 and -d 192:
  // Xft.dpi set from -d makes GTK draw its text twice as tall.
  const auto dark_pixels = [&](const char* dpi) -> long {
    BackgroundCommand session(
        sandbox_x({"-X", "-d", dpi, "yad", "--text=The quick brown fox jumps over the lazy dog"}),
        desktop_->dir() + "/out");
    // The dialog drawn: its light background fills the nested screen.
    if (!eventually([&] { return light_pixels("1000x700+0+0", 0.5) > 600000; }, 30)) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // text drawn after the background
    const long dark = 1000L * 700L - light_pixels("1000x700+0+0", 0.5);
    const std::set<pid_t> pids = descendants(session.pid());
    const pid_t yad = find(pids, "yad");
    if (yad > 0) ::kill(yad, SIGKILL);
    session.wait();
    return dark;
  };
  const long at96 = dark_pixels("96");
  const long at192 = dark_pixels("192");
  ASSERT_GT(at96, 100) << "no dialog at -d 96";
  EXPECT_GT(at192, 2 * at96) << at96 << " dark pixels at 96 dpi, " << at192 << " at 192";
}

}  // namespace
