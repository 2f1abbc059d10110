#include "explain/classify.h"

#include <arpa/inet.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "fs/etc.h"
#include "net/cidr.h"
#include "net/rules.h"

namespace sandbox::explain {
namespace {

bool covered_by(const std::string& path, const std::string& dir) {
  if (dir == "/") return !path.empty() && path[0] == '/';
  return path == dir ||
         (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

std::string parent_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

Verdict none(std::string object, std::string cause) {
  Verdict v;
  v.object = std::move(object);
  v.cause = std::move(cause);
  return v;
}
Verdict grant(std::string object, std::string cause, std::string option, std::string value) {
  Verdict v;
  v.object = std::move(object);
  v.cause = std::move(cause);
  // A path grant of / would hand over the whole host: never offered (a
  // program that lists the view's root, e.g. from a working directory /).
  if (value == "/" && (option == "--ro" || option == "--rw" || option == "--exec")) {
    v.cause += "; a grant of / would be the whole host: grant what the program needs beneath it";
    return v;
  }
  v.grants.push_back({std::move(option), std::move(value)});
  return v;
}

// Creating, removing or renaming an entry: what needs its directory.
bool entry_op(Op op) { return op == Op::create || op == Op::remove || op == Op::rename; }

// The grant that covers path, the longest.
const PathGrant* grant_over(const Plan& plan, const std::string& path) {
  const PathGrant* best = nullptr;
  for (const auto& g : plan.grants) {
    if (covered_by(path, g.path) && (best == nullptr || g.path.size() > best->path.size())) best = &g;
  }
  return best;
}

bool under_system_tree(const Plan& plan, const std::string& path) {
  return std::any_of(plan.system_trees.begin(), plan.system_trees.end(),
                     [&](const std::string& t) { return covered_by(path, t); });
}

// The sandbox's own scratch places: writable only with -M, -H or -T.
bool in_scratch_place(const Plan& plan, const std::string& path) {
  return covered_by(path, "/tmp") || covered_by(path, "/var/tmp") ||
         (!plan.home.empty() && plan.home != "/" && covered_by(path, plan.home));
}

bool is_etc_secret(const std::string& path, const Host& host) {
  for (const char* entry : fs::hidden_etc_entries()) {
    if (covered_by(path, entry)) return true;
  }
  return host.exists(path) && !host.world_readable(path);
}

bool is_loopback(const Attempt& a) {
  return (a.family == AF_INET && a.address.rfind("127.", 0) == 0) ||
         (a.family == AF_INET6 && (a.address == "::1" || a.address.rfind("::ffff:127.", 0) == 0));
}

// The first --allow-net/--deny-net rule that matches, else the default.
NetVerdict filtered_verdict(const Plan& plan, const Attempt& a) {
  std::array<std::uint8_t, 16> addr{};
  const int family = a.family == AF_INET6 ? 6 : 4;
  if (::inet_pton(family == 6 ? AF_INET6 : AF_INET, a.address.c_str(), addr.data()) != 1) {
    return plan.net_default;
  }
  for (const auto& rule : plan.net_rules) {
    auto target = net::parse_target(rule.target);
    if (!target || target->family != family) continue;
    bool match = true;
    for (int bit = 0; bit < target->prefix && match; ++bit) {
      const int byte = bit / 8;
      const auto mask = static_cast<std::uint8_t>(0x80U >> (bit % 8));
      match = (addr[byte] & mask) == (target->address[byte] & mask);
    }
    if (!match) continue;
    if (!target->ports.empty()) {
      match = std::any_of(target->ports.begin(), target->ports.end(),
                          [&](const net::PortRange& r) { return a.port >= r.first && a.port <= r.last; });
    }
    if (match) return rule.verdict;
  }
  return plan.net_default;
}

std::string signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev : std::to_string(sig);
}

std::string host_rule(const Attempt& a) {
  return (a.family == AF_INET6 ? "[" + a.address + "]/128" : a.address + "/32") + ":" + std::to_string(a.port);
}

std::optional<Verdict> classify_net(const Attempt& a, const Plan& plan, const Host& host) {
  if (a.family == AF_UNIX) {
    if (!a.address.empty() && a.address[0] == '@') {
      if (a.err == EPERM) {
        return none("unix " + a.address, "abstract unix sockets are scoped to the sandbox (Landlock): no option grants this");
      }
      // In a network namespace of its own the host's abstract names are
      // not there at all; --net=host would show them, and the scope deny.
      if (a.err == ECONNREFUSED && host.listens_abstract && host.listens_abstract(a.address.substr(1))) {
        return none("unix " + a.address,
                    "the host listens there, but abstract unix sockets belong to the network namespace and are "
                    "scoped to the sandbox (Landlock): no option grants this");
      }
      return std::nullopt;
    }
    if ((a.err == ENOENT || a.err == ECONNREFUSED) && !a.address.empty() && host.exists(a.address)) {
      return grant("unix " + a.address, "the socket exists outside, not in the view", "--ro", a.address);
    }
    return std::nullopt;
  }
  if (a.family != AF_INET && a.family != AF_INET6) return std::nullopt;
  const std::string proto = a.udp ? "udp" : "tcp";
  const std::string object = proto + " " + (a.family == AF_INET6 ? "[" + a.address + "]" : a.address) + ":" +
                             std::to_string(a.port);
  if (plan.net == NetMode::filtered && !is_loopback(a)) {  // lo is never screened
    if (a.err == 0 && !a.udp) return std::nullopt;
    const bool resolver = a.family == AF_INET && a.address == net::kSlirpResolver4 && a.port == 53;
    if (resolver && plan.allow_dns) return std::nullopt;
    if (resolver) return grant(object, "DNS goes through slirp4netns's forwarder only when allowed", "--allow-dns", "");
    if (a.family == AF_INET && a.address.rfind("10.0.2.", 0) == 0) {
      return none(object, "slirp4netns's own network stands for the host: never reachable");
    }
    // A non-blocking connect (EINPROGRESS) learns of the reset later, from
    // poll and SO_ERROR: the rule table says now whether it will come.
    const bool pending = a.err == EINPROGRESS && !a.udp && a.op == Op::connect;
    if (a.err != 0 && a.err != ECONNREFUSED && a.err != EACCES && a.err != EPERM && !pending) return std::nullopt;
    if (filtered_verdict(plan, a) == NetVerdict::allow) return std::nullopt;
    const char* cause = pending               ? "the filter resets it; the non-blocking connect sees ECONNREFUSED "
                                                "when it checks the socket"
                        : !a.udp              ? "the filter resets it"
                        : a.op == Op::connect ? "the filter drops what is sent there; the connect itself works"
                                              : "the filter drops it";
    return grant(object, cause, "--allow-net", host_rule(a));
  }
  if (a.err == EACCES && !a.udp) {
    return grant(object, "the port is not granted", "--allow-tcp", std::to_string(a.port));
  }
  if (a.err == ECONNREFUSED && !a.udp && is_loopback(a) && plan.net != NetMode::host &&
      host.listens_tcp(a.port)) {
    Verdict v = grant(object, "the host listens there; the sandbox has its own loopback", "--net", "host");
    v.grants.push_back({"--allow-tcp", std::to_string(a.port)});
    return v;
  }
  if ((a.err == ENETUNREACH || a.err == EHOSTUNREACH) && plan.net == NetMode::none && !is_loopback(a)) {
    Verdict v = grant(object, "the sandbox has no network", "--net", "filtered");
    v.grants.push_back({"--allow-net", host_rule(a)});
    return v;
  }
  return std::nullopt;
}

std::optional<Verdict> classify_denied_call(const Attempt& a, const Plan& plan) {
  if (a.op == Op::socket && (a.family == AF_INET || a.family == AF_INET6)) {
    if ((a.flags & 0xf) == SOCK_DGRAM) {
      Verdict v = grant("udp socket", "UDP is refused with --net=host", "--allow-udp", "");
      if (plan.net != NetMode::host) v.cause = "UDP is refused without a network namespace";
      return v;
    }
    return none("raw socket", "raw sockets are never granted");
  }
  if (a.op == Op::socket) return none("packet socket", "packet sockets are never granted");
  return none(a.syscall, "a system call of the deny list (DESIGN §7): no option grants this");
}

// A denial in the directory the program started in because the caller's
// working directory is not in the view (make, git, ls in a project): what it
// reached by a relative path it meant in the working directory, so the grant
// is that directory, as the notice's --ro . or --rw . (the one place where
// the option names more than the object touched: the relative path named it).
std::optional<Verdict> classify_started_elsewhere(const Attempt& a, const Plan& plan, const Host& host) {
  const std::string& path = a.path;
  if (plan.outside_cwd.empty() || plan.home.empty() || !covered_by(path, plan.home)) return std::nullopt;
  if (a.err != EACCES && a.err != ENOENT && a.err != EROFS) return std::nullopt;
  const std::string meant = plan.outside_cwd + path.substr(plan.home.size());
  const bool entry = entry_op(a.op);
  if (!host.exists(meant) && !(entry && host.exists(parent_of(meant)))) return std::nullopt;
  const bool write = entry || a.op == Op::write;
  return grant(path, "the working directory " + plan.outside_cwd + " is not in the view: the program started in " +
                         plan.home + " and meant " + meant,
               a.op == Op::exec ? "--exec" : (write ? "--rw" : "--ro"), plan.outside_cwd);
}

std::optional<Verdict> classify_path(const Attempt& a, const Plan& plan, const Host& host) {
  const std::string& path = a.path;
  if (path.empty() || path[0] != '/') return std::nullopt;
  if (covered_by(path, "/proc") || covered_by(path, "/dev")) return std::nullopt;  // the sandbox's own
  if (auto v = classify_started_elsewhere(a, plan, host)) return v;
  const bool entry = entry_op(a.op);
  const std::string dir = parent_of(path);
  if (a.err == ENOENT) {
    if (host.exists(path)) {
      Verdict v = grant(path, "exists outside, not in the view", "--ro", path);
      if (a.op == Op::exec) v.grants[0].option = "--exec";
      if (a.op == Op::write) v.grants[0].option = "--rw";
      if (entry) v.grants[0] = {"--rw", dir};
      v.probe = a.op == Op::stat;
      return v;
    }
    if (a.op == Op::create && host.exists(dir)) {
      return grant(path, dir + " exists outside, not in the view", "--rw", dir);
    }
    return std::nullopt;  // not on the host either: not a denial
  }
  if (a.err == EACCES) {
    if (covered_by(path, "/etc")) {
      if (is_etc_secret(path, host)) {
        Verdict v = none(path, "a secret of the host: no option grants it");
        v.sensitive = true;
        return v;
      }
      if (a.op == Op::read || a.op == Op::stat) return grant(path, "hidden in /etc by the profile", "--ro", path);
      return none(path, "/etc is read-only");
    }
    if (covered_by(path, "/sys")) return none(path, "the host's /sys is not in the view");
    if (a.op == Op::exec) {
      if (!host.permits(path, X_OK)) return none(path, "file permissions: the caller cannot execute it either");
      return grant(path, "not granted for execution", "--exec", path);
    }
    const bool scratch_root = path == "/tmp" || path == "/var/tmp" || path == plan.home;
    if ((a.op == Op::read || a.op == Op::stat) && scratch_root && !plan.scratch) {
      return grant(path, "the sandbox's own, empty and closed without a scratch", "-M", "");  // never the host's
    }
    if (a.op == Op::read || a.op == Op::stat) {
      if (host.exists(path) && !host.permits(path, R_OK)) return none(path, "file permissions: the caller cannot read it either");
      if (!host.exists(path)) return std::nullopt;
      return grant(path, "in the view, not granted", "--ro", path);
    }
    if (!plan.scratch && in_scratch_place(plan, path) && !grant_over(plan, path)) {
      return grant(path, "$HOME and /tmp are not writable without a scratch (or -H DIR, -T DIR)", "-M", "");
    }
    const std::string& target = entry ? dir : path;
    if (host.exists(target) && !host.permits(target, W_OK)) {
      return none(path, "file permissions: the caller cannot write there either");
    }
    if (!host.exists(target)) return std::nullopt;
    return grant(path, "not granted for writing", "--rw", target);
  }
  if (a.err == EROFS) {
    const PathGrant* g = grant_over(plan, path);
    if (g != nullptr && g->access != Access::read_write) {
      return grant(path, "under the read-only grant " + g->path, "--rw", entry ? dir : path);
    }
    if (under_system_tree(plan, path) || covered_by(path, "/etc")) {
      return none(path, "the system trees are read-only: no option grants this");
    }
    return none(path, "the view's root is read-only: no option grants this");
  }
  return std::nullopt;
}

}  // namespace

Plan Plan::of(const Policy& policy, const std::string& home, const std::string& cwd) {
  Plan plan;
  plan.grants = policy.grants;
  plan.system_trees = policy.system_trees;
  plan.bind_etc = policy.bind_etc;
  plan.scratch = policy.private_scratch || !policy.homedir.empty() || !policy.tmpdir.empty();
  plan.home = home;
  plan.net = policy.net;
  plan.allow_tcp = policy.allow_tcp;
  plan.allow_udp = policy.allow_udp;
  plan.net_rules = policy.net_rules;
  plan.net_default = policy.net_default;
  plan.allow_dns = policy.allow_dns;
  plan.pids = policy.limits.pids.value_or(0);
  // The working directory is in the view when a grant or a system tree
  // holds it (the launch then starts there; launch/notices.cc says the rest).
  const bool cwd_inside = cwd.empty() || cwd == "/" || under_system_tree(plan, cwd) ||
                          (plan.bind_etc && covered_by(cwd, "/etc")) || grant_over(plan, cwd) != nullptr;
  if (!cwd_inside && cwd != home) plan.outside_cwd = cwd;
  return plan;
}

Host Host::real() {
  Host host;
  host.exists = [](const std::string& p) {
    struct stat st {};
    return ::lstat(p.c_str(), &st) == 0;
  };
  host.permits = [](const std::string& p, int mode) { return ::access(p.c_str(), mode) == 0; };
  host.world_readable = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0;
  };
  host.listens_tcp = [](unsigned port) {
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
      std::ifstream in(table);
      std::string line;
      std::getline(in, line);
      while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state;
        fields >> slot >> local >> remote >> state;
        const std::size_t colon = local.rfind(':');
        if (state != "0A" || colon == std::string::npos) continue;  // 0A: LISTEN
        if (std::stoul(local.substr(colon + 1), nullptr, 16) == port) return true;
      }
    }
    return false;
  };
  host.listens_abstract = [](const std::string& name) {
    // /proc/net/unix: "Num RefCount Protocol Flags Type St Inode Path";
    // Flags 00010000 is __SO_ACCEPTCON (listening), an abstract Path is @name.
    std::ifstream in("/proc/net/unix");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, refs, protocol, flags, type, state, inode, path;
      fields >> slot >> refs >> protocol >> flags >> type >> state >> inode;
      std::getline(fields >> std::ws, path);
      if (flags == "00010000" && path == "@" + name) return true;
    }
    return false;
  };
  return host;
}

bool is_sensitive(const std::string& path, const std::string& home) {
  static constexpr const char* kSecrets[] = {"/.ssh", "/.gnupg", "/.netrc", "/.pgpass", "/keyrings",
                                             "/.aws", "/.docker/config.json", "/.kube", "/.password-store",
                                             "/.config/gcloud", "/.git-credentials"};
  (void)home;
  for (const char* secret : kSecrets) {
    const std::size_t at = path.find(secret);
    if (at == std::string::npos) continue;
    const std::size_t end = at + std::strlen(secret);
    if (end == path.size() || path[end] == '/') return true;
  }
  return false;
}

std::optional<Verdict> classify(const Attempt& a, const Plan& plan, const Host& host) {
  std::optional<Verdict> v;
  if (a.denied_call) {
    v = classify_denied_call(a, plan);
  } else {
    switch (a.op) {
      case Op::signal:
        if (a.err != EPERM) return std::nullopt;
        v = none(signal_name(a.signal) + " to pid " + std::to_string(a.target),
                 a.target == 1 ? "pid 1 is the sandbox's init: no option grants this"
                               : "signals reach only the sandbox's own processes: no option grants this");
        break;
      case Op::fork:
        if (a.err != EAGAIN || plan.pids == 0) return std::nullopt;
        v = grant("a new process", "the process limit (--pids " + std::to_string(plan.pids) + ") is reached", "--pids",
                  std::to_string(plan.pids * 2));
        break;
      case Op::connect:
      case Op::bind:
      case Op::send:
        v = classify_net(a, plan, host);
        break;
      case Op::socket:
      case Op::syscall:
        return std::nullopt;
      default:
        v = classify_path(a, plan, host);
    }
  }
  if (v && !v->sensitive) {
    v->sensitive = is_sensitive(a.path, plan.home) ||
                   std::any_of(v->grants.begin(), v->grants.end(),
                               [&](const Grant& g) { return is_sensitive(g.value, plan.home); });
  }
  return v;
}

}  // namespace sandbox::explain
