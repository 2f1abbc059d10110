// The commands after create: state, kill, delete, list, ps, pause, resume,
// features, spec. Each returns an error or prints its answer on stdout.
#pragma once

#include <string>

#include "oci/log.h"
#include "sandbox/error.h"

namespace sandbox::oci {

Result<void> print_state(const std::string& root, const std::string& id);
// signal: "KILL", "SIGKILL" or "9".
Result<void> kill_container(const std::string& root, const std::string& id, const std::string& signal, bool all);
Result<void> delete_container(const std::string& root, const std::string& id, bool force, const Log& log);
Result<void> list_containers(const std::string& root, const std::string& format, bool quiet);
Result<void> print_ps(const std::string& root, const std::string& id, const std::string& format);
Result<void> pause_container(const std::string& root, const std::string& id, bool pause);
void print_features();
Result<void> write_spec(const std::string& bundle, bool rootless);
// The signal number of a name or number, or an error.
Result<int> parse_signal(const std::string& text);

}  // namespace sandbox::oci
