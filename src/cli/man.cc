#include "cli/man.h"

#include <sstream>
#include <vector>

#include "sandbox/profile.h"

namespace sandbox::cli {
namespace {

// roff: backslashes and hyphens escaped, no line may start with '.' or '\''.
std::string roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (const char ch : text) {
    if (line_start && (ch == '.' || ch == '\'')) out += "\\&";
    if (ch == '\\') out += "\\e";
    else if (ch == '-') out += "\\-";
    else out += ch;
    line_start = ch == '\n';
  }
  return out;
}

std::string option_names(const CLI::Option& option) {
  std::string names;
  for (const auto& s : option.get_snames()) names += (names.empty() ? "" : ", ") + ("\\-" + s);
  for (const auto& l : option.get_lnames()) names += (names.empty() ? "" : ", ") + ("\\-\\-" + roff(l));
  return names;
}

constexpr const char* kProfiles =
    R"(A profile is a TOML file whose keys are the long options: --ro /x is ro = ["/x"],
--mount is mount = true, --seccomp log is seccomp = "log". Options given on the command line
apply on top of the profile chosen with -t. Keys apply in the order written (allow-net and
deny-net rules are first-match-wins), lists append, values replace. Errors name the file, the
line and the key. Strings are ASCII: write other characters as \uXXXX escapes. These keys
exist only in profiles:)";

constexpr const char* kProfileFiles =
    R"(-t NAME looks for NAME.toml, first match wins, in $XDG_CONFIG_HOME/sandbox/profiles
(default ~/.config/sandbox/profiles), /etc/sandbox/profiles, and BINDIR/../share/sandbox/profiles
relative to the sandbox binary, where min, default, web, net and x are installed (so a relocated
install finds them too). -t FILE (a path with a '/' or ending in .toml) reads that file. A profile
without include-profiles extends default; include-profiles = [] starts from nothing. Shell
completion: sandbox --completion bash|zsh, installed in share/bash-completion/completions and
share/zsh/vendor-completions.)";

}  // namespace

std::string render_man(const CLI::App& app) {
  std::ostringstream out;
  out << ".TH SANDBOX 1 \"\" \"sandbox\" \"User Commands\"\n"
      << ".SH NAME\nsandbox \\- run a program with no ambient authority\n"
      << ".SH SYNOPSIS\n.B sandbox\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARG\\fR...]\n"
      << ".SH DESCRIPTION\n" << roff(app.get_description()) << "\n";
  out << ".SH OPTIONS\n";
  std::vector<std::string> groups;
  for (const CLI::Option* option : app.get_options()) {
    const std::string& group = option->get_group();
    if (group.empty()) continue;  // hidden
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
  }
  for (const auto& group : groups) {
    out << ".SS " << roff(group) << "\n";
    for (const CLI::Option* option : app.get_options()) {
      if (option->get_group() != group) continue;
      out << ".TP\n.B " << option_names(*option);
      if (option->get_expected_min() > 0 && !option->get_type_name().empty()) {
        out << " \\fI" << roff(option->get_type_name()) << "\\fR";
      }
      out << "\n" << roff(option->get_description()) << "\n";
    }
  }
  out << ".SH PROFILES\n" << roff(kProfiles) << "\n";
  for (const auto& key : profile::profile_keys()) {
    out << ".TP\n.B " << roff(key.name) << " = \\fI" << roff(key.value_name) << "\\fR\n"
        << roff(key.help) << "\n";
  }
  out << ".SH FILES\n" << roff(kProfileFiles) << "\n";
  out << ".SH EXIT STATUS AND EXAMPLES\n.nf\n" << roff(app.get_footer()) << "\n.fi\n";
  out << ".SH SEE ALSO\nDESIGN.md in the source tree.\n";
  return out.str();
}

}  // namespace sandbox::cli
