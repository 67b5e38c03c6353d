// Applying and clearing every kind of fault while load runs: each one acts (its metric grows) and
// none leaves a stuck connection behind.
#include <atomic>
#include <set>
#include <thread>

#include "dtrsim/fault_registry.hpp"
#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;
using nlohmann::json;

TEST_CASE("faults toggled under load all act and leave no stuck connection",
          "[integration][faults]") {
  ClusterConfig config = ephemeral_config(2);
  config.max_hang = std::chrono::milliseconds(400);
  FaultFixture f(config);
  REQUIRE(f.cluster.counters(1).active() == 0);
  REQUIRE(f.cluster.counters(2).active() == 0);
  std::atomic<bool> done{false};
  std::atomic<int> requests{0};
  std::vector<std::thread> clients;
  // Every client alternates plain and TLS requests, so each replica sees both ports.
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&, t] {
      ReplicaInfo r = f.replica(t % 2 + 1);
      for (int i = 0; !done; ++i) {
        if (i % 2 == 0) {
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
      {{"type", "tls_expired_cert"}}, {{"type", "tls_wrong_host"}}, {{"type", "tls_untrusted"}}};
  std::set<std::string> toggled;
  for (int round = 0; round < 2; ++round)
    for (const auto& fault : faults) {
      int replica = 1 + round % 2;
      std::string type = fault["type"];
      CAPTURE(round, type);
      toggled.insert(type);
      std::uint64_t before = f.applied(replica, type);
      f.add(replica, fault);
      // It acts on the load (accept_stall when it is added), and the load goes on meanwhile.
      CHECK(wait_until([&] { return f.applied(replica, type) > before; }));
      REQUIRE(wait_until([&, n = requests.load()] { return requests > n + 2; }));
      f.clear(replica);
    }
  done = true;
  for (auto& t : clients) t.join();
  std::set<std::string> registered;
  for (const auto& t : fault_types()) registered.insert(std::string(t.name));
  CHECK(toggled == registered);
  // Every connection has ended: nothing is left reading, writing or waiting.
  CHECK(wait_until([&] { return f.cluster.counters(1).active() == 0 && f.cluster.counters(2).active() == 0; }));
  CHECK(f.get(1, "/_ping")->status == 200);
  CHECK(f.get(2, "/_ping", true)->status == 200);
}
