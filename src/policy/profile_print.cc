// --print-profile: a policy spelled out as a profile, every key explicit.
#include <sstream>
// toml++'s debug assertions off in every build, as in release builds: its
// parser asserts on some bad keys that it then reports as errors anyway.
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>

#include "sandbox/profile.h"

namespace sandbox::profile {
namespace {

toml::array strings(const std::vector<std::string>& values) {
  toml::array array;
  for (const auto& v : values) array.push_back(v);
  return array;
}

std::vector<std::string> grants_of(const Policy& policy, Access access) {
  std::vector<std::string> paths;
  for (const auto& grant : policy.grants) {
    if (grant.access == access) paths.push_back(grant.path);
  }
  return paths;
}

}  // namespace

std::string to_toml(const Policy& policy) {
  // One key per line, in the order they apply (first-match-wins rules
  // depend on it); toml++ formats each value.
  std::ostringstream out;
  out << "# The effective policy of the profile '" << policy.profile << "'.\n";
  const auto put = [&](std::string_view key, toml::node&& value) {
    toml::table one;
    one.insert(key, std::move(value));
    out << toml::toml_formatter(one, toml::toml_formatter::default_flags &
                                         ~toml::format_flags::allow_literal_strings &
                                         ~toml::format_flags::allow_unicode_strings &
                                         ~toml::format_flags::allow_multi_line_strings &
                                         ~toml::format_flags::indentation)
        << '\n';
  };
  const auto list = [&](std::string_view key, const std::vector<std::string>& values) {
    if (!values.empty()) put(key, strings(values));
  };
  const auto flag = [&](std::string_view key, bool on) {
    if (on) put(key, toml::value<bool>(true));
  };
  const auto value = [&](std::string_view key, const std::string& v) {
    if (!v.empty()) put(key, toml::value<std::string>(v));
  };
  // Profile-only keys. Every key is spelled out, so it starts from nothing
  // rather than extending default.
  put("include-profiles", toml::array{});
  value("type", policy.type);
  list("system-trees", policy.system_trees);
  flag("etc-readable", policy.bind_etc);
  list("etc-hidden", policy.bind_etc ? policy.etc_hidden : std::vector<std::string>{});
  // The options, by their long names.
  list("ro", grants_of(policy, Access::read));
  list("rw", grants_of(policy, Access::read_write));
  list("exec", grants_of(policy, Access::execute));
  flag("refuse-symlinks", policy.refuse_symlinks);
  if (!policy.fds.empty()) {
    toml::array fds;
    for (int fd : policy.fds) fds.push_back(fd);
    put("fd", std::move(fds));
  }
  flag("mount", policy.private_scratch);
  flag("scratch-exec", policy.scratch_exec);
  value("homedir", policy.homedir);
  value("tmpdir", policy.tmpdir);
  list("include", policy.include_files);
  list("includefile", policy.include_lists);
  flag("shred", policy.shred);
  flag("static-only", policy.static_only);
  list("setenv", policy.setenv);
  list("keep-env", policy.keep_env);
  value("level", policy.label);
  if (policy.hostname != "sandbox") value("hostname", policy.hostname);
  value("net", net_mode_name(policy.net));
  list("allow-tcp", policy.allow_tcp);
  flag("allow-udp", policy.allow_udp);
  // Rules keep their order as long as each verdict forms one run.
  std::vector<std::pair<NetVerdict, std::vector<std::string>>> runs;
  for (const auto& rule : policy.net_rules) {
    if (runs.empty() || runs.back().first != rule.verdict) runs.push_back({rule.verdict, {}});
    runs.back().second.push_back(rule.target);
  }
  if (runs.size() > 2) out << "# the allow-net and deny-net rules interleave; the order below differs\n";
  for (const auto verdict : {runs.empty() ? NetVerdict::deny : runs.front().first,
                             runs.empty() || runs.front().first == NetVerdict::deny ? NetVerdict::allow
                                                                                    : NetVerdict::deny}) {
    std::vector<std::string> targets;
    for (const auto& run : runs) {
      if (run.first == verdict) targets.insert(targets.end(), run.second.begin(), run.second.end());
    }
    list(verdict == NetVerdict::allow ? "allow-net" : "deny-net", targets);
  }
  if (policy.net == NetMode::filtered) {
    value("net-default", policy.net_default == NetVerdict::allow ? "allow" : "deny");
  }
  flag("allow-dns", policy.allow_dns);
  flag("x11", policy.x11.enabled);
  if (policy.x11.enabled) {
    value("window-manager", policy.x11.window_manager);
    value("window-size", std::to_string(policy.x11.width) + "x" + std::to_string(policy.x11.height));
    value("dpi", std::to_string(policy.x11.dpi));
  }
  if (policy.timeout_seconds != 0) value("timeout", std::to_string(policy.timeout_seconds));
  flag("wait-all", policy.wait_all);
  flag("pty", policy.pty == PtyMode::always);
  flag("no-pty", policy.pty == PtyMode::never);
  if (policy.limits.memory_bytes) value("memory", std::to_string(*policy.limits.memory_bytes));
  if (policy.limits.pids) value("pids", std::to_string(*policy.limits.pids));
  if (policy.limits.cpus) {
    std::ostringstream cpus;
    cpus << *policy.limits.cpus;
    value("cpus", cpus.str());
  }
  std::vector<std::string> rlimits;
  for (const auto& r : policy.limits.rlimits) {
    rlimits.push_back(r.name + "=" + (r.value == kRlimitUnlimited ? "unlimited" : std::to_string(r.value)));
  }
  list("rlimit", rlimits);
  value("report", policy.report_path);
  if (policy.report_fd >= 0) value("report-fd", std::to_string(policy.report_fd));
  value("report-append", policy.report_append);
  flag("timing", policy.timing);
  flag("quiet", policy.quiet);
  if (policy.explain != ExplainMode::off) value("explain", policy.explain == ExplainMode::json ? "json" : "text");
  value("learn", policy.learn_path);
  if (policy.learn_runs != 8) value("learn-runs", std::to_string(policy.learn_runs));
  value("seccomp", policy.seccomp == SeccompMode::log ? "log" : "enforce");
  flag("allow-ptrace", policy.allow_ptrace);
  flag("best-effort", policy.best_effort);
  return out.str();
}

}  // namespace sandbox::profile
