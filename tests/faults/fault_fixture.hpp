#pragma once
// A running cluster plus helpers to add faults through the control API and watch what a client
// sees on raw sockets.

#include <catch2/catch.hpp>

#include <chrono>

#include "support/cluster_fixture.hpp"
#include "support/tls_probe.hpp"
#include "support/wait.hpp"

namespace dtrsim::test {

struct FaultFixture : ClusterFixture {
  explicit FaultFixture(ClusterConfig c = ephemeral_config()) : ClusterFixture(std::move(c)) {}

  void add(int replica, const nlohmann::json& fault) {
    auto [status, body] = post({{"do", "fault"}, {"replica", replica}, {"fault", fault}});
    INFO(body.dump());
    REQUIRE(status == 200);
  }
  void clear(int replica) { REQUIRE(post({{"do", "clear"}, {"replica", replica}}).first == 200); }

  // A GET on a fresh plain connection; `ms` receives how long the reply took.
  RawReply raw_get(int replica, const std::string& path, double* ms = nullptr,
                   std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    ReplicaInfo r = this->replica(replica);
    auto start = std::chrono::steady_clock::now();
    RawReply reply = raw_exchange(r.address, r.http_port,
                                  "GET " + path + " HTTP/1.1\r\nHost: dtr.example.com\r\n"
                                  "Connection: close\r\n\r\n", timeout);
    if (ms) *ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return reply;
  }

  TlsProbe probe(int replica, const std::string& host = "") {
    ReplicaInfo r = this->replica(replica);
    return probe_tls(r.address, r.https_port, cluster.ca_pem(), host.empty() ? r.address : host);
  }

  nlohmann::json journal() {
    return nlohmann::json::parse(api->Get("/v1/journal")->body)["entries"];
  }

  // dtrsim_faults_applied_total of `fault` on `replica`, as /metrics shows it (0 when absent).
  std::uint64_t applied(int replica, const std::string& fault) {
    std::string metrics = api->Get("/metrics")->body;
    std::string key = "dtrsim_faults_applied_total{replica=\"replica-" + std::to_string(replica) +
                      "\",fault=\"" + fault + "\"} ";
    size_t at = metrics.find(key);
    return at == std::string::npos ? 0 : std::stoull(metrics.substr(at + key.size()));
  }
};

inline const std::string kHealthyBody = R"({"Error":"","Healthy":true})";

} // namespace dtrsim::test
