// Our layers on top of the bundle's (DESIGN §13), built in the parent:
// the Landlock ruleset (its rules are added by the child for the paths of
// the container's own view), our seccomp deny list and the bundle's
// seccomp profile compiled with libseccomp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "landlock/ruleset.h"
#include "oci/plan.h"
#include "oci/spec.h"
#include "sandbox/error.h"
#include "seccomp/filter.h"

namespace sandbox::oci {

struct Confinement {
  std::optional<landlock::Ruleset> ruleset;
  seccomp::Program ours;
  std::optional<seccomp::Program> bundle;
};

// Annotations: sandbox.landlock=off (the weakened control of the attack
// tests, said on stderr), sandbox.seccomp=default|allow-ptrace|log.
Result<Confinement> build_confinement(const Spec& spec, std::vector<std::string>& warnings);
// Points plan at the confinement and lists the Landlock paths: the root
// with its mode, each mount's destination with its own.
void attach_confinement(const Spec& spec, const Confinement& confinement, ProcessPlan& plan);
// The bundle's profile through libseccomp, as classic BPF.
Result<seccomp::Program> compile_bundle_seccomp(const Seccomp& profile);

}  // namespace sandbox::oci
