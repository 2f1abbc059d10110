// Parsing and printing of limit values: --memory 64M, --pids 40,
// --cpus 0.5, --rlimit NOFILE=256.
#pragma once

#include <cstdint>
#include <string>

#include "sandbox/error.h"
#include "sandbox/limits.h"

namespace sandbox::limits {

// "64M", "1.5G", "4096", "512k" (binary units, case-insensitive, optional
// "B"/"iB" suffix). At least one page.
Result<std::uint64_t> parse_size(const std::string& text);
// A positive process count.
Result<std::uint64_t> parse_pids(const std::string& text);
// A positive number of cores, fractional ("0.5"), at least 0.01.
Result<double> parse_cpus(const std::string& text);
// "NOFILE=256", "CORE=0", "FSIZE=10M", "STACK=unlimited"; names as in
// RLIMIT_<NAME>, case-insensitive.
Result<RlimitSetting> parse_rlimit(const std::string& text);

// Checks limits set through the library as the options do (the command
// line cannot produce invalid ones).
Result<void> validate(const Limits& limits);

// The RLIMIT_ constant for a name ("NOFILE"), or -1.
int rlimit_resource(const std::string& name);

// "64 MiB", "1.5 GiB", "512 KiB", "100 B".
std::string format_bytes(std::uint64_t bytes);
// "0.5", "2", "1.25"
std::string format_cpus(double cpus);

}  // namespace sandbox::limits
