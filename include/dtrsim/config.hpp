#pragma once
// Everything `dtrsim run` (and a scenario's "cluster" object) configures, with its defaults, and
// the rules that place replica N on an address and ports.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dtrsim/auth.hpp"
#include "dtrsim/duration.hpp"

namespace dtrsim {

struct ClusterConfig {
  int replicas = 3;
  std::string bind = "127.0.0.1";
  bool distinct_addresses = false;  // replica N on bind+(N-1), all on the same two ports
  int http_port = 8080;             // replica N uses http_port+N-1 (0: ephemeral)
  int https_port = 8443;
  std::string dtr_version = "2.7";
  std::string dtr_fqdn = "dtr.example.com";
  std::vector<std::string> replica_ids;  // empty: random (or sequential)
  bool sequential_ids = false;           // 000000000001, 000000000002, ...
  Millis heartbeat = std::chrono::seconds(2);
  Account admin{"admin", "password", true};
  std::vector<Account> users;
  std::optional<std::uint64_t> seed;  // empty: a random seed, printed at start
  std::string tls_cert, tls_key, tls_ca;
  bool replica_header = true;
  Millis keep_alive_timeout = std::chrono::minutes(15);
  Millis max_hang = std::chrono::minutes(10);
  size_t journal_size = 10000;    // entries kept per replica
  size_t max_connections = 4096;  // open connections per process
};

// Problems with a configuration, each naming the setting ("--replicas: must be 1 to 64").
// `prefix` is prepended to the name ("cluster." for scenarios, "--" for flags).
std::vector<std::string> validate_config(const ClusterConfig& c, const std::string& prefix = "--");

// Where replica number N listens.
std::string replica_address(const ClusterConfig& c, int number);
int replica_http_port(const ClusterConfig& c, int number);
int replica_https_port(const ClusterConfig& c, int number);

// The cluster a configuration starts with; `new_id(N)` gives replica N's id when the configuration
// does not fix it.
struct ClusterState;
ClusterState initial_state(const ClusterConfig& c, const std::function<std::string(int)>& new_id);

// The id of replica N when --replica-ids or --sequential-ids decide it, else nullopt.
std::optional<std::string> configured_id(const ClusterConfig& c, int number);

// "127.0.0.1" + 2 -> "127.0.0.3"; nullopt when not IPv4 or when it leaves the /8.
std::optional<std::string> ipv4_add(const std::string& base, int offset);

} // namespace dtrsim
