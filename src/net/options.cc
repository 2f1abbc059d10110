// The network options (DESIGN §6): parsed when given, checked together later.
#include "net/options.h"

#include <initializer_list>
#include <utility>

#include "net/cidr.h"

namespace sandbox::net {
namespace {

Result<void> add_rule(Policy& policy, NetVerdict verdict, const std::string& value,
                      const char* option) {
  if (auto target = parse_target(value); !target) {
    return std::move(target).error().wrap(option);
  }
  policy.net_rules.push_back({verdict, value});
  return success();
}

// One of a few named values: `--net-default allow`.
template <class T>
Result<void> choose(T& out, const std::string& value, std::initializer_list<std::pair<const char*, T>> choices,
                    const std::string& option) {
  std::string expected;
  for (const auto& [name, choice] : choices) {
    if (value == name) {
      out = choice;
      return success();
    }
    expected += (expected.empty() ? "" : ", ") + std::string(name);
  }
  return Error(option + " " + value + ": expected one of " + expected);
}

}  // namespace

Result<void> apply_mode(Policy& policy, const std::string& value) {
  return choose(policy.net, value,
                {{"none", NetMode::none}, {"host", NetMode::host}, {"filtered", NetMode::filtered}},
                "--net");
}

Result<void> apply_allow_tcp(Policy& policy, const std::string& value) {
  auto ports = parse_ports(value);
  if (!ports) return std::move(ports).error().wrap("--allow-tcp");
  policy.allow_tcp.push_back(value);
  return success();
}

Result<void> apply_allow_net(Policy& policy, const std::string& value) {
  return add_rule(policy, NetVerdict::allow, value, "--allow-net");
}

Result<void> apply_deny_net(Policy& policy, const std::string& value) {
  return add_rule(policy, NetVerdict::deny, value, "--deny-net");
}

Result<void> apply_default(Policy& policy, const std::string& value) {
  return choose(policy.net_default, value, {{"allow", NetVerdict::allow}, {"deny", NetVerdict::deny}},
                "--net-default");
}

Result<void> validate(const Policy& policy) {
  if (policy.net != NetMode::host && (!policy.allow_tcp.empty() || policy.allow_udp)) {
    return Error(std::string(policy.allow_udp ? "--allow-udp" : "--allow-tcp") +
                 " applies only to --net=host")
        .with_hint("with --net=filtered use --allow-net CIDR:PORTS");
  }
  if (policy.net != NetMode::filtered && (!policy.net_rules.empty() || policy.allow_dns)) {
    return Error(std::string(policy.allow_dns ? "--allow-dns" : "--allow-net/--deny-net") +
                 " applies only to --net=filtered")
        .with_hint("add --net=filtered");
  }
  for (const auto& rule : policy.net_rules) {
    if (auto target = parse_target(rule.target); !target) {
      return std::move(target).error().wrap(rule.verdict == NetVerdict::allow ? "--allow-net"
                                                                              : "--deny-net");
    }
  }
  for (const auto& ports : policy.allow_tcp) {
    if (auto parsed = parse_ports(ports); !parsed) return std::move(parsed).error().wrap("--allow-tcp");
  }
  return success();
}

}  // namespace sandbox::net
