// The title of Xephyr's window on the caller's desktop: it says plainly
// that this is a sandbox, names the program and the documents given on its
// command line, and ends with the label (the user tells two sandboxes
// apart by it; `sandbox --kill LABEL` takes it).
#pragma once

#include <string>
#include <vector>

namespace sandbox::x11 {

// "sandbox: evince report.pdf (sandbox_x_t:s0:c12,c345)". A document is an
// argument that names an existing file or directory (relative ones from
// cwd); at most three are named, by their last component. Control
// characters become '?', and the whole stays under 200 bytes.
std::string window_title(const std::string& label, const std::vector<std::string>& argv,
                         const std::string& cwd);

}  // namespace sandbox::x11
