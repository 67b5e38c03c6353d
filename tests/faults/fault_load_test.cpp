// Applying and clearing every kind of fault while load runs leaves no stuck connection.
#include <atomic>
#include <thread>

#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;
using nlohmann::json;

TEST_CASE("faults toggled under load leave no stuck connection", "[integration][faults]") {
  ClusterConfig config = ephemeral_config(2);
  config.max_hang = std::chrono::milliseconds(400);
  FaultFixture f(config);
  std::atomic<bool> done{false};
  std::atomic<int> requests{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&, t] {
      ReplicaInfo r = f.replica(t % 2 + 1);
      while (!done) {
        if (t % 2 == 0) {
          raw_exchange(r.address, r.http_port, "GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                       std::chrono::milliseconds(300));
        } else {
          auto cli = https_client(r.address, r.https_port, f.cluster.ca_pem());
          cli->set_read_timeout(std::chrono::milliseconds(300));
          cli->set_connection_timeout(std::chrono::milliseconds(300));
          cli->Get("/_ping");
        }
        ++requests;
      }
    });
  std::vector<json> faults = {
      {{"type", "latency"}, {"ms", 20}}, {{"type", "hang"}}, {{"type", "reset"}},
      {{"type", "close"}}, {{"type", "status"}, {"code", 503}}, {{"type", "garbage"}},
      {{"type", "dribble"}, {"bytes_per_sec", 5000}}, {{"type", "flap"}, {"period_ms", 50}},
      {{"type", "accept_stall"}}, {{"type", "bandwidth"}, {"bytes_per_sec", 5000}},
      {{"type", "tls_handshake_failure"}}, {{"type", "tls_slow_handshake"}, {"ms", 30}},
      {{"type", "tls_expired_cert"}}, {{"type", "tls_untrusted"}}};
  for (int round = 0; round < 3; ++round)
    for (const auto& fault : faults) {
      f.add(1 + round % 2, fault);
      REQUIRE(wait_until([&, n = requests.load()] { return requests > n + 2; }));
      f.clear(1 + round % 2);
    }
  done = true;
  for (auto& t : clients) t.join();
  // Every connection has ended: nothing is left reading, writing or waiting.
  CHECK(wait_until([&] { return f.cluster.counters(1).active() == 0 && f.cluster.counters(2).active() == 0; }));
  CHECK(f.get(1, "/_ping")->status == 200);
  CHECK(f.get(2, "/_ping", true)->status == 200);
}
