// The scenario timeline.
#include "dtrsim/player.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "dtrsim/health.hpp"
#include "expectations.hpp"

namespace dtrsim {
namespace {

using Steady = std::chrono::steady_clock;

double ms_since(Steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
}

// Samples every replica's health while the timeline runs, for the HTML report.
class HealthSampler {
 public:
  HealthSampler(Cluster& c, Steady::time_point t0, PlayReport& report)
      : cluster_(c), t0_(t0), report_(report), thread_([this] { run(); }) {}
  ~HealthSampler() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(m_);
    while (!stop_) {
      StatePtr s = cluster_.state();
      std::map<std::string, int> row;
      SysTime now = std::chrono::system_clock::now();
      for (const auto& r : s->replicas) row[r.name] = r.running ? replica_health(*s, r, now).status() : 0;
      report_.health.push_back({ms_since(t0_), row});
      cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; });
    }
  }
  Cluster& cluster_;
  Steady::time_point t0_;
  PlayReport& report_;
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Whether the timeline must stop now: Ctrl-C, or the run's own check (the load balancer died).
class Halt {
 public:
  Halt(const PlayOptions& o, PlayReport& r) : o_(o), r_(r) {}
  bool operator()() {
    if (o_.abort && o_.abort->load()) r_.aborted = true;
    if (r_.runtime_error.empty() && o_.check_run) r_.runtime_error = o_.check_run();
    return r_.aborted || !r_.runtime_error.empty();
  }

 private:
  const PlayOptions& o_;
  PlayReport& r_;
};

// Sleeps until `t`, waking early when the timeline must stop.
void sleep_until(Steady::time_point t, Halt& halt) {
  while (!halt()) {
    auto left = t - Steady::now();
    if (left <= Steady::duration::zero()) return;
    std::this_thread::sleep_for(std::min<Steady::duration>(left, std::chrono::milliseconds(20)));
  }
}

// Fires a command, or checks an expectation (polling it for `within`), into `sr`.
void run_step(const Step& step, StepReport& sr, PlayReport& report, Cluster& cluster,
              const PlayOptions& options, Halt& halt, Steady::time_point t0) {
  Steady::time_point step_t0 = Steady::now();
  if (step.is_command()) {
    sr.attempts = 1;
    try {
      auto warnings = cluster.apply(std::vector<Command>{std::get<Command>(step.action)});
      sr.ok = true;
      sr.detail = warnings.empty() ? "done" : "done; warning: " + warnings.front();
    } catch (const CommandError& e) {
      sr.detail = e.what();
    }
    return;
  }
  ExpectContext ctx{cluster, options.lb_http, options.lb_https, report.started_at,
                    std::chrono::system_clock::now(), options.substitute};
  auto deadline = step_t0 + step.within.value_or(Millis{0});
  for (;;) {
    ++sr.attempts;
    Outcome o = evaluate(std::get<Expectation>(step.action), ctx);
    sr.ok = o.ok;
    sr.detail = o.detail;
    sr.measured = o.measured;
    if (o.measured.is_object() && o.measured.contains("answered")) {
      std::map<std::string, int> row = o.measured["answered"].get<std::map<std::string, int>>();
      if (int failed = o.measured.value("failures", 0)) row["failed"] = failed;
      report.traffic.push_back({ms_since(t0), row});
    }
    if (o.ok || !o.checkable || Steady::now() >= deadline || halt()) break;
    sleep_until(Steady::now() + options.poll_interval, halt);
  }
}

} // namespace

int PlayReport::expectations() const {
  int n = 0;
  for (const auto& s : steps) n += !s.is_command;
  return n;
}

int PlayReport::failures() const {
  int n = 0;
  for (const auto& s : steps) n += !s.ok;
  return n;
}

std::string PlayReport::run_error() const {
  if (!runtime_error.empty()) return runtime_error;
  if (aborted)
    return "interrupted before the end: " + std::to_string(steps.size()) + " of " + std::to_string(planned_steps) +
           " steps ran";
  return "";
}

PlayReport play(const Scenario& scenario, Cluster& cluster, const PlayOptions& options) {
  PlayReport report;
  report.name = scenario.name;
  report.file = scenario.file;
  report.description = scenario.description;
  for (const auto& r : cluster.state()->replicas) report.replicas.push_back(r.name);
  report.planned_steps = scenario.steps.size();
  report.started_at = std::chrono::system_clock::now();
  Steady::time_point t0 = Steady::now();
  Halt halt(options, report);
  {
    HealthSampler sampler(cluster, t0, report);
    for (const Step& step : scenario.steps) {
      sleep_until(t0 + step.at, halt);
      if (halt()) break;
      StepReport sr;
      sr.index = step.index;
      sr.is_command = step.is_command();
      sr.summary = step.summary();
      sr.note = step.note;
      sr.at = step.at;
      sr.within = step.within;
      sr.started_ms = ms_since(t0);
      sr.lateness_ms = sr.started_ms - static_cast<double>(step.at.count());
      Steady::time_point step_t0 = Steady::now();
      try {
        run_step(step, sr, report, cluster, options, halt, t0);
      } catch (const std::exception& e) {
        sr.ok = false;  // nothing a step does may end the run: it fails, with the reason
        sr.detail = (step.is_command() ? "" : "could not be checked: ") + std::string(e.what());
      } catch (...) {
        sr.ok = false;
        sr.detail = "failed with an unknown error";
      }
      sr.elapsed_ms = ms_since(step_t0);
      report.steps.push_back(sr);
      if (options.on_step) options.on_step(sr);
    }
  }
  report.duration_ms = ms_since(t0);
  return report;
}

} // namespace dtrsim
