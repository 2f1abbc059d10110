// Parsing CIDR[:PORTS] targets and port lists.
#include "net/cidr.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace sandbox::net {
namespace {

Result<std::uint16_t> parse_port(const std::string& text, const std::string& whole) {
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value == 0 ||
      value > 65535) {
    return Error("'" + whole + "': '" + text + "' is not a port (1-65535)");
  }
  return static_cast<std::uint16_t>(value);
}

Result<int> parse_prefix(const std::string& text, int max, const std::string& whole) {
  int value = -1;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < 0 ||
      value > max) {
    return Error("'" + whole + "': '" + text + "' is not a prefix length (0-" +
                 std::to_string(max) + ")");
  }
  return value;
}

void clear_host_bits(Target& t) {
  const int bits = t.family == 4 ? 32 : 128;
  for (int bit = t.prefix; bit < bits; ++bit) {
    t.address[static_cast<std::size_t>(bit / 8)] &= static_cast<std::uint8_t>(~(0x80U >> (bit % 8)));
  }
}

}  // namespace

std::string Target::subnet() const {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(family == 4 ? AF_INET : AF_INET6, address.data(), text, sizeof(text));
  return std::string(text) + "/" + std::to_string(prefix);
}

Result<std::vector<PortRange>> parse_ports(const std::string& text) {
  std::vector<PortRange> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t dash = item.find('-');
    auto first = parse_port(item.substr(0, dash), text);
    if (!first) return std::move(first).error();
    PortRange range{*first, *first};
    if (dash != std::string::npos) {
      auto last = parse_port(item.substr(dash + 1), text);
      if (!last) return std::move(last).error();
      if (*last < *first) return Error("'" + text + "': the range " + item + " is reversed");
      range.last = *last;
    }
    out.push_back(range);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<Target> parse_target(const std::string& text) {
  std::string address, prefix, ports;
  std::string rest = text;
  if (!rest.empty() && rest[0] == '[') {  // [v6] or [v6/len]
    const std::size_t close = rest.find(']');
    if (close == std::string::npos) return Error("'" + text + "': missing ']'");
    address = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (const std::size_t slash = address.find('/'); slash != std::string::npos) {
      prefix = address.substr(slash + 1);
      address.resize(slash);
    }
    if (!rest.empty() && rest[0] == '/') {
      const std::size_t colon = rest.find(':');
      prefix = rest.substr(1, colon == std::string::npos ? std::string::npos : colon - 1);
      rest = colon == std::string::npos ? std::string() : rest.substr(colon);
    }
    if (!rest.empty()) {
      if (rest[0] != ':') return Error("'" + text + "': expected :PORTS after ']'");
      ports = rest.substr(1);
    }
  } else if (const std::size_t slash = rest.find('/'); slash != std::string::npos) {
    address = rest.substr(0, slash);
    const std::string after = rest.substr(slash + 1);
    const std::size_t colon = after.find(':');
    prefix = after.substr(0, colon);
    if (colon != std::string::npos) ports = after.substr(colon + 1);
  } else if (std::count(rest.begin(), rest.end(), ':') == 1) {  // IPv4 with a port
    const std::size_t colon = rest.find(':');
    address = rest.substr(0, colon);
    ports = rest.substr(colon + 1);
  } else {
    address = rest;
  }

  Target target;
  if (::inet_pton(AF_INET, address.c_str(), target.address.data()) == 1) {
    target.family = 4;
  } else if (::inet_pton(AF_INET6, address.c_str(), target.address.data()) == 1) {
    target.family = 6;
  } else {
    return Error("'" + text + "': '" + address + "' is not an IPv4 or IPv6 address")
        .with_hint("write CIDR[:PORTS], e.g. 10.0.0.0/8, 192.0.2.1:443 or [2001:db8::1]:443");
  }
  const int max = target.family == 4 ? 32 : 128;
  target.prefix = max;
  if (!prefix.empty() || text.find('/') != std::string::npos) {
    auto length = parse_prefix(prefix, max, text);
    if (!length) return std::move(length).error();
    target.prefix = *length;
  }
  clear_host_bits(target);
  if (!ports.empty() || (!text.empty() && text.back() == ':')) {
    auto parsed = parse_ports(ports);
    if (!parsed) return std::move(parsed).error();
    target.ports = std::move(*parsed);
  }
  return target;
}

}  // namespace sandbox::net
