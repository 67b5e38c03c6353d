#pragma once
// A running simulated DTR cluster: the replicas' listeners, their certificates and the one
// StateStore they answer from. The Cluster is the only writer of the state.

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dtrsim/clock.hpp"
#include "dtrsim/config.hpp"
#include "dtrsim/endpoints.hpp"
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

  // Opens every replica's listeners. On failure nothing stays open and StartError says which
  // address could not be bound.
  void start();
  // Closes every listener and connection; returns when they have all ended.
  void stop();

  StatePtr state() const;
  StateStore& store();
  const ClusterConfig& config() const;
  std::uint64_t seed() const;
  const std::string& ca_pem() const;
  std::vector<ReplicaInfo> replicas() const;
  NginxCounters counters(int number) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// "http://127.0.0.1:8080", "https://[::1]:8443".
std::string make_url(const std::string& scheme, const std::string& address, int port);

} // namespace dtrsim
