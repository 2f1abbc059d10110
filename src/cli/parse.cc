#include "cli/parse.h"

#include <CLI/CLI.hpp>
#include <map>

#include "cli/completion.h"
#include "cli/man.h"
#include "sandbox/options.h"
#include "sandbox/profile.h"

namespace sandbox::cli {
namespace {

constexpr const char* kFooter = R"(Exit status: the program's own; 128+N if it died of signal N; 124 when
--timeout expired; 125 when sandbox itself failed; 126 when the program
cannot be executed; 127 when it is not found inside the sandbox.

Examples:
  cat /etc/shadow | sandbox wc -l      authority handed over as a descriptor
  sandbox --ro ~/mail spamscan ~/mail  a path granted read-only
  sandbox -M ./installer.sh            private scratch $HOME and /tmp)";

std::string flag_names(const options::Option& o) {
  std::string names;
  if (!o.short_name.empty()) names += "-" + std::string(o.short_name) + ",";
  names += "--" + std::string(o.name);
  return names;
}

}  // namespace

Result<Invocation> parse(int argc, char** argv) {
  // The common launch, `sandbox COMMAND [ARG...]` with no option: the default
  // profile as it is. The option parser below is not built: making its ~100
  // options costs a launch more than anything it would parse (DESIGN §14).
  // Everything from COMMAND on is the command's, as with prefix_command().
  if (argc >= 2 && argv[1][0] != '\0' && argv[1][0] != '-') {
    auto base = profile::load("default");
    if (!base) return std::move(base).error();
    Invocation inv;
    inv.policy = std::move(*base);
    inv.command.assign(argv + 1, argv + argc);
    return inv;
  }
  CLI::App app("Run COMMAND with no ambient authority: it can use only what it is handed.",
               "sandbox");
  app.prefix_command();  // everything from COMMAND on belongs to the command
  app.footer(kFooter);
  app.set_help_flag();
  bool help = false;
  bool version = false;
  app.add_flag("-h,--help", help, "Print this help and exit.");
  app.add_flag("--version", version, "Print the version and exit.");
  // Management (DESIGN §4): actions on running sandboxes, not Policy options.
  bool list = false;
  bool json = false;
  std::string kill_label;
  app.add_flag("--list", list, "List the running sandboxes: label, profile, pid, age, command.")
      ->group("Management");
  app.add_flag("--json", json, "With --list: print JSON.")->group("Management");
  app.add_option("--kill", kill_label, "End the running sandbox LABEL and every process in it.")
      ->type_name("LABEL")
      ->group("Management");
  bool serve = false;
  unsigned pool_size = 2;
  app.add_flag("--serve", serve,
               "Serve this user's warm pool: sandboxes of the default profile made ahead of time, "
               "taken by each sandbox COMMAND of the default profile while the service runs.")
      ->group("Management");
  app.add_option("--pool-size", pool_size, "With --serve: how many warm sandboxes to keep ready (1-64).")
      ->type_name("N")
      ->group("Management");
  bool log_jobs = false;
  app.add_flag("--log-jobs", log_jobs,
               "With --serve: one line on stderr per job, taken by the pool or why it launched cold.")
      ->group("Management");

  // Profiles (DESIGN §5): the base the options apply on top of.
  std::string type;
  std::string print_profile;
  bool man = false;
  app.add_option("-t,--type", type,
                 "Start from the profile NAME (min, default, web, net, x, yours) or FILE.")
      ->type_name("NAME|FILE")
      ->group("Profiles");
  app.add_option("--print-profile", print_profile,
                 "Print the effective policy of profile NAME (with the other options) and exit.")
      ->type_name("NAME|FILE")
      ->group("Profiles");
  app.add_flag("--man", man, "Print the man page (roff) and exit.")->group("");  // hidden
  std::string completion;
  app.add_option("--completion", completion,
                 "Print the shell completion script for SHELL (bash or zsh) and exit.")
      ->type_name("SHELL");

  std::map<std::string_view, std::vector<std::string>> values;
  std::map<std::string_view, bool> flags;
  std::map<std::string_view, std::string> optional_values;
  std::map<const CLI::Option*, const options::Option*> table_of;
  for (const auto& o : options::all()) {
    CLI::Option* added = nullptr;
    if (o.kind == options::Kind::flag) {
      added = app.add_flag(flag_names(o), flags[o.name], std::string(o.help));
    } else if (o.kind == options::Kind::optional_value) {
      // --explain or --explain=json: the value only after '=', so the next
      // word stays the command's (CLI11's flag with a default value).
      added = app.add_flag(flag_names(o), optional_values[o.name], std::string(o.help));
      added->type_name("[=" + std::string(o.value_name) + "]");
    } else {
      added = app.add_option(flag_names(o), values[o.name], std::string(o.help));
      added->type_name(std::string(o.value_name));
      // One value per occurrence: the command's own words are never taken.
      if (o.kind == options::Kind::value) added->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
      added->allow_extra_args(false);  // after expected(), which turns it back on for vectors
    }
    added->group(std::string(o.group));
    table_of[added] = &o;
  }

  Invocation inv;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return Error(e.what()).with_hint("see sandbox --help");
  }
  if (help) {
    inv.action = Invocation::Action::help;
    inv.help_text = app.help();
    return inv;
  }
  if (version) {
    inv.action = Invocation::Action::version;
    return inv;
  }
  if (serve) {
    if (!app.remaining().empty()) return Error("--serve takes no command").with_hint("see sandbox --help");
    if (pool_size < 1 || pool_size > 64) return Error("--pool-size: give 1 to 64 warm sandboxes");
    inv.action = Invocation::Action::serve;
    inv.pool_size = pool_size;
    inv.log_jobs = log_jobs;
    return inv;
  }
  if (log_jobs || app.count("--pool-size") > 0) {
    return Error(std::string(log_jobs ? "--log-jobs" : "--pool-size") + " goes with --serve")
        .with_hint("sandbox --serve --pool-size N --log-jobs");
  }
  if (list || !kill_label.empty()) {
    if (!app.remaining().empty()) {
      return Error("--list and --kill take no command").with_hint("see sandbox --help");
    }
    inv.action = list ? Invocation::Action::list : Invocation::Action::kill;
    inv.json = json;
    inv.kill_label = kill_label;
    return inv;
  }

  if (man) {
    inv.action = Invocation::Action::help;
    inv.help_text = render_man(app);
    return inv;
  }
  if (!completion.empty()) {
    auto script = render_completion(app, completion);
    if (!script) return std::move(script).error();
    inv.action = Invocation::Action::help;
    inv.help_text = std::move(*script);
    return inv;
  }
  if (!print_profile.empty() && !type.empty()) {
    return Error("--print-profile and -t both name a profile").with_hint("give one of them");
  }
  auto base = profile::load(!print_profile.empty() ? print_profile : type.empty() ? "default" : type);
  if (!base) return std::move(base).error();
  inv.policy = std::move(*base);
  for (const auto& o : options::all()) {
    if (o.kind == options::Kind::flag) {
      if (flags[o.name]) {
        if (auto ok = o.apply(inv.policy, ""); !ok) return std::move(ok).error();
      }
      continue;
    }
    if (o.kind == options::Kind::list) continue;  // below, in command-line order
    if (o.kind == options::Kind::optional_value) {
      if (app.get_option("--" + std::string(o.name))->count() > 0) {
        const std::string& given = optional_values[o.name];  // CLI11 says "true" without '='
        if (auto ok = o.apply(inv.policy, given == "true" ? "" : given); !ok) return std::move(ok).error();
      }
      continue;
    }
    for (const auto& v : values[o.name]) {
      if (auto ok = o.apply(inv.policy, v); !ok) return std::move(ok).error();
    }
  }
  // Lists apply in command-line order, across options too: the order of
  // --allow-net and --deny-net is the order of the rules (first match wins).
  std::map<std::string_view, std::size_t> used;
  for (const CLI::Option* given : app.parse_order()) {
    const auto found = table_of.find(given);
    if (found == table_of.end() || found->second->kind != options::Kind::list) continue;
    const options::Option& o = *found->second;
    const auto& given_values = values[o.name];
    const std::size_t i = used[o.name]++;
    if (i >= given_values.size()) continue;
    if (auto ok = o.apply(inv.policy, given_values[i]); !ok) return std::move(ok).error();
  }
  inv.command = app.remaining();
  if (!inv.command.empty() && inv.command.front() == "--") {
    inv.command.erase(inv.command.begin());
  } else if (!inv.command.empty() && inv.command.front().size() > 1 &&
             inv.command.front()[0] == '-') {
    // CLI11 hands an unknown option over as the command: refuse it as ours.
    return Error("unknown option " + inv.command.front())
        .with_hint("see sandbox --help; a command starting with - goes after --");
  }
  if (!print_profile.empty()) {
    if (!inv.command.empty()) return Error("--print-profile takes no command");
    inv.action = Invocation::Action::help;
    inv.help_text = profile::to_toml(inv.policy);
    return inv;
  }
  if (inv.command.empty()) {
    return Error("no command given").with_hint("usage: sandbox [OPTIONS] COMMAND [ARG...]");
  }
  return inv;
}

}  // namespace sandbox::cli
