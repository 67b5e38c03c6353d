#pragma once
// `dtrsim scenario run`: validate, start the replicas, render the load balancer's configuration
// and start it, play the timeline, stop everything, write the reports. Returns the exit code:
// 0 every expectation held, 1 some failed, 2 invalid scenario, 3 runtime failure.

#include <atomic>
#include <iosfwd>
#include <string>

namespace dtrsim {

struct RunnerOptions {
  std::string junit_file, json_file, html_file;
  std::string lb_http, lb_https;  // used when the scenario starts no load balancer
  std::string run_dir;            // rendered configs and the LB log; default: a new /tmp dir
  std::string control;            // ADDR:PORT to serve the control API during the run
  const std::atomic<bool>* abort = nullptr;
  std::ostream* out = nullptr;    // progress; default std::cout
  std::ostream* err = nullptr;    // errors; default std::cerr
};

int run_scenario(const std::string& file, const RunnerOptions& options);

} // namespace dtrsim
