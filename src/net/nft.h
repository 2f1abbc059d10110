// Installing the nftables ruleset in the calling process's network namespace.
#pragma once

namespace sandbox::net {

// Runs `ruleset` (nft syntax) through libnftables in the current network
// namespace; needs CAP_NET_ADMIN there. Returns 0 or an errno (EPERM when the
// kernel refused, EINVAL when the text did not parse or apply).
//
// Called by the sandbox's init after clone3, while it still holds
// CAP_NET_ADMIN in its own namespace. Unlike the other child steps it
// allocates (libnftables does); see DESIGN §10 on why that is safe here.
int install_ruleset(const char* ruleset) noexcept;

}  // namespace sandbox::net
