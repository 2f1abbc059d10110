// -X's pure parts: the Xauthority format, cookie selection, DISPLAY parsing.
#include <gtest/gtest.h>

#include "x11/display.h"
#include "x11/session.h"
#include "x11/xauth.h"

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

}  // namespace
}  // namespace sandbox::x11
