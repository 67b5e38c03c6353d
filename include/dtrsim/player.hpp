#pragma once
// Plays a scenario's timeline against a running cluster: commands fire at their offsets (their
// lateness is measured), expectations are checked, and `within` polls until one holds, recording
// how long that took - the measurement a user wants.

#include <atomic>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dtrsim/cluster.hpp"
#include "dtrsim/scenario.hpp"

namespace dtrsim {

struct StepReport {
  size_t index = 0;
  bool is_command = false;
  std::string summary, note;
  Millis at{0};
  std::optional<Millis> within;
  double started_ms = 0;   // since the timeline started
  double lateness_ms = 0;  // started - at
  double elapsed_ms = 0;   // until it held (or the time ran out)
  int attempts = 0;
  bool ok = false;
  std::string detail;
  nlohmann::json measured;
};

struct PlayReport {
  std::string name, file, description;
  SysTime started_at;
  double duration_ms = 0;
  bool aborted = false;       // interrupted (Ctrl-C) before the end (exit 3)
  std::string runtime_error;  // the run could not be completed (exit 3)
  size_t planned_steps = 0;   // the scenario's steps; `steps` holds those that ran
  std::vector<StepReport> steps;
  std::vector<std::string> replicas;  // names, for the timeline
  // Sampled every 200 ms: time since start -> replica name -> health status (0: stopped).
  std::vector<std::pair<double, std::map<std::string, int>>> health;
  // Each request batch through the load balancer: time -> answers per replica (+ "failed").
  std::vector<std::pair<double, std::map<std::string, int>>> traffic;

  int expectations() const;
  int failures() const;  // failed steps (expectations and commands)
  // Why the run did not complete, "" when it did: the runtime error, or the interruption.
  std::string run_error() const;
  bool passed() const { return failures() == 0 && run_error().empty(); }
};

struct PlayOptions {
  std::string lb_http, lb_https;
  std::function<std::string(const std::string&)> substitute;
  std::function<void(const StepReport&)> on_step;
  const std::atomic<bool>* abort = nullptr;
  // Why the run cannot go on (the load balancer died), "" while it can. Checked before each step
  // and every 20 ms while waiting; a reason ends the timeline and becomes its runtime_error.
  std::function<std::string()> check_run;
  Millis poll_interval{50};
};

PlayReport play(const Scenario& scenario, Cluster& cluster, const PlayOptions& options);

// Reports of a play. The documents are valid UTF-8 whatever the replicas and the load balancer
// wrote (invalid sequences become U+FFFD), and building them does not throw.
std::string step_line(const StepReport& s);
std::string summary_table(const PlayReport& r);
std::string junit_xml(const PlayReport& r);
std::string report_json(const PlayReport& r);  // the --json document
std::string html_timeline(const PlayReport& r);

} // namespace dtrsim
