#pragma once
// `dtrsim lb config haproxy|nginx|elb`: DTR's documented load-balancer configurations, filled in
// with a running cluster's replica addresses and ports (from the control API or a state file).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dtrsim {

struct LbTarget {
  std::string name, address;
  int http_port = 0, https_port = 0;
};

struct LbConfigInput {
  std::vector<LbTarget> replicas;
  std::string health_path = "/_ping";
  std::string dtr_fqdn = "dtr.example.com";
  // Where the load balancer listens. DTR's documented files bind every address (0.0.0.0); a
  // load balancer on the same host as replicas that hold port 80 and 443 on their own addresses
  // needs one of its own (127.0.0.1 in front of 127.0.1.x).
  std::string listen_address = "0.0.0.0";
  int listen_http = 80, listen_https = 443;
  int listen_stats = 8181;  // HAProxy's optional stats page
};

// From GET /v1/cluster or a --state-file document: every replica of the cluster, running or
// not (a stopped replica is still a member, and the load balancer must know it when it comes
// back). Throws std::runtime_error when neither shape.
LbConfigInput lb_input_from(const nlohmann::json& cluster_or_state);

// Throws std::invalid_argument for an unknown kind.
std::string lb_config(const std::string& kind, const LbConfigInput& in);

inline const std::vector<std::string>& lb_config_kinds() {
  static const std::vector<std::string> kinds = {"haproxy", "nginx", "elb"};
  return kinds;
}

} // namespace dtrsim
