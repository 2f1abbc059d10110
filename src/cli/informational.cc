#include "cli/informational.h"

#include <iostream>

#include "limits/resources.h"

namespace sandbox::cli {

void print_informational(const Child& child) {
  if (const auto limits = limits::describe(child.limits()); !limits.empty()) {
    std::cerr << "sandbox: limits: " << limits << '\n';
  }
  for (const auto& skipped : child.skipped()) {
    std::cerr << "sandbox: --best-effort: running without " << skipped << '\n';
  }
  for (const auto& notice : child.notices()) std::cerr << "sandbox: " << notice << '\n';
}

}  // namespace sandbox::cli
