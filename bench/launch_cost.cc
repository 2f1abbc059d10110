// bench/launch_cost — what one launch costs, variants interleaved (DESIGN §14).
//
//   launch_cost [--rounds N] [--modes single,seq,par,cpu] NAME=COMMAND...
//
// COMMAND is split at spaces (no shell); leading KEY=VALUE words are set in
// that variant's environment (no env(1) exec on the measured path: the
// pooled rows are `pooled=SANDBOX_POOL=only sandbox true`); stdio go to /dev/null.
// One leading word is ours, not the environment's: `CPU_OF_PID=PID` names a
// process whose CPU belongs to this variant (the warm pool's service, whose
// warm sandboxes are its children and not the launched tree's; only the cpu
// mode reads it). Every round
// runs every variant, in an order rotated per round, so drift of a shared
// machine hits all alike; the table gives medians and the ratio to the first
// variant (give bwrap first). Modes:
//   single  one launch after a 5 ms idle gap, wall time
//   seq     50 launches back to back, wall time per launch
//   par     200 launches, 2 at a time, wall time per launch
//   cpu     CPU per launch: 30 launches, then 200 ms of quiet; the rusage of
//           every process of the launched trees (this process is a child
//           subreaper, so orphans such as bwrap's pid 1 and our init are
//           reaped and counted here too) plus the kernel threads' CPU
//           (schedstat of every kthread: the kworkers that tear namespaces
//           down), per launch. The kernel-thread share is machine-wide, so
//           other work on the machine inflates it alike for every variant.
//           A variant with CPU_OF_PID also gets that process's share (its
//           "service" column): the CPU its whole tree spent over the
//           launches, i.e. the change of, summed over the process and its
//           live descendants, each one's own threads' schedstat (ns) plus its
//           cutime+cstime (the children it reaped, e.g. every used warm
//           sandbox with all its processes). Both ends are read when that
//           tree is quiet: its direct children back to the count before the
//           launches (the pool refilled, every used sandbox reaped) and its
//           CPU still for 200 ms (at most 5 s; the table says when that bound
//           was hit). cutime/cstime are whole clock ticks (10 ms here); there
//           is no finer per-process source for reaped children (taskstats
//           needs CAP_NET_ADMIN, a cgroup would change the machine's), so
//           such a variant runs 150 launches a round: the truncation costs at
//           most 2 ticks / 150 (133 µs) per launch and round, printed below
//           the table, and about a third of that typically.
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

struct Variant {
  std::string name;
  std::vector<std::string> argv;
  std::vector<std::string> env;  // environ plus the COMMAND's leading KEY=VALUE words
  pid_t cpu_of = 0;              // CPU_OF_PID: a process whose CPU is this variant's too
};

constexpr int kCpuLaunches = 30;
constexpr int kCpuLaunchesWithService = 150;  // clock-tick fields: see the header

int null_fd = -1;

double now() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

void pause_ms(int ms) {
  const timespec t{ms / 1000, (ms % 1000) * 1'000'000L};
  ::nanosleep(&t, nullptr);
}

pid_t launch(const Variant& v) {
  std::vector<char*> argv;
  for (const auto& a : v.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd = 0; fd < 3; ++fd) posix_spawn_file_actions_adddup2(&actions, null_fd, fd);
  pid_t pid = -1;
  std::vector<char*> env;
  for (const auto& e : v.env) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  const int err = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) {
    std::fprintf(stderr, "launch_cost: cannot start %s: %s\n", argv[0], std::strerror(err));
    std::exit(2);
  }
  return pid;
}

void wait_for(pid_t pid) {
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

void reap_orphans() {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

// CPU seconds of every kernel thread (PF_KTHREAD), from schedstat.
double kernel_threads_cpu() {
  double sum = 0;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return 0;
  while (const dirent* e = ::readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    const std::string dir = std::string("/proc/") + e->d_name;
    FILE* f = std::fopen((dir + "/stat").c_str(), "r");
    if (f == nullptr) continue;
    char buf[1024];
    const std::size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    const char* close = std::strrchr(buf, ')');
    unsigned flags = 0;
    if (close == nullptr || std::sscanf(close + 2, "%*c %*d %*d %*d %*d %*d %u", &flags) != 1) continue;
    if ((flags & 0x00200000U) == 0) continue;  // PF_KTHREAD
    f = std::fopen((dir + "/schedstat").c_str(), "r");
    if (f == nullptr) continue;
    unsigned long long ns = 0;
    if (std::fscanf(f, "%llu", &ns) == 1) sum += static_cast<double>(ns) / 1e9;
    std::fclose(f);
  }
  ::closedir(proc);
  return sum;
}

std::string read_file(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return {};
  std::string text;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof(buf), f)) > 0;) text.append(buf, n);
  std::fclose(f);
  return text;
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return names;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') names.emplace_back(e->d_name);
  }
  ::closedir(d);
  return names;
}

// A process tree's CPU: for the process and each live descendant, its own
// threads' schedstat (ns) plus its cutime+cstime (clock ticks: what it reaped).
struct TreeCpu {
  bool alive = false;
  int children = 0;  // direct children of the root
  double seconds = 0;
};

void add_tree_cpu(pid_t pid, bool root, TreeCpu* out) {
  static const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const std::string dir = "/proc/" + std::to_string(pid);
  const std::string stat = read_file(dir + "/stat");
  const auto close = stat.rfind(')');
  unsigned long long cutime = 0;
  unsigned long long cstime = 0;
  // After "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt
  // majflt cmajflt utime stime cutime cstime.
  if (close == std::string::npos ||
      std::sscanf(stat.c_str() + close + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %llu %llu", &cutime,
                  &cstime) != 2) {
    return;  // gone meanwhile
  }
  if (root) out->alive = true;
  out->seconds += static_cast<double>(cutime + cstime) / tick;
  std::vector<pid_t> children;
  for (const auto& task : entries(dir + "/task")) {
    unsigned long long ns = 0;
    if (std::sscanf(read_file(dir + "/task/" + task + "/schedstat").c_str(), "%llu", &ns) == 1) {
      out->seconds += static_cast<double>(ns) / 1e9;
    }
    std::istringstream list(read_file(dir + "/task/" + task + "/children"));
    for (pid_t child; list >> child;) children.push_back(child);
  }
  if (root) out->children = static_cast<int>(children.size());
  for (pid_t child : children) add_tree_cpu(child, false, out);
}

TreeCpu tree_cpu(pid_t pid) {
  TreeCpu t;
  add_tree_cpu(pid, true, &t);
  return t;
}

int quiet_bound_hits = 0;

// Waits until pid's tree is quiet: `children` direct children (any number
// when negative) and its CPU moved less than 50 µs for 200 ms; at most 5 s.
TreeCpu quiet_tree_cpu(pid_t pid, int children) {
  const double start = now();
  TreeCpu still = tree_cpu(pid);
  double still_since = start;
  for (;;) {
    pause_ms(20);
    const TreeCpu t = tree_cpu(pid);
    if (!t.alive) {
      std::fprintf(stderr, "launch_cost: CPU_OF_PID %d is gone\n", static_cast<int>(pid));
      std::exit(2);
    }
    if (t.children != still.children || t.seconds - still.seconds > 50e-6 || t.seconds < still.seconds) {
      still = t;
      still_since = now();
    } else if (now() - still_since >= 0.2 && (children < 0 || t.children == children)) {
      return t;
    }
    if (now() - start > 5) {
      ++quiet_bound_hits;
      return t;
    }
  }
}

double children_cpu() {
  rusage r{};
  ::getrusage(RUSAGE_CHILDREN, &r);
  auto s = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return s(r.ru_utime) + s(r.ru_stime);
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// One measurement of `mode` for v, in seconds per launch.
double measure(const std::string& mode, const Variant& v, double* tree, double* service, double* kernel) {
  if (mode == "single") {
    pause_ms(5);
    const double start = now();
    wait_for(launch(v));
    const double t = now() - start;
    reap_orphans();
    return t;
  }
  if (mode == "seq") {
    constexpr int kLaunches = 50;
    const double start = now();
    for (int i = 0; i < kLaunches; ++i) wait_for(launch(v));
    const double t = (now() - start) / kLaunches;
    reap_orphans();
    return t;
  }
  if (mode == "par") {
    constexpr int kLaunches = 200;
    std::vector<pid_t> ours;
    int left = kLaunches;
    int running = 0;
    const double start = now();
    while (left > 0 || running > 0) {
      while (running < 2 && left > 0) {
        ours.push_back(launch(v));
        ++running;
        --left;
      }
      const pid_t pid = ::wait(nullptr);  // orphans too: only ours count
      if (pid > 0 && std::find(ours.begin(), ours.end(), pid) != ours.end()) --running;
    }
    const double t = (now() - start) / kLaunches;
    reap_orphans();
    return t;
  }
  // cpu
  const int launches = v.cpu_of > 0 ? kCpuLaunchesWithService : kCpuLaunches;
  pause_ms(100);
  TreeCpu s0;
  if (v.cpu_of > 0) s0 = quiet_tree_cpu(v.cpu_of, -1);  // the pool is full and idle
  reap_orphans();
  const double c0 = children_cpu();
  const double k0 = kernel_threads_cpu();
  for (int i = 0; i < launches; ++i) wait_for(launch(v));
  pause_ms(200);  // the kworkers finish tearing down the namespaces
  TreeCpu s1;
  if (v.cpu_of > 0) s1 = quiet_tree_cpu(v.cpu_of, s0.children);  // refilled, the used ones reaped
  reap_orphans();
  *tree = (children_cpu() - c0) / launches;
  *service = (s1.seconds - s0.seconds) / launches;
  *kernel = (kernel_threads_cpu() - k0) / launches;
  return *tree + *service + *kernel;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 5;
  std::vector<std::string> modes = {"single", "seq", "par", "cpu"};
  std::vector<Variant> variants;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--rounds" && i + 1 < argc) {
      rounds = std::atoi(argv[++i]);
    } else if (arg == "--modes" && i + 1 < argc) {
      modes.clear();
      std::istringstream list(argv[++i]);
      for (std::string m; std::getline(list, m, ',');) modes.push_back(m);
    } else if (const auto eq = arg.find('='); eq != std::string::npos && eq > 0) {
      Variant v{arg.substr(0, eq), {}, {}};
      std::istringstream words(arg.substr(eq + 1));
      for (char** e = environ; *e != nullptr; ++e) v.env.emplace_back(*e);
      for (std::string w; words >> w;) {
        const auto assign = w.find('=');
        if (v.argv.empty() && assign != std::string::npos && assign > 0 && w.find('/') > assign) {
          if (w.rfind("CPU_OF_PID=", 0) == 0) {
            v.cpu_of = static_cast<pid_t>(std::atoi(w.c_str() + assign + 1));
            if (v.cpu_of <= 0) {
              std::fprintf(stderr, "launch_cost: %s: CPU_OF_PID wants a process id\n", v.name.c_str());
              return 2;
            }
            continue;
          }
          const std::string key = w.substr(0, assign + 1);
          v.env.erase(std::remove_if(v.env.begin(), v.env.end(),
                                     [&](const std::string& e) { return e.rfind(key, 0) == 0; }),
                      v.env.end());
          v.env.push_back(w);
          continue;
        }
        v.argv.push_back(w);
      }
      if (!v.argv.empty()) variants.push_back(v);
    } else {
      std::fprintf(stderr, "usage: launch_cost [--rounds N] [--modes single,seq,par,cpu] NAME=COMMAND...\n");
      return 2;
    }
  }
  if (variants.empty() || rounds < 1) {
    std::fprintf(stderr, "usage: launch_cost [--rounds N] [--modes single,seq,par,cpu] NAME=COMMAND...\n");
    return 2;
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  std::map<std::pair<std::string, std::string>, std::vector<double>> times, trees, services, kernels;
  for (const auto& mode : modes) {
    for (int r = 0; r < rounds; ++r) {
      for (std::size_t k = 0; k < variants.size(); ++k) {
        const Variant& v = variants[(k + static_cast<std::size_t>(r)) % variants.size()];
        double tree = 0;
        double service = 0;
        double kernel = 0;
        times[{mode, v.name}].push_back(measure(mode, v, &tree, &service, &kernel));
        trees[{mode, v.name}].push_back(tree);
        services[{mode, v.name}].push_back(service);
        kernels[{mode, v.name}].push_back(kernel);
      }
    }
  }
  const char* titles[][2] = {{"single", "single launch"}, {"seq", "back to back (50)"},
                             {"par", "200 launches, 2 at a time"}, {"cpu", "CPU per launch"}};
  std::printf("| variant |");
  for (const auto& m : modes) {
    for (const auto& t : titles) {
      if (m == t[0]) std::printf(" %s (µs) | ×%s |", t[1], variants[0].name.c_str());
    }
  }
  std::printf("\n|---|");
  for (std::size_t i = 0; i < modes.size(); ++i) std::printf("---:|---:|");
  std::printf("\n");
  for (const auto& v : variants) {
    std::printf("| %s |", v.name.c_str());
    for (const auto& m : modes) {
      const double ref = median(times[{m, variants[0].name}]);
      const double med = median(times[{m, v.name}]);
      std::printf(" %.0f | ×%.2f |", med * 1e6, ref > 0 ? med / ref : 0);
    }
    std::printf("\n");
  }
  if (std::find(modes.begin(), modes.end(), "cpu") != modes.end()) {
    std::printf("\nCPU per launch, split (µs, medians of %d rounds; each column its own median):\n\n", rounds);
    std::printf(
        "| variant | launches a round | launched trees | service | kernel threads | total |\n"
        "|---|---:|---:|---:|---:|---:|\n");
    bool any_service = false;
    for (const auto& v : variants) {
      std::printf("| %s | %d | %.0f | ", v.name.c_str(), v.cpu_of > 0 ? kCpuLaunchesWithService : kCpuLaunches,
                  median(trees[{"cpu", v.name}]) * 1e6);
      if (v.cpu_of > 0) {
        std::printf("%.0f", median(services[{"cpu", v.name}]) * 1e6);
        any_service = true;
      } else {
        std::printf("–");
      }
      std::printf(" | %.0f | %.0f |\n", median(kernels[{"cpu", v.name}]) * 1e6, median(times[{"cpu", v.name}]) * 1e6);
    }
    if (any_service) {
      std::printf(
          "\nservice: the CPU of the CPU_OF_PID process's tree over the launches (itself, the warm sandboxes\n"
          "it made, ran and reaped), read when its children were back to their count and its CPU had\n"
          "been still for 200 ms; reaped children's CPU is in clock ticks: at most ±%.0f µs per launch\n"
          "and round.",
          2e6 / static_cast<double>(::sysconf(_SC_CLK_TCK)) / kCpuLaunchesWithService);
      if (quiet_bound_hits > 0) std::printf(" The tree was not quiet within 5 s %d times.", quiet_bound_hits);
      std::printf("\n");
    }
  }
  return 0;
}
