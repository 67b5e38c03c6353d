// Starting a load balancer in front of a running cluster: the variables of the cluster, free
// ports for the load balancer's URLs, its configuration rendered from templates, the process
// started and waited on until it accepts connections. Used by scenario runs and by tests.
#pragma once

#include <memory>
#include <string>

#include "dtrsim/cluster.hpp"
#include "dtrsim/scenario.hpp"
#include "lb_process.hpp"
#include "templates.hpp"

namespace dtrsim {

class LbLaunch {
 public:
  // Throws std::runtime_error (template errors, program not found, exited, never listened), or
  // LbWaitInterrupted when `*abort` is set while it waits (the process is stopped either way).
  // Template `from` paths and `cwd` are relative to `base_dir`; rendered files go to `run_dir`.
  LbLaunch(const Cluster& cluster, const LoadBalancerSpec& spec, const std::string& base_dir,
           const std::string& run_dir, const std::string& ca_file,
           const std::atomic<bool>* abort = nullptr);

  const std::string& http_url() const { return http_url_; }    // with real ports, "" if none
  const std::string& https_url() const { return https_url_; }
  const TemplateVars& vars() const { return vars_; }
  LbProcess& process() { return process_; }
  const std::string& log_file() const { return log_; }
  const std::string& program() const { return program_; }

 private:
  TemplateVars vars_;
  std::string http_url_, https_url_, log_, program_;
  LbProcess process_;
};

// The variables of a running cluster (DTRSIM_REPLICAS, DTRSIM_REPLICA_<N>_*, REPLICA_* rows).
TemplateVars cluster_variables(const Cluster& cluster);

} // namespace dtrsim
