// The network options, CIDR[:PORTS] parsing and the generated nftables ruleset.
#include <gtest/gtest.h>

#include "net/cidr.h"
#include "net/options.h"
#include "net/rules.h"
#include "sandbox/options.h"

namespace sandbox::net {
namespace {

TEST(NetCidr, ParsesIpv4SubnetsHostsAndPorts) {
  auto t = parse_target("10.1.2.3/8");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->family, 4);
  EXPECT_EQ(t->subnet(), "10.0.0.0/8");  // host bits cleared
  EXPECT_TRUE(t->ports.empty());

  t = parse_target("198.51.100.7:80,443,8000-8080");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->subnet(), "198.51.100.7/32");
  ASSERT_EQ(t->ports.size(), 3U);
  EXPECT_EQ(t->ports[2], (PortRange{8000, 8080}));

  t = parse_target("192.0.2.0/24:53");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->subnet(), "192.0.2.0/24");
  EXPECT_EQ(t->ports, (std::vector<PortRange>{{53, 53}}));
}

TEST(NetCidr, ParsesIpv6WithPrefixOrBrackets) {
  auto t = parse_target("2001:db8::/32:443");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->family, 6);
  EXPECT_EQ(t->subnet(), "2001:db8::/32");
  EXPECT_EQ(t->ports, (std::vector<PortRange>{{443, 443}}));

  t = parse_target("[2001:db8::1]:80-81");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->subnet(), "2001:db8::1/128");
  EXPECT_EQ(t->ports, (std::vector<PortRange>{{80, 81}}));

  t = parse_target("2001:db8::1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->subnet(), "2001:db8::1/128");
  EXPECT_TRUE(t->ports.empty());

  t = parse_target("[2001:db8:1::]/48");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->subnet(), "2001:db8:1::/48");
}

TEST(NetCidr, RefusesMalformedTargets) {
  for (const char* bad : {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8:", "10.0.0.0/8:0",
                          "10.0.0.0/8:70000", "10.0.0.0/8:90-80", "10.0.0.0/8:a", "example.com",
                          "10.0.0.256", "[2001:db8::1", "2001:db8::/129", "[2001:db8::1]x"}) {
    EXPECT_FALSE(parse_target(bad)) << bad;
  }
  EXPECT_FALSE(parse_ports("1-"));
  EXPECT_FALSE(parse_ports("1,,2"));
  ASSERT_TRUE(parse_ports("65535"));
}

Policy filtered() {
  Policy p;
  p.net = NetMode::filtered;
  return p;
}

TEST(NetRules, KeepsTheOrderOfAllowAndDenyAndEndsWithTheDefault) {
  Policy p = filtered();
  ASSERT_TRUE(apply_deny_net(p, "198.51.100.9/32"));
  ASSERT_TRUE(apply_allow_net(p, "198.51.100.0/24:80"));
  ASSERT_TRUE(apply_allow_net(p, "2001:db8::/32"));
  auto text = nft_ruleset(p);
  ASSERT_TRUE(text) << text.error().message();
  const auto deny = text->find("ip daddr 198.51.100.9/32 meta l4proto tcp reject with tcp reset");
  const auto deny_udp = text->find("ip daddr 198.51.100.9/32 reject with icmpx type admin-prohibited");
  const auto allow = text->find("ip daddr 198.51.100.0/24 meta l4proto { tcp, udp } th dport { 80 } accept");
  const auto allow6 = text->find("ip6 daddr 2001:db8::/32 accept");
  const auto fallback = text->find("    meta l4proto tcp reject with tcp reset\n");
  ASSERT_NE(deny, std::string::npos) << *text;
  ASSERT_NE(deny_udp, std::string::npos) << *text;
  ASSERT_NE(allow, std::string::npos) << *text;
  ASSERT_NE(allow6, std::string::npos) << *text;
  ASSERT_NE(fallback, std::string::npos) << *text;
  EXPECT_LT(deny, deny_udp);
  EXPECT_LT(deny_udp, allow);
  EXPECT_LT(allow, allow6);
  EXPECT_LT(allow6, fallback);
}

TEST(NetRules, RefusesSlirpsNetworkAndAllowsDnsOnlyWhenAsked) {
  Policy p = filtered();
  p.net_default = NetVerdict::allow;
  auto text = nft_ruleset(p);
  ASSERT_TRUE(text);
  EXPECT_EQ(text->find("dport 53 accept"), std::string::npos) << *text;
  EXPECT_NE(text->find("ip daddr 10.0.2.0/24 meta l4proto tcp reject with tcp reset"), std::string::npos);
  EXPECT_NE(text->find("ip6 daddr fd00::/64 reject with icmpx"), std::string::npos);
  // Default allow: no catch-all refusal at the end.
  EXPECT_EQ(text->find("\n    meta l4proto tcp reject"), std::string::npos) << *text;

  p.allow_dns = true;
  text = nft_ruleset(p);
  ASSERT_TRUE(text);
  const auto dns = text->find("ip daddr 10.0.2.3 meta l4proto { tcp, udp } th dport 53 accept");
  ASSERT_NE(dns, std::string::npos) << *text;
  EXPECT_LT(dns, text->find("ip daddr 10.0.2.0/24"));  // before the refusal of slirp's network
  EXPECT_NE(resolv_conf().find("nameserver 10.0.2.3\n"), std::string::npos);
}

TEST(NetOptions, TableEntriesParseAndValidate) {
  Policy p;
  const auto apply = [&](const char* name, const std::string& value) {
    const auto* o = options::find(name);
    EXPECT_NE(o, nullptr) << name;
    return o != nullptr ? o->apply(p, value) : Result<void>(Error("missing"));
  };
  EXPECT_TRUE(apply("net", "filtered"));
  EXPECT_FALSE(apply("net", "bridge"));
  EXPECT_TRUE(apply("allow-net", "203.0.113.0/24:443"));
  EXPECT_FALSE(apply("deny-net", "300.0.0.0/8"));
  EXPECT_TRUE(apply("net-default", "allow"));
  EXPECT_FALSE(apply("net-default", "maybe"));
  EXPECT_TRUE(apply("allow-dns", ""));
  EXPECT_TRUE(validate(p));
  EXPECT_EQ(p.net_rules.size(), 1U);
  EXPECT_EQ(p.net_default, NetVerdict::allow);

  // Options that do nothing in the chosen mode are refused, not ignored.
  EXPECT_TRUE(apply("allow-tcp", "443"));
  EXPECT_FALSE(validate(p));
  EXPECT_FALSE(apply("allow-tcp", "0"));
  Policy host;
  host.net = NetMode::host;
  host.allow_tcp = {"443", "8000-8001"};
  EXPECT_TRUE(validate(host));
  host.allow_dns = true;
  EXPECT_FALSE(validate(host));
  Policy none;
  none.net_rules.push_back({NetVerdict::allow, "10.0.0.0/8"});
  EXPECT_FALSE(validate(none));
}

}  // namespace
}  // namespace sandbox::net

// The shipped web profile: first match wins, so every private, link-local and
// loopback denial must come before the allowance of ports 80 and 443.
#include "sandbox/profile.h"

namespace sandbox::net {
namespace {

TEST(NetRules, WebProfileDeniesPrivateRangesBeforeAllowingTheWeb) {
  auto web = profile::load("web");
  ASSERT_TRUE(web) << web.error().message();
  ASSERT_EQ(web->net, NetMode::filtered);
  EXPECT_EQ(web->net_default, NetVerdict::deny);
  std::size_t first_allow = web->net_rules.size();
  std::size_t last_deny = 0;
  for (std::size_t i = 0; i < web->net_rules.size(); ++i) {
    if (web->net_rules[i].verdict == NetVerdict::allow) first_allow = std::min(first_allow, i);
    if (web->net_rules[i].verdict == NetVerdict::deny) last_deny = i;
  }
  ASSERT_LT(first_allow, web->net_rules.size());
  EXPECT_LT(last_deny, first_allow) << "an allow rule precedes a deny rule in the web profile";
  auto text = nft_ruleset(*web);
  ASSERT_TRUE(text) << text.error().message();
  EXPECT_LT(text->find("ip daddr 169.254.0.0/16"), text->find("ip daddr 0.0.0.0/0"));
}

}  // namespace
}  // namespace sandbox::net
