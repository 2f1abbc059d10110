// -X's pure parts: the Xauthority format, cookie selection, DISPLAY parsing,
// the X server's setup reply, the window title.
#include <gtest/gtest.h>

#include "x11/display.h"
#include "x11/session.h"
#include "x11/title.h"
#include "x11/xauth.h"
#include "x11/xclient.h"

namespace sandbox::x11 {
namespace {

TEST(X11Auth, EncodesAsLibXauReadsIt) {
  AuthEntry e{kFamilyLocal, "host", "7", kMagicCookie, std::string("\x01\x02", 2)};
  const std::string bytes = encode({e});
  // family 0x0100, then length-prefixed address, number, name, data.
  const std::string expected = std::string("\x01\x00\x00\x04host\x00\x01" "7\x00\x12", 13) +
                               kMagicCookie + std::string("\x00\x02\x01\x02", 4);
  EXPECT_EQ(bytes, expected);
  auto decoded = decode(bytes);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->size(), 1U);
  EXPECT_EQ((*decoded)[0], e);
}

TEST(X11Auth, TruncatedFileIsAnError) {
  const std::string bytes = encode({AuthEntry{kFamilyWild, "", "0", kMagicCookie, "x"}});
  for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(decode(bytes.substr(0, cut))) << cut;
  }
}

TEST(X11Auth, CookiesAreFreshAndWild) {
  auto a = new_cookie(12);
  auto b = new_cookie(12);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->family, kFamilyWild);
  EXPECT_EQ(a->number, "12");
  EXPECT_EQ(a->name, kMagicCookie);
  EXPECT_EQ(a->data.size(), 16U);
  EXPECT_NE(a->data, b->data);
}

TEST(X11Auth, SelectsOnlyThisHostsEntriesForTheDisplay) {
  const std::vector<AuthEntry> file = {
      {kFamilyLocal, "desk", "0", kMagicCookie, "mine"},
      {kFamilyLocal, "desk", "1", kMagicCookie, "other display"},
      {kFamilyLocal, "elsewhere", "0", kMagicCookie, "other host"},
      {0, std::string("\x7f\x00\x00\x01", 4), "0", kMagicCookie, "tcp"},
      {kFamilyWild, "", "0", kMagicCookie, "wild"},
  };
  const auto picked = entries_for_display(file, 0, "desk");
  ASSERT_EQ(picked.size(), 2U);
  EXPECT_EQ(picked[0].data, "mine");
  EXPECT_EQ(picked[0].family, kFamilyWild);  // matches inside the sandbox ("sandbox" host)
  EXPECT_TRUE(picked[0].address.empty());
  EXPECT_EQ(picked[1].data, "wild");
}

TEST(X11Display, ParsesLocalDisplaysOnly) {
  EXPECT_EQ(*parse_local_display(":0"), 0U);
  EXPECT_EQ(*parse_local_display(":12.1"), 12U);
  EXPECT_EQ(*parse_local_display("unix:3"), 3U);
  EXPECT_FALSE(parse_local_display("host:0"));
  EXPECT_FALSE(parse_local_display(":"));
  EXPECT_FALSE(parse_local_display(":x"));
  EXPECT_FALSE(parse_local_display("0"));
  EXPECT_EQ(socket_path(5), "/tmp/.X11-unix/X5");
}

TEST(X11Options, WindowSizeAndLimits) {
  Policy::X11 o;
  EXPECT_TRUE(parse_window_size(o, "640x480"));
  EXPECT_EQ(o.width, 640U);
  EXPECT_EQ(o.height, 480U);
  EXPECT_FALSE(parse_window_size(o, "640"));
  EXPECT_FALSE(parse_window_size(o, "x480"));
  EXPECT_FALSE(parse_window_size(o, "640x480x2"));
  o.enabled = true;
  EXPECT_TRUE(validate(o));
  o.width = 0;
  EXPECT_FALSE(validate(o));
  o = {};
  o.dpi = 120;
  EXPECT_FALSE(validate(o));  // without -X
  o.enabled = true;
  EXPECT_TRUE(validate(o));
}

// A setup reply as Xephyr sends it: 8-byte header, 32 bytes of fixed
// fields, the vendor (padded), the pixmap formats, then the first screen.
std::string setup_reply(const std::string& vendor, int formats, std::uint32_t root, bool with_screen = true) {
  std::string body(32, '\0');
  body[16] = static_cast<char>(vendor.size());  // vendor length (little-endian)
  body[20] = with_screen ? 1 : 0;                // screens
  body[21] = static_cast<char>(formats);
  body += vendor + std::string((4 - vendor.size() % 4) % 4, '\0');
  body += std::string(8 * static_cast<std::size_t>(formats), '\0');
  if (with_screen) {
    std::string screen(40, '\0');
    for (int i = 0; i < 4; ++i) screen[static_cast<std::size_t>(i)] = static_cast<char>((root >> (8 * i)) & 0xff);
    screen[20] = static_cast<char>(0xe8);  // width 1000
    screen[21] = 0x03;
    screen[22] = static_cast<char>(0xbc);  // height 700
    screen[23] = 0x02;
    body += screen;
  }
  std::string header = {1, 0, 11, 0, 0, 0, static_cast<char>(body.size() / 4), static_cast<char>(body.size() / 1024)};
  return header + body;
}

TEST(X11Client, ParsesTheRootWindowFromTheSetupReply) {
  auto info = parse_setup_reply(setup_reply("The X.Org Foundation", 7, 0x50e));
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_EQ(info->root, 0x50eU);
  EXPECT_EQ(info->width, 1000);
  EXPECT_EQ(info->height, 700);
}

TEST(X11Client, MalformedOrRefusedSetupRepliesAreErrors) {
  std::string full = setup_reply("vendor", 2, 1);
  for (std::size_t cut : {std::size_t{0}, std::size_t{7}, std::size_t{39}, full.size() - 1}) {
    EXPECT_FALSE(parse_setup_reply(full.substr(0, cut))) << cut;
  }
  EXPECT_FALSE(parse_setup_reply(setup_reply("vendor", 2, 1, false)));
  // A vendor length that points past the end.
  std::string lying = full;
  lying[8 + 16] = static_cast<char>(0xff);
  lying[8 + 17] = static_cast<char>(0xff);
  EXPECT_FALSE(parse_setup_reply(lying));
  // A refusal names the server's reason, control characters replaced.
  const std::string reason = "No protocol specified\n";
  std::string refusal = {0, static_cast<char>(reason.size()), 11, 0, 0, 0, 6, 0};
  refusal += reason + std::string(24 - reason.size(), '\0');
  auto refused = parse_setup_reply(refusal);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("refused the session's connection: No protocol specified?"),
            std::string::npos)
      << refused.error().message();
}

TEST(X11Title, SaysSandboxAndNamesProgramDocumentsAndLabel) {
  const std::string label = "sandbox_x_t:s0:c1,c2";
  EXPECT_EQ(window_title(label, {"/usr/bin/evince", "/etc/hostname"}, "/"),
            "sandbox: evince hostname (sandbox_x_t:s0:c1,c2)");
  // Relative documents from the working directory; options and words that
  // name no file are left out.
  EXPECT_EQ(window_title(label, {"feh", "--zoom", "fill", "etc/passwd", "etc/"}, "/"),
            "sandbox: feh passwd etc (sandbox_x_t:s0:c1,c2)");
  EXPECT_EQ(window_title(label, {"xterm"}, "/"), "sandbox: xterm (sandbox_x_t:s0:c1,c2)");
  // Control characters never reach the desktop's title bar; long titles are cut.
  EXPECT_EQ(window_title(label, {"a\nb\x1b[2J"}, "/"), "sandbox: a?b?[2J (sandbox_x_t:s0:c1,c2)");
  const std::string title = window_title(label, {std::string(500, 'x')}, "/");
  EXPECT_LE(title.size(), 200U);
  EXPECT_NE(title.find("(sandbox_x_t:s0:c1,c2)"), std::string::npos);
}

}  // namespace
}  // namespace sandbox::x11
