// The control protocol's messages (label/protocol.h) and the client of sandbox/registry.h, without sockets.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "label/label.h"
#include "label/protocol.h"
#include "sandbox/registry.h"

using namespace sandbox::registry;

TEST(ControlProtocol, InfoRoundTrips) {
  SandboxInfo info;
  info.label = "sandbox_t:s0:c1,c2";
  info.profile = "web";
  info.pid = 1234;
  info.init_pid = 1236;
  info.uid = 65534;
  info.started = 1700000000.5;
  info.command = {"sh", "-c", "echo \"quoted\" \n newline"};
  auto back = info_from_json(to_json(info));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->label, info.label);
  EXPECT_EQ(back->profile, info.profile);
  EXPECT_EQ(back->pid, info.pid);
  EXPECT_EQ(back->init_pid, info.init_pid);
  EXPECT_EQ(back->uid, info.uid);
  EXPECT_DOUBLE_EQ(back->started, info.started);
  EXPECT_EQ(back->command, info.command);
}

TEST(ControlProtocol, MalformedInfoIsAnError) {
  EXPECT_FALSE(info_from_json("").ok());
  EXPECT_FALSE(info_from_json("{\"label\": 3}").ok());
  EXPECT_FALSE(info_from_json("[1, 2]").ok());
}

TEST(ControlProtocol, RequestsParse) {
  EXPECT_EQ(*parse_request(request_line(Request::info)), Request::info);
  EXPECT_EQ(*parse_request(request_line(Request::kill)), Request::kill);
  EXPECT_EQ(*parse_request("kill\r\n"), Request::kill);
  EXPECT_FALSE(parse_request("shutdown\n").ok());
  EXPECT_FALSE(parse_request("").ok());
}

TEST(ControlProtocol, OurOwnReservationIsListedAsRunning) {
  auto reservation = reserve_any();
  ASSERT_TRUE(reservation.ok()) << reservation.error().message();
  const auto levels = running_levels();
  EXPECT_NE(std::find(levels.begin(), levels.end(), reservation->level), levels.end());
  const Level level = reservation->level;
  reservation->socket.reset();  // the kernel frees the name at once
  const auto after = running_levels();
  EXPECT_EQ(std::find(after.begin(), after.end(), level), after.end());
}

TEST(ControlProtocol, ASupervisorThatNeverAnswersCannotHangAClient) {
  auto reservation = reserve_any();  // listening, but nobody accepts
  ASSERT_TRUE(reservation.ok()) << reservation.error().message();
  const Level level = reservation->level;
  const auto begin = std::chrono::steady_clock::now();
  // Enough clients to fill its backlog: later connects must not block.
  for (int i = 0; i < 12; ++i) {
    const auto infos = query_all({level}, 50);
    ASSERT_EQ(infos.size(), 1U);
    EXPECT_EQ(infos[0].pid, -1);  // listed by its level only
    EXPECT_EQ(infos[0].label, level.str());
  }
  EXPECT_FALSE(request_kill(level).ok());
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_LT(elapsed, 5.0);
}
