// sandbox-oci's config.json parser (src/oci/spec.h): what podman and runc
// write is accepted, every unsupported field fails naming it; the cgroup
// path forms; the bundle's seccomp profile compiled and run through the
// user-space BPF evaluator.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <nlohmann/json.hpp>

#include "oci/cgroups.h"
#include "oci/confine.h"
#include "oci/spec.h"
#include "seccomp/bpf_eval.h"

namespace sandbox::oci {
namespace {

using Json = nlohmann::json;

Json minimal() {
  return Json::parse(R"({"ociVersion": "1.0.2", "root": {"path": "rootfs"},
                        "process": {"args": ["sh"], "cwd": "/"},
                        "linux": {"namespaces": [{"type": "mount"}]}})");
}

Result<Spec> parse(const Json& j) { return parse_spec(j.dump(), "/bundle"); }

TEST(OciSpec, TheDefaultSpecParses) {
  for (bool rootless : {false, true}) {
    auto spec = parse_spec(default_spec_json(rootless), "/b");
    ASSERT_TRUE(spec) << spec.error().message();
    EXPECT_EQ(spec->root_path, "/b/rootfs");
    EXPECT_TRUE(spec->root_readonly);
    EXPECT_EQ(spec->has_new(CLONE_NEWUSER), rootless);
    EXPECT_TRUE(spec->has_new(CLONE_NEWPID));
    EXPECT_EQ(spec->hostname, "sandbox-oci");
  }
}

TEST(OciSpec, UnknownFieldsFailNamingThem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/windows", "windows"},
      {"/linux/intelRdt", "linux.intelRdt"},
      {"/linux/personality", "linux.personality"},
      {"/process/scheduler", "process.scheduler"},
      {"/process/ioPriority", "process.ioPriority"},
      {"/linux/resources/blockIO", "linux.resources.blockIO"},
      {"/root/extra", "root.extra"},
  };
  for (const auto& [pointer, name] : cases) {
    Json j = minimal();
    j[Json::json_pointer(pointer)] = Json::object({{"x", 1}});
    auto spec = parse(j);
    ASSERT_FALSE(spec) << pointer;
    EXPECT_NE(spec.error().message().find(name), std::string::npos) << spec.error().message();
  }
}

TEST(OciSpec, UnsupportedValuesFail) {
  Json j = minimal();
  j["linux"]["namespaces"].push_back({{"type", "time"}});
  EXPECT_FALSE(parse(j));
  j = minimal();
  j["process"]["apparmorProfile"] = "docker-default";
  EXPECT_FALSE(parse(j));
  j = minimal();
  j["process"]["apparmorProfile"] = "";  // asks for nothing
  EXPECT_TRUE(parse(j));
  j = minimal();
  j["process"]["args"] = Json::array();
  EXPECT_FALSE(parse(j));
  j = minimal();
  j["process"]["cwd"] = "relative";
  EXPECT_FALSE(parse(j));
  j = minimal();
  j["hostname"] = "h";  // without a uts namespace
  EXPECT_FALSE(parse(j));
  j = minimal();
  j["annotations"] = {{"sandbox.unknown", "1"}};
  EXPECT_FALSE(parse(j));
  j = minimal();
  j["annotations"] = {{"sandbox.landlock", "off"}, {"org.example", "x"}};
  EXPECT_TRUE(parse(j));
  j = minimal();
  j["process"]["capabilities"] = {{"bounding", {"CAP_NOT_A_CAP"}}};
  EXPECT_FALSE(parse(j));
  j = minimal();
  j["process"]["rlimits"] = {{{"type", "RLIMIT_BOGUS"}, {"soft", 1}, {"hard", 1}}};
  EXPECT_FALSE(parse(j));
}

TEST(OciSpec, ProcessFields) {
  Json j = minimal();
  j["process"]["user"] = {{"uid", 1000}, {"gid", 100}, {"umask", 63}, {"additionalGids", {5, 6}}};
  j["process"]["capabilities"] = {{"bounding", {"CAP_KILL", "CAP_SYS_ADMIN"}}, {"effective", {"CAP_KILL"}}};
  j["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 1024}, {"hard", 4096}}};
  j["process"]["noNewPrivileges"] = true;
  j["process"]["oomScoreAdj"] = 100;
  auto spec = parse(j);
  ASSERT_TRUE(spec) << spec.error().message();
  const Process& p = spec->process;
  EXPECT_EQ(p.uid, 1000U);
  EXPECT_EQ(p.gid, 100U);
  EXPECT_EQ(p.umask, 63U);
  EXPECT_EQ(p.additional_gids, (std::vector<gid_t>{5, 6}));
  ASSERT_TRUE(p.capabilities);
  EXPECT_EQ(p.capabilities->bounding, (1ULL << 5) | (1ULL << 21));
  EXPECT_EQ(p.capabilities->effective, 1ULL << 5);
  ASSERT_EQ(p.rlimits.size(), 1U);
  EXPECT_EQ(p.rlimits[0].resource, RLIMIT_NOFILE);
  EXPECT_EQ(p.rlimits[0].hard, 4096U);
  EXPECT_TRUE(p.no_new_privileges);
  EXPECT_EQ(p.oom_score_adj, 100);
}

TEST(OciSpec, MountOptions) {
  Json j = minimal();
  j["mounts"] = {{{"destination", "/data"}, {"type", "bind"}, {"source", "/srv"},
                  {"options", {"rbind", "ro", "nosuid", "rprivate"}}},
                 {{"destination", "/tmp"}, {"type", "tmpfs"}, {"source", "tmpfs"},
                  {"options", {"nodev", "mode=1777", "size=65536k", "tmpcopyup"}}}};
  auto spec = parse(j);
  ASSERT_TRUE(spec) << spec.error().message();
  ASSERT_EQ(spec->mounts.size(), 2U);
  const Mount& bind = spec->mounts[0];
  EXPECT_TRUE(bind.bind);
  EXPECT_TRUE(bind.recursive);
  EXPECT_TRUE(bind.read_only());
  EXPECT_EQ(bind.flags, static_cast<unsigned long>(MS_RDONLY | MS_NOSUID));
  EXPECT_EQ(bind.propagation, static_cast<unsigned long>(MS_PRIVATE | MS_REC));
  const Mount& tmp = spec->mounts[1];
  EXPECT_FALSE(tmp.bind);
  EXPECT_EQ(tmp.flags, static_cast<unsigned long>(MS_NODEV));
  EXPECT_EQ(tmp.data, "mode=1777,size=65536k");
  j["mounts"][0]["options"].push_back("idmap");
  EXPECT_FALSE(parse(j));
  j = minimal();
  j["mounts"] = {{{"destination", "relative"}, {"type", "tmpfs"}, {"source", "tmpfs"}}};
  EXPECT_FALSE(parse(j));
}

TEST(OciSpec, NamespacesAndMappings) {
  Json j = minimal();
  j["linux"]["namespaces"] = {{{"type", "user"}}, {{"type", "mount"}},
                              {{"type", "network"}, {"path", "/run/netns/x"}}};
  j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
  auto spec = parse(j);
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_TRUE(spec->has_new(CLONE_NEWUSER));
  EXPECT_FALSE(spec->has_new(CLONE_NEWNET));
  ASSERT_NE(spec->find(CLONE_NEWNET), nullptr);
  EXPECT_EQ(spec->find(CLONE_NEWNET)->path, "/run/netns/x");
  ASSERT_EQ(spec->uid_mappings.size(), 1U);
  EXPECT_EQ(spec->uid_mappings[0].host_id, 1000U);
}

TEST(OciSpec, CgroupPaths) {
  EXPECT_EQ(cgroup_relative_path("", "c1"), "/sandbox-oci/c1");
  EXPECT_EQ(cgroup_relative_path("/libpod_parent/libpod-x", "c1"), "/libpod_parent/libpod-x");
  EXPECT_EQ(cgroup_relative_path("machine.slice:libpod:abc", "c1"), "/machine.slice/libpod-abc.scope");
  EXPECT_EQ(cgroup_relative_path("relative/path", "c1"), "/relative/path");
}

// The bundle's profile, compiled, then run in user space: the listed call
// gets its errno, an argument rule matches only its value, others pass.
TEST(OciSpec, BundleSeccompProfile) {
  Json j = minimal();
  j["linux"]["seccomp"] = Json::parse(R"({
      "defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
      "syscalls": [
        {"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
        {"names": ["personality"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
        {"names": ["no_such_syscall_anywhere"], "action": "SCMP_ACT_ERRNO"}]})");
  auto spec = parse(j);
  ASSERT_TRUE(spec) << spec.error().message();
  ASSERT_TRUE(spec->seccomp);
  auto program = compile_bundle_seccomp(*spec->seccomp);
  ASSERT_TRUE(program) << program.error().message();
  auto run = [&](long nr, std::uint64_t arg0) {
    seccomp_data data{};
    data.nr = static_cast<int>(nr);
    data.arch = AUDIT_ARCH_X86_64;
    data.args[0] = arg0;
    auto verdict = seccomp::evaluate(program->instructions(), data);
    return verdict ? *verdict : 0xdeadU;
  };
  EXPECT_EQ(run(SYS_getcwd, 0), static_cast<std::uint32_t>(SCMP_ACT_ERRNO(38)));
  EXPECT_EQ(run(SYS_personality, 8), static_cast<std::uint32_t>(SCMP_ACT_ERRNO(EPERM)));
  EXPECT_EQ(run(SYS_personality, 0), static_cast<std::uint32_t>(SCMP_ACT_ALLOW));
  EXPECT_EQ(run(SYS_getpid, 0), static_cast<std::uint32_t>(SCMP_ACT_ALLOW));
}

}  // namespace
}  // namespace sandbox::oci
