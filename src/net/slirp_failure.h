// Why slirp4netns did not bring the network up, in one line: the step that
// failed and slirp4netns's own words, not a guess.
#pragma once

#include <string>
#include <vector>

#include "net/slirp_keeper.h"
#include "sandbox/error.h"

namespace sandbox::net {

// From the keeper's reports and slirp4netns's stderr. `tun_hint` is
// tun_access_hint(), used when slirp4netns names /dev/net/tun.
Error describe_slirp_failure(const std::vector<KeeperReport>& reports, const std::string& slirp_stderr,
                             const std::string& tun_hint);

// Why the caller cannot open /dev/net/tun, from its mode and owner ("" when
// it can). slirp4netns opens it as the caller, from the sandbox's user
// namespace.
std::string tun_access_hint();

// The first line of slirp4netns's stderr that says what went wrong (its
// progress lines and generic "failed" lines skipped), or "".
std::string slirp_reason(const std::string& slirp_stderr);

}  // namespace sandbox::net
