// What the user cannot see (issue 13 item 6): one line on stderr each, only
// when it applies, and none with -q.
#include <gtest/gtest.h>

#include "support/run.h"

using namespace testing_support;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// sandbox ARGS... run with DIR as the working directory.
RunResult run_in(const std::string& dir, std::vector<std::string> args) {
  std::vector<std::string> argv = {"sh", "-c", "cd \"$0\" && exec \"$@\"", dir, sandbox_bin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

}  // namespace

// cd /tmp/work && sandbox pdftotext docs/in.pdf -: the program started in
// $HOME without a word, so the relative path was just "No such file".
TEST(Notices, WorkingDirectoryNotInsideIsNamedWithTheGrant) {
  TempDir work;
  work.mkdir("docs");
  work.write("docs/in.txt", "inside\n");
  const auto r = run_in(work.path(), {"cat", "docs/in.txt"});
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(has(r.err, "sandbox: the working directory " + work.path() +
                             " is not inside the sandbox: the program starts in "))
      << r.err;
  EXPECT_TRUE(has(r.err, "(grant it with --ro . or --rw .)")) << r.err;
  // The grant it names works, and then there is nothing to say.
  const auto granted = run_in(work.path(), {"--ro", ".", "cat", "docs/in.txt"});
  EXPECT_EQ(granted.status, 0) << granted.err;
  EXPECT_EQ(granted.out, "inside\n");
  EXPECT_FALSE(has(granted.err, "working directory")) << granted.err;
  // Only when it applies: no relative path on the command line, no notice.
  const auto absolute = run_in(work.path(), {"cat", "/dev/null"});
  EXPECT_EQ(absolute.status, 0) << absolute.err;
  EXPECT_EQ(absolute.err, "");
  // -q keeps it out of the program's stderr.
  const auto quiet = run_in(work.path(), {"-q", "cat", "docs/in.txt"});
  EXPECT_FALSE(has(quiet.err, "sandbox:")) << quiet.err;
}

// sandbox ./script.sh whose #! interpreter is not inside: "not found", but
// the script exists; its interpreter is what is missing.
TEST(Notices, MissingShebangInterpreterIsNamed) {
  TempDir dir;
  dir.mkdir("bin");
  const std::string shell = dir.path() + "/bin/mysh";
  ASSERT_EQ(run({"cp", "/bin/sh", shell}).status, 0);
  const std::string script = dir.write("script.sh", "#!" + shell + "\necho ran\n", 0755);
  const auto r = run(sandbox({script}));
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(has(r.err, "sandbox: " + script + ": its #! interpreter " + shell +
                             " is not inside the sandbox (grant it with --exec " + shell + ")"))
      << r.err;
  EXPECT_EQ(r.status, 127);
  EXPECT_EQ(r.err.find("not found inside"), std::string::npos) << r.err;  // the script is there
  // It is the error, so -q does not hide it.
  const auto quiet = run(sandbox({"-q", script}));
  EXPECT_TRUE(has(quiet.err, "its #! interpreter " + shell + " is not inside the sandbox")) << quiet.err;
  const auto granted = run(sandbox({"--exec", shell, script}));
  EXPECT_EQ(granted.status, 0) << granted.err;
  EXPECT_EQ(granted.out, "ran\n");
  EXPECT_EQ(granted.err, "");
  // One that exists nowhere is said so too.
  const std::string broken = dir.write("broken.sh", "#!/nonexistent/interpreter\necho ran\n", 0755);
  const auto missing = run(sandbox({broken}));
  EXPECT_TRUE(has(missing.err, "its #! interpreter /nonexistent/interpreter does not exist")) << missing.err;
  // #!/usr/bin/env NAME: NAME looked up inside.
  const std::string via_env = dir.write("env.sh", "#!/usr/bin/env mysh\necho ran\n", 0755);
  const auto env = run({"env", "PATH=" + dir.path() + "/bin:/usr/bin:/bin", sandbox_bin(), via_env});
  EXPECT_TRUE(has(env.err, "its #! interpreter mysh (through /usr/bin/env) is not inside the sandbox "
                           "(it is " + shell + " outside; grant it with --exec " + shell + ")"))
      << env.err;
}

// python3 -> ~/.pyenv/shims/python3 outside, /usr/bin/python3 inside: name
// both and the grant that keeps the caller's.
TEST(Notices, CommandFoundAsAnotherFileInsideIsNamed) {
  TempDir dir;
  dir.mkdir("bin");
  const std::string mine = dir.write("bin/cat", "#!/bin/sh\necho mine\n", 0755);
  const std::string path = "PATH=" + dir.path() + "/bin:/usr/bin:/bin";
  const auto r = run({"env", path, sandbox_bin(), "cat", "/dev/null"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.err, "sandbox: cat is " + mine + " outside but /usr/bin/cat inside (keep yours "
                         "with --exec " + mine + ")"))
      << r.err;
  const auto kept = run({"env", path, sandbox_bin(), "--exec", mine, "cat", "/dev/null"});
  EXPECT_EQ(kept.status, 0) << kept.err;
  EXPECT_EQ(kept.out, "mine\n");
  EXPECT_EQ(kept.err, "");
  // The same file inside and outside: nothing to say.
  const auto same = run({"env", "PATH=/usr/bin:/bin", sandbox_bin(), "cat", "/dev/null"});
  EXPECT_EQ(same.err, "");
}
