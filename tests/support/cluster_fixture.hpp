#pragma once
// A running cluster with its control API on ephemeral ports, and helpers to drive and observe it.

#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "dtrsim/cluster.hpp"
#include "dtrsim/control_api.hpp"
#include "http_client.hpp"

namespace dtrsim::test {

inline ClusterConfig ephemeral_config(int replicas = 3) {
  ClusterConfig c;
  c.replicas = replicas;
  c.http_port = 0;
  c.https_port = 0;
  c.seed = 7;
  c.sequential_ids = true;
  return c;
}

struct ClusterFixture {
  explicit ClusterFixture(ClusterConfig config = ephemeral_config(), std::string token = "")
      : cluster(std::move(config)), control(cluster, token) {
    cluster.start();
    control.start(ControlAddress{"127.0.0.1", 0});
    api = std::make_unique<httplib::Client>(control.url());
    api->set_read_timeout(std::chrono::seconds(10));
    if (!token.empty()) api->set_bearer_token_auth(token);
  }

  // POST /v1/commands; returns {status, parsed body}.
  std::pair<int, nlohmann::json> post(const nlohmann::json& commands) {
    auto res = api->Post("/v1/commands", commands.dump(), "application/json");
    if (!res) return {0, nullptr};
    return {res->status, nlohmann::json::parse(res->body, nullptr, false)};
  }

  ReplicaInfo replica(int number) const {
    for (const auto& r : cluster.replicas())
      if (r.number == number) return r;
    return {};
  }

  // GET `path` on replica `number` over HTTP (or HTTPS verified against the CA).
  httplib::Result get(int number, const std::string& path, bool tls = false,
                      httplib::Headers headers = {}) {
    ReplicaInfo r = replica(number);
    if (tls) return https_client(r.address, r.https_port, cluster.ca_pem())->Get(path.c_str(), headers);
    return http_client(r.address, r.http_port)->Get(path.c_str(), headers);
  }

  Cluster cluster;
  ControlServer control;
  std::unique_ptr<httplib::Client> api;
};

} // namespace dtrsim::test
