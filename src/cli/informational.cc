#include "cli/informational.h"

#include <iostream>

namespace sandbox::cli {

void print_informational(const Child& child) {
  std::cerr << informational_lines(child.limits(), child.skipped(), child.notices());
}

}  // namespace sandbox::cli
