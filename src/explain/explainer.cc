// The Explainer: the tracer's calls classified, deduplicated and written.
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "explain/classify.h"
#include "explain/tracer.h"
#include "sandbox/explain.h"
#include "util/unique_fd.h"

namespace sandbox::explain {

struct Explainer::Impl {
  Plan plan;
  Host host = Host::real();
  ExplainMode mode = ExplainMode::text;
  UniqueFd event;  // readable while `pending` holds text
  mutable std::mutex mutex;
  std::condition_variable taken;  // `pending` was written out
  bool written = true;
  std::vector<Denial> denials;
  std::string pending;
  std::unique_ptr<Tracer> tracer;

  // On the tracer's thread.
  void record(Attempt&& attempt) {
    auto verdict = classify(attempt, plan, host);
    if (!verdict) return;
    std::unique_lock lock(mutex);
    for (auto& d : denials) {
      if (d.op == op_name(attempt.op) && d.object == verdict->object) {
        ++d.count;
        return;
      }
    }
    Denial d;
    d.pid = attempt.pid;
    d.comm = attempt.comm;
    d.syscall = attempt.syscall;
    d.op = op_name(attempt.op);
    d.object = verdict->object;
    d.errno_value = attempt.err;
    d.cause = verdict->cause;
    for (const auto& g : verdict->grants) d.grants.push_back({g.option, g.value});
    d.sensitive = verdict->sensitive;
    d.probe = verdict->probe;
    pending += mode == ExplainMode::json ? json_line(d) : text_line(d);
    denials.push_back(std::move(d));
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(event.get(), &one, sizeof(one));
    // The program is stopped at the call's exit: its own words about the
    // failure come after ours, as long as the supervisor writes in time.
    written = false;
    taken.wait_for(lock, std::chrono::milliseconds(200), [this] { return written && pending.empty(); });
  }
};

std::unique_ptr<Explainer> Explainer::create(const Policy& policy, const Command& command, ExplainMode mode) {
  auto impl = std::make_unique<Impl>();
  std::string home;
  for (const auto& kv : command.env) {
    if (kv.rfind("HOME=", 0) == 0) home = kv.substr(5);
  }
  impl->plan = Plan::of(policy, home, command.cwd);
  impl->mode = mode == ExplainMode::off ? ExplainMode::text : mode;
  impl->event = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  return std::unique_ptr<Explainer>(new Explainer(std::move(impl)));
}

Explainer::Explainer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Explainer::~Explainer() = default;

Result<void> Explainer::attach(pid_t init) {
  Impl* impl = impl_.get();
  impl->tracer = std::make_unique<Tracer>([impl](Attempt&& a) { impl->record(std::move(a)); });
  return impl->tracer->start(init);
}

int Explainer::output_fd() const { return impl_->event.get(); }

std::string Explainer::take_output() {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = ::read(impl_->event.get(), &count, sizeof(count));
  std::string text;
  {
    const std::lock_guard lock(impl_->mutex);
    text = std::exchange(impl_->pending, std::string());
    impl_->written = text.empty();
  }
  if (text.empty()) impl_->taken.notify_all();
  return text;
}

void Explainer::written() {
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->written = true;
  }
  impl_->taken.notify_all();
}

std::string Explainer::finish() {
  if (impl_->tracer) impl_->tracer->join();
  return take_output();
}

std::vector<Denial> Explainer::denials() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->denials;
}

}  // namespace sandbox::explain
