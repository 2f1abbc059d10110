// bench/launch_cost — what one launch costs, variants interleaved (DESIGN §14).
//
//   launch_cost [--rounds N] [--modes single,seq,par,cpu] NAME=COMMAND...
//
// COMMAND is split at spaces (no shell); leading KEY=VALUE words are set in
// that variant's environment (no env(1) exec on the measured path: the
// pooled rows are `pooled=SANDBOX_POOL=only sandbox true`); stdio go to /dev/null. Every round
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
};

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
double measure(const std::string& mode, const Variant& v, double* tree, double* kernel) {
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
  constexpr int kLaunches = 30;
  pause_ms(100);
  reap_orphans();
  const double c0 = children_cpu();
  const double k0 = kernel_threads_cpu();
  for (int i = 0; i < kLaunches; ++i) wait_for(launch(v));
  pause_ms(200);  // the kworkers finish tearing down the namespaces
  reap_orphans();
  *tree = (children_cpu() - c0) / kLaunches;
  *kernel = (kernel_threads_cpu() - k0) / kLaunches;
  return *tree + *kernel;
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
  std::map<std::pair<std::string, std::string>, std::vector<double>> times, trees, kernels;
  for (const auto& mode : modes) {
    for (int r = 0; r < rounds; ++r) {
      for (std::size_t k = 0; k < variants.size(); ++k) {
        const Variant& v = variants[(k + static_cast<std::size_t>(r)) % variants.size()];
        double tree = 0;
        double kernel = 0;
        times[{mode, v.name}].push_back(measure(mode, v, &tree, &kernel));
        trees[{mode, v.name}].push_back(tree);
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
    std::printf("\nCPU per launch, split (µs, medians of %d rounds of 30 launches):\n\n", rounds);
    std::printf("| variant | launched trees | kernel threads | total |\n|---|---:|---:|---:|\n");
    for (const auto& v : variants) {
      std::printf("| %s | %.0f | %.0f | %.0f |\n", v.name.c_str(), median(trees[{"cpu", v.name}]) * 1e6,
                  median(kernels[{"cpu", v.name}]) * 1e6, median(times[{"cpu", v.name}]) * 1e6);
    }
  }
  return 0;
}
