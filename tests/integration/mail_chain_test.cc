// The seed's use case as a tested example (issue 13 item 10, README "A
// mail-filter chain"): real Debian filters over generated hostile messages,
// each stage in its own sandbox with only what it needs; the verdicts equal
// the bare run's, and the infected messages are found.
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <sstream>

#include "support/run.h"

using namespace testing_support;

namespace {

// The example and the message generator: beside the binary under test (the
// stage copies them) or in the source tree.
std::string example_file(const std::string& relative) {
  const std::string bin = sandbox_bin();
  const std::string staged = bin.substr(0, bin.rfind('/')) + "/" + relative;
  if (::access(staged.c_str(), R_OK) == 0) return staged;
  return std::string(SANDBOX_SOURCE_DIR) + "/" + relative;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(MailChain, VerdictsEqualTheBareRunAndTheInfectedAreFound) {
  for (const char* tool : {"spamassassin", "ripmime", "clamscan", "file", "pdftotext"}) {
    if (run({"sh", "-c", std::string("command -v ") + tool}).status != 0) {
      GTEST_SKIP() << tool << " is not installed (scripts/setup-deps.sh --tests installs it)";
    }
  }
  TempDir dir;
  ASSERT_EQ(run({"python3", example_file("tests/mail/make-messages.py"), dir.path()}).status, 0);
  dir.mkdir("home");
  dir.mkdir("bare");
  dir.mkdir("boxed");
  const std::string chain = example_file("examples/mail-chain.sh");
  const std::string home = "HOME=" + dir.path() + "/home";
  RunOptions slow;
  slow.timeout_seconds = 300;
  const auto bare = run({"env", home, "BARE=1", "bash", chain, dir.path() + "/in", dir.path() + "/db",
                         dir.path() + "/bare"},
                        slow);
  ASSERT_EQ(bare.status, 0) << bare.err;
  const auto boxed = run({"env", home, "SANDBOX=" + sandbox_bin(), "bash", chain, dir.path() + "/in",
                          dir.path() + "/db", dir.path() + "/boxed"},
                         slow);
  EXPECT_EQ(boxed.status, 0) << boxed.err;
  EXPECT_EQ(boxed.out, bare.out) << "stderr of the sandboxed chain:\n" << boxed.err;
  // -q: no line of sandbox's own in the filters' stderr.
  EXPECT_FALSE(has(boxed.err, "sandbox: ")) << boxed.err;
  // What the verdicts must be, so that equal cannot mean equally wrong.
  std::istringstream infected(read_file(dir.path() + "/expected-infected"));
  int count = 0;
  for (std::string name; std::getline(infected, name); ++count) {
    EXPECT_TRUE(has(boxed.out, "virus " + name + ": Sandbox.Test.Payload.UNOFFICIAL FOUND\n"))
        << name << " not found infected:\n" << boxed.out;
  }
  EXPECT_EQ(count, 3);
  EXPECT_TRUE(has(boxed.out, "virus 01-ham.eml: OK\n")) << boxed.out;
  EXPECT_TRUE(has(boxed.out, "spam 02-gtube.eml YES\n")) << boxed.out;
  EXPECT_TRUE(has(boxed.out, "spam 01-ham.eml NO\n")) << boxed.out;
  EXPECT_TRUE(has(boxed.out, "text 03-pdf/report.pdf Quarterly report 2026")) << boxed.out;
  EXPECT_TRUE(has(boxed.out, "part 04-traversal/")) << boxed.out;
  // spamassassin stamps the host's name, kept with --hostname.
  char host[HOST_NAME_MAX + 1] = {};
  ::gethostname(host, sizeof(host) - 1);
  EXPECT_TRUE(has(boxed.out, std::string("spam stamped-by ") + host + "\n")) << boxed.out;
  // The traversal attachment stayed in its directory.
  EXPECT_EQ(::access("/tmp/evil.sh", F_OK), -1);
}

// clamscan fails open: without a writable /tmp it cannot unpack the MIME
// message and reports an infected one as OK. The chain gives it -M; this
// is why.
TEST(MailChain, ClamscanNeedsAScratchTmpToFindTheInfected) {
  if (run({"sh", "-c", "command -v clamscan"}).status != 0) GTEST_SKIP() << "clamscan is not installed";
  TempDir dir;
  ASSERT_EQ(run({"python3", example_file("tests/mail/make-messages.py"), dir.path()}).status, 0);
  const std::string db = dir.path() + "/db";
  const std::string message = dir.path() + "/in/05-infected.eml";
  const auto scratch = run(sandbox({"-M", "--ro", db, "--ro", message, "clamscan", "--no-summary", "-d",
                                    db, message}));
  EXPECT_EQ(scratch.status, 1) << scratch.out << scratch.err;
  EXPECT_TRUE(has(scratch.out, "FOUND")) << scratch.out;
}

// spamassassin's headers say "on sandbox" unless --hostname keeps a name.
TEST(MailChain, SpamassassinStampsTheGivenHostname) {
  if (run({"sh", "-c", "command -v spamassassin"}).status != 0) GTEST_SKIP() << "spamassassin is not installed";
  RunOptions input;
  input.stdin_null = false;
  input.stdin_data = "From: a@example.net\nTo: b@example.org\nSubject: hi\n\nhello\n";
  input.timeout_seconds = 120;
  const auto named = run(sandbox({"-q", "-M", "--ro", "/etc/spamassassin", "--hostname", "mx1.example.org",
                                  "spamassassin", "-L", "-x", "--cf=use_bayes 0"}),
                         input);
  EXPECT_EQ(named.status, 0) << named.err;
  EXPECT_TRUE(has(named.out, "X-Spam-Checker-Version: SpamAssassin")) << named.out;
  EXPECT_TRUE(has(named.out, " on mx1.example.org\n")) << named.out;
  EXPECT_EQ(named.err, "");
}
