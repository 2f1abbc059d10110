// The line that points a failed program at --explain (cli/explain_run.h
// hint_explain): one text for the command and the warm pool's lean client
// (lean/client.cc), which cannot link anything.
#pragma once

namespace sandbox::cli {

inline constexpr char kExplainHint[] = "sandbox: the program failed; sandbox --explain shows what it was denied\n";

}  // namespace sandbox::cli
