// The network part of the launch plan.
#include "net/plan.h"

#include <unistd.h>

#include "net/cidr.h"
#include "net/nft_loader.h"
#include "net/rules.h"
#include "util/sys.h"

namespace sandbox::net {

Result<void> plan_network(const Policy& policy, fs::ViewPlan& view,
                          NetworkPlan& network) {
  if (policy.net != NetMode::filtered) return success();
  auto ruleset = nft_ruleset(policy);
  if (!ruleset) return std::move(ruleset).error();
  auto binary = find_slirp4netns();
  if (!binary) return std::move(binary).error();
  if (auto loaded = load_nftables(); !loaded) return loaded;  // before clone3: init only calls it
  network.filtered = true;
  network.ruleset = std::move(*ruleset);
  network.slirp.binary = std::move(*binary);
  network.slirp.dns = policy.allow_dns;
  if (policy.allow_dns) {
    if (!policy.bind_etc || ::access("/etc/resolv.conf", F_OK) != 0) {
      return Error("--allow-dns: /etc/resolv.conf is not in the view to be replaced")
          .with_hint("use a profile that shows /etc, or leave out --allow-dns");
    }
    fs::add_generated_file(view, "/etc/resolv.conf", resolv_conf(), landlock::kRead);
  }
  return success();
}

Result<void> allow_tcp_ports(landlock::Ruleset& ruleset, const Policy& policy) {
  if (policy.allow_tcp.empty()) return success();
  if (ruleset.abi() < 4) {
    return Error("--allow-tcp needs Landlock ABI 4 (Linux 6.7); this kernel has ABI " +
                 std::to_string(ruleset.abi()))
        .with_hint("leave out --allow-tcp, or use --net=filtered --allow-net 0.0.0.0/0:PORTS");
  }
  for (const auto& text : policy.allow_tcp) {
    auto ranges = parse_ports(text);
    if (!ranges) return std::move(ranges).error().wrap("--allow-tcp");
    for (const auto& range : *ranges) {
      for (unsigned port = range.first; port <= range.last; ++port) {
        if (auto ok = ruleset.allow_port(static_cast<std::uint16_t>(port),
                                         sys::kLandlockNetBindTcp | sys::kLandlockNetConnectTcp);
            !ok) {
          return ok;
        }
      }
    }
  }
  return success();
}

}  // namespace sandbox::net
