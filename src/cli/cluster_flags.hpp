#pragma once
// The flags that configure a cluster (`dtrsim run`), kept as text until they are checked, so that
// every error names its flag.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "dtrsim/config.hpp"

namespace dtrsim::cli {

struct ClusterFlags {
  ClusterConfig config;
  std::string heartbeat = "2s";
  std::string max_hang = "10m";
  std::string keep_alive_timeout = "15m";
  std::string admin = "admin:password";
  std::vector<std::string> users;
  std::string replica_ids;
  long long seed = -1;
  bool no_replica_header = false;
};

void add_cluster_flags(CLI::App& app, ClusterFlags& flags);

// Builds the configuration; throws ExitRequest{usage} with every problem, one per line.
ClusterConfig to_config(const ClusterFlags& flags);

} // namespace dtrsim::cli
