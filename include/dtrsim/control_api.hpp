#pragma once
// The control API (one server per process, default 127.0.0.1:7070):
//
//   GET    /             live dashboard: replicas x services, buttons, request rates
//   GET    /v1/cluster   replicas, services, health, quorum, faults, partitions, profile
//   POST   /v1/commands  one command or an array; 200 with the new state, 400 {"error","path"}
//   GET    /v1/journal   ?replica=&since=&limit=  requests the replicas served
//   DELETE /v1/journal   clears it
//   GET    /metrics      Prometheus text
//
// It refuses a non-loopback address unless a token is set; with a token every request needs
// "Authorization: Bearer <token>".

#include <memory>
#include <string>
#include <utility>

#include "dtrsim/cluster.hpp"

namespace dtrsim {

struct ControlAddress {
  std::string address = "127.0.0.1";
  int port = 7070;
};

// "127.0.0.1:7070", "[::1]:7070", "7070", "0" (ephemeral on 127.0.0.1). Throws StartError.
ControlAddress parse_control_address(const std::string& text);
bool is_loopback(const std::string& address);

class ControlServer {
 public:
  ControlServer(Cluster& cluster, std::string token);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Binds and serves in the background. Throws StartError (address in use, non-loopback without
  // a token).
  void start(const ControlAddress& where);
  void stop();
  // "http://127.0.0.1:7070"
  const std::string& url() const { return url_; }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::string url_;
};

// The dashboard page served at GET /.
const std::string& dashboard_html();

} // namespace dtrsim
