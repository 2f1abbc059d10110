#include "cli/parse.h"

#include <CLI/CLI.hpp>
#include <map>

#include "policy/options.h"

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
  CLI::App app("Run COMMAND with no ambient authority: it can use only what it is handed.",
               "sandbox");
  app.prefix_command();  // everything from COMMAND on belongs to the command
  app.footer(kFooter);
  app.set_help_flag();
  bool help = false;
  bool version = false;
  app.add_flag("-h,--help", help, "Print this help and exit.");
  app.add_flag("--version", version, "Print the version and exit.");

  std::map<std::string_view, std::vector<std::string>> values;
  std::map<std::string_view, bool> flags;
  for (const auto& o : options::all()) {
    CLI::Option* added = nullptr;
    if (o.kind == options::Kind::flag) {
      added = app.add_flag(flag_names(o), flags[o.name], std::string(o.help));
    } else {
      added = app.add_option(flag_names(o), values[o.name], std::string(o.help));
      added->type_name(std::string(o.value_name));
      if (o.kind == options::Kind::value) added->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
      else added->allow_extra_args(false);
    }
    added->group(std::string(o.group));
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

  inv.policy = Policy::default_profile();
  for (const auto& o : options::all()) {
    if (o.kind == options::Kind::flag) {
      if (flags[o.name]) {
        if (auto ok = o.apply(inv.policy, ""); !ok) return std::move(ok).error();
      }
      continue;
    }
    for (const auto& v : values[o.name]) {
      if (auto ok = o.apply(inv.policy, v); !ok) return std::move(ok).error();
    }
  }
  inv.command = app.remaining();
  if (!inv.command.empty() && inv.command.front() == "--") inv.command.erase(inv.command.begin());
  if (inv.command.empty()) {
    return Error("no command given").with_hint("usage: sandbox [OPTIONS] COMMAND [ARG...]");
  }
  return inv;
}

}  // namespace sandbox::cli
