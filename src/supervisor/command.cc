// Command::from_this_process: the opt-in to the calling process's state.
#include <unistd.h>

#include <climits>

#include "sandbox/command.h"
#include "util/env.h"

namespace sandbox {

Command Command::from_this_process(std::vector<std::string> argv) {
  Command command;
  command.argv = std::move(argv);
  command.env = util::this_environment();
  char buf[PATH_MAX];
  if (::getcwd(buf, sizeof(buf)) != nullptr) command.cwd = buf;
  return command;
}

}  // namespace sandbox
