// Pipes named by the command's arguments (DESIGN §2.3): `diff <(a) <(b)`
// passes /dev/fd/63; naming a pipe or FIFO open in the caller hands it over,
// exactly like --fd N. A regular file, directory or socket named that way is
// never pulled in by an argument's text.
#pragma once

#include <string>
#include <vector>

namespace sandbox::handover {

// The descriptor numbers (>= 3) of every argument that is exactly
// /dev/fd/N or /proc/self/fd/N of a pipe or FIFO open here.
std::vector<int> pipes_named_by(const std::vector<std::string>& argv);

}  // namespace sandbox::handover
