// Lexical path normalisation for what the caller configures ($HOME, -H, -T):
// the supervisor normalises before it plans, so the child never sees `..`,
// `.` or `//` in a path it makes inside the view (DESIGN §10).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sandbox::util {

// "/../../x//y/./" -> "/x/y": no empty, "." or ".." component and no
// trailing slash; ".." at the root stays at the root. Without a leading
// '/' the path is not absolute: nullopt.
std::optional<std::string> normalize_absolute(std::string_view path);

}  // namespace sandbox::util
