// Profiles (DESIGN §5) against the real binary: -t NAME|FILE, label types,
// /etc per profile, file profiles, errors with file/line/key, --print-profile.
#include <gtest/gtest.h>

#include <map>

#include "support/run.h"

using namespace testing_support;

TEST(Profiles, MinDeniesEtcPasswdTheDefaultReadsIt) {
  const auto min = run(sandbox({"-t", "min", "cat", "/etc/passwd"}));
  EXPECT_NE(min.status, 0);
  EXPECT_EQ(min.out, "");
  const auto def = run(sandbox({"cat", "/etc/passwd"}));
  EXPECT_EQ(def.status, 0) << def.err;
  EXPECT_NE(def.out.find("root:"), std::string::npos);
  const auto named = run(sandbox({"-t", "default", "cat", "/etc/passwd"}));
  EXPECT_EQ(named.status, 0) << named.err;
}

TEST(Profiles, MinStillRunsDynamicPrograms) {
  const auto r = run(sandbox({"-t", "min", "sh", "-c", "echo ok"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "ok\n");
}

TEST(Profiles, EachProfileHasItsLabelType) {
  const std::map<std::string, std::string> types = {{"min", "sandbox_min_t:"}, {"default", "sandbox_t:"}};
  for (const auto& [name, type] : types) {
    std::vector<std::string> argv = {"unshare", "-rn", sandbox_bin(), "-t", name, "sh", "-c", "echo $SANDBOX_LABEL"};
    const auto r = run(argv);
    EXPECT_EQ(r.status, 0) << name << ": " << r.err;
    EXPECT_EQ(r.out.rfind(type, 0), 0U) << name << ": " << r.out;
  }
  // web and net start slirp4netns; their types are checked on the effective
  // policy (net_test.cc runs them in a lab root makes, as root and uid 65534).
  const auto web = run(sandbox({"--print-profile", "web"}));
  EXPECT_NE(web.out.find("type = \"sandbox_web_t\""), std::string::npos) << web.out;
  const auto net = run(sandbox({"--print-profile", "net"}));
  EXPECT_NE(net.out.find("type = \"sandbox_net_t\""), std::string::npos) << net.out;
  // x runs the program on a nested X server (x11_test.cc runs it on a test
  // display); here: its policy, and the refusal without a display.
  const auto x = run(sandbox({"--print-profile", "x"}));
  EXPECT_NE(x.out.find("type = \"sandbox_x_t\""), std::string::npos) << x.out;
  EXPECT_NE(x.out.find("x11 = true"), std::string::npos) << x.out;
  const auto no_display = run({"env", "-u", "DISPLAY", sandbox_bin(), "-t", "x", "true"});
  EXPECT_EQ(no_display.status, 125);
  EXPECT_NE(no_display.err.find("DISPLAY is not set"), std::string::npos) << no_display.err;
}

TEST(Profiles, AFileProfileGrantsItsDirectory) {
  TempDir dir;
  const std::string data = dir.mkdir("data");
  dir.write("data/secret.txt", "granted\n");
  const std::string prof = dir.write("mine.toml", "include-profiles = [\"default\"]\nro = [\"" + data + "\"]\n");
  const auto without = run(sandbox({"cat", data + "/secret.txt"}));
  EXPECT_NE(without.status, 0);
  const auto with = run(sandbox({"-t", prof, "sh", "-c", "cat " + data + "/secret.txt; echo $SANDBOX_LABEL"}));
  EXPECT_EQ(with.status, 0) << with.err;
  EXPECT_EQ(with.out.rfind("granted\nsandbox_t:", 0), 0U) << with.out;
}

TEST(Profiles, AFileProfileSetsTheType) {
  TempDir dir;
  const std::string prof = dir.write("typed.toml", "include-profiles = [\"min\"]\ntype = \"sandbox_mine_t\"\n");
  const auto r = run(sandbox({"-t", prof, "sh", "-c", "echo $SANDBOX_LABEL"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("sandbox_mine_t:", 0), 0U) << r.out;
}

TEST(Profiles, CommandLineOptionsApplyOnTop) {
  TempDir dir;
  dir.write("f", "on top\n");
  const auto r = run(sandbox({"-t", "min", "--ro", dir.path(), "cat", dir.path() + "/f"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "on top\n");
}

TEST(Profiles, UserProfilesComeFromXdgConfigHome) {
  TempDir dir;
  dir.mkdir("sandbox");
  dir.mkdir("sandbox/profiles");
  dir.write("sandbox/profiles/mine.toml", "include-profiles = [\"default\"]\ntype = \"sandbox_user_t\"\n");
  std::vector<std::string> argv = {"env", "XDG_CONFIG_HOME=" + dir.path(), sandbox_bin(), "-t", "mine",
                                   "sh", "-c", "echo $SANDBOX_LABEL"};
  const auto r = run(argv);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("sandbox_user_t:", 0), 0U) << r.out;
}

TEST(Profiles, ErrorsNameTheFileLineAndKey) {
  TempDir dir;
  const std::string prof = dir.write("bad.toml", "# a comment\nro = \"/not-a-list\"\n");
  const auto r = run(sandbox({"-t", prof, "true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find(prof + ":2: ro: expected an array"), std::string::npos) << r.err;
  const auto missing = run(sandbox({"-t", "no-such-profile", "true"}));
  EXPECT_EQ(missing.status, 125);
  EXPECT_NE(missing.err.find("no profile named 'no-such-profile'"), std::string::npos) << missing.err;
}

TEST(Profiles, PrintProfileShowsTheEffectivePolicy) {
  const auto min = run(sandbox({"--print-profile", "min"}));
  EXPECT_EQ(min.status, 0) << min.err;
  EXPECT_NE(min.out.find("type = \"sandbox_min_t\""), std::string::npos) << min.out;
  EXPECT_EQ(min.out.find("etc-readable"), std::string::npos) << min.out;
  const auto web = run(sandbox({"--print-profile", "web", "--ro", "/srv"}));
  EXPECT_EQ(web.status, 0) << web.err;
  EXPECT_NE(web.out.find("net = \"filtered\""), std::string::npos) << web.out;
  EXPECT_NE(web.out.find("ro = [ \"/srv\" ]"), std::string::npos) << web.out;
  EXPECT_NE(web.out.find("etc-readable = true"), std::string::npos) << web.out;
}

TEST(Profiles, ThePrintedProfileRunsAsAProfile) {
  TempDir dir;
  const auto printed = run(sandbox({"--print-profile", "min"}));
  ASSERT_EQ(printed.status, 0) << printed.err;
  const std::string prof = dir.write("printed.toml", printed.out);
  const auto r = run(sandbox({"-t", prof, "sh", "-c", "cat /etc/passwd || echo $SANDBOX_LABEL"}));
  EXPECT_EQ(r.out.rfind("sandbox_min_t:", 0), 0U) << r.out << r.err;
}

namespace {

std::string parent_dir(const std::string& path) { return path.substr(0, path.rfind('/')); }

}  // namespace

// A profile with only `ro = ["/data"]` started from nothing, so even cat
// was "not found"; it extends default now (DESIGN §5).
TEST(Profiles, AProfileWithOnlyAGrantExtendsDefault) {
  TempDir dir;
  dir.mkdir("sandbox");
  dir.mkdir("sandbox/profiles");
  const std::string data = dir.mkdir("data");
  dir.write("data/f", "42\n");
  dir.write("sandbox/profiles/data.toml", "ro = [\"" + data + "\"]\n");
  const auto r = run({"env", "XDG_CONFIG_HOME=" + dir.path(), sandbox_bin(), "-t", "data", "sh", "-c",
                      "cat " + data + "/f && grep -c ^root: /etc/passwd && echo $SANDBOX_LABEL"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("42\n1\nsandbox_t:", 0), 0U) << r.out;
  // Starting from nothing is said explicitly.
  dir.write("sandbox/profiles/bare.toml", "include-profiles = []\nro = [\"" + data + "\"]\n");
  const auto bare = run({"env", "XDG_CONFIG_HOME=" + dir.path(), sandbox_bin(), "-t", "bare", "cat",
                         data + "/f"});
  EXPECT_EQ(bare.status, 127) << bare.err;
  // min is such a profile: no /etc, still no default underneath.
  const auto min = run(sandbox({"--print-profile", "min"}));
  EXPECT_EQ(min.out.find("/etc"), std::string::npos) << min.out;
}

// A relocated install (cmake --install build --prefix P): P/bin/sandbox finds
// P/share/sandbox/profiles, never a compiled-in source or configure-time path.
TEST(Profiles, ARelocatedInstallFindsItsOwnProfiles) {
  TempDir prefix;
  prefix.mkdir("bin");
  prefix.mkdir("share");
  prefix.mkdir("share/sandbox");
  const std::string profiles = prefix.mkdir("share/sandbox/profiles");
  const std::string shipped = parent_dir(sandbox_bin()) + "/share/sandbox/profiles";
  ASSERT_EQ(run({"sh", "-c", "cp \"$0\"/*.toml \"$1\"/", shipped, profiles}).status, 0)
      << "no profiles beside " << sandbox_bin();
  ASSERT_EQ(run({"cp", sandbox_bin(), prefix.path() + "/bin/sandbox"}).status, 0);
  // This prefix's min, told apart from any other copy by one more variable.
  ASSERT_EQ(run({"sh", "-c", "echo 'setenv = [\"WHERE=prefix\"]' >> \"$0\"/min.toml", profiles}).status, 0);
  const auto r = run({prefix.path() + "/bin/sandbox", "-t", "min", "sh", "-c", "echo $WHERE"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "prefix\n") << r.err;
}
