#pragma once
// A running simulated DTR cluster: the replicas' listeners, their certificates, the one
// StateStore they answer from, the heartbeat that fills the health cache, and the journal and
// metrics of what they served. The Cluster is the only writer of the state: every command goes
// through apply(), under one lock.

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "dtrsim/clock.hpp"
#include "dtrsim/command.hpp"
#include "dtrsim/config.hpp"
#include "dtrsim/endpoints.hpp"
#include "dtrsim/journal.hpp"
#include "dtrsim/metrics.hpp"
#include "dtrsim/state_store.hpp"

namespace dtrsim {

// Start-up failures (port in use, bad certificate files): one line naming what is wrong.
class StartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ReplicaInfo {
  int number = 0;
  std::string id, name;
  std::string address;
  int http_port = 0, https_port = 0;
  std::string http_url, https_url;
  std::string fingerprint;  // SHA-256 of its certificate
  bool running = false;
};

class Cluster {
 public:
  // Validates `config` (throws StartError listing the problems) and makes the certificates.
  explicit Cluster(ClusterConfig config, std::shared_ptr<const Clock> clock = nullptr);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Opens every replica's listeners and starts the heartbeat. On failure nothing stays open and
  // StartError says which address could not be bound.
  void start();
  // Closes every listener and connection; returns when they have all ended.
  void stop();

  // Applies commands in order, each atomically: readers see the state before or after a command,
  // never between. Invalid input (parse or resolution errors) throws CommandError and changes
  // nothing. A runtime failure (a port taken when starting a replica) throws CommandFailed at
  // that command; the commands before it stay applied and the error says so. Returns warnings;
  // `applied`, when given, receives the state the last command published.
  std::vector<std::string> apply(const nlohmann::json& commands, StatePtr* applied = nullptr);
  std::vector<std::string> apply(const std::vector<Command>& commands, StatePtr* applied = nullptr);

  StatePtr state() const;
  StateStore& store();
  const ClusterConfig& config() const;
  std::uint64_t seed() const;
  const std::string& ca_pem() const;
  std::vector<ReplicaInfo> replicas() const;
  NginxCounters counters(int number) const;
  Journal& journal();
  const Metrics& metrics() const;

  // GET /v1/cluster: replicas with URLs, services, health, quorum, faults; partitions; profile.
  // Describes `state` (default: the current one); connection counts are always live.
  nlohmann::json describe(StatePtr state = nullptr) const;
  // GET /metrics: counters and gauges in Prometheus text format.
  std::string render_metrics() const;

  // Receives one line per notable event (joins, removals, warnings). Set before start().
  void set_log(std::function<void(const std::string&)> log);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// "http://127.0.0.1:8080", "https://[::1]:8443".
std::string make_url(const std::string& scheme, const std::string& address, int port);

} // namespace dtrsim
