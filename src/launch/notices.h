// Notices (issue 13 item 6): what the user cannot see from outside, said
// once, one line each, only when it applies. Computed in the plan as data;
// the CLI prints them (unless -q) and a library caller reads
// Child::notices().
//
//   - the working directory is not inside the view, the command line names
//     paths relative to it, and the program starts elsewhere;
//   - the command's #! interpreter is not inside (then the exec error names
//     it; through /usr/bin/env, a notice);
//   - a bare command name finds a different file inside than outside.
#pragma once

#include <string>
#include <vector>

#include "fs/view.h"
#include "sandbox/policy.h"

namespace sandbox::launch {

struct NoticeInputs {
  const Policy& policy;
  const std::vector<std::string>& argv;
  const std::string& cwd;        // the caller's working directory (canonical)
  const std::string& home;       // the sandbox's $HOME
  const std::string& inside_path;  // PATH inside the sandbox
  // The caller's PATH (Command::env), for what the caller would run outside;
  // "" when it has none. Never this process's: the pool plans for a client.
  const std::string& caller_path;
  // Where execve will look, in order (LaunchPlan::exec_candidates: system-tree
  // paths missing on the host already dropped; a path command's real file).
  const std::vector<std::string>& exec_candidates;
  const std::vector<fs::Bind>& binds;  // the granted binds, the command's included
  const fs::ViewPlan& view;
};

struct Notices {
  std::vector<std::string> lines;
  // The command's #! interpreter is not inside: execve will fail with
  // ENOENT, and this, not "not found", is the error the user sees.
  std::string missing_interpreter;  // "its #! interpreter /x is not inside the sandbox (...)"
};

Notices plan_notices(const NoticeInputs& in);

// Whether the view holds the directory path (bound, created, or on the way
// to something bound), as planned.
bool directory_in_view(const fs::ViewPlan& view, const std::string& path);

}  // namespace sandbox::launch
