// Readers never see a half-applied command: hammer /_ping on every replica while commands toggle
// services and stop and start replicas. Run under ThreadSanitizer by scripts/test.sh.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "support/cluster_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;
using nlohmann::json;

TEST_CASE("health checks stay well-formed while commands change the cluster",
          "[integration][concurrency]") {
  ClusterConfig config = ephemeral_config();
  config.heartbeat = std::chrono::milliseconds(20);
  ClusterFixture f(config);
  std::vector<ReplicaInfo> replicas = f.cluster.replicas();
  std::atomic<bool> done{false};
  std::atomic<int> answered{0}, refused{0}, malformed{0};

  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&, t] {
      const ReplicaInfo& r = replicas[static_cast<size_t>(t % 3)];
      while (!done) {
        auto cli = http_client(r.address, r.http_port);
        cli->set_keep_alive(true);
        for (int i = 0; i < 20 && !done; ++i) {
          auto res = cli->Get("/_ping");
          if (!res) {
            ++refused;
            break;
          }
          bool ok = (res->status == 200 && res->body == R"({"Error":"","Healthy":true})") ||
                    (res->status == 503 && res->body.rfind(R"({"Error":")", 0) == 0 &&
                     res->body.find(R"(","Healthy":false})") != std::string::npos) ||
                    (res->status == 502 && res->body.find("502 Bad Gateway") != std::string::npos);
          if (!ok) ++malformed;
          ++answered;
        }
      }
    });

  const char* services[] = {"registry", "garant", "rethinkdb", "notary", "api"};
  for (int round = 0; round < 40; ++round) {
    int n = round % 3 + 1;
    f.post({{"do", "fail"}, {"replica", n}, {"service", services[round % 5]}});
    f.post(json::array({{{"do", "recover"}, {"replica", n}}, {{"do", "stop"}, {"replica", n % 3 + 1}}}));
    f.post({{"do", "start"}, {"replica", "*"}});
    if (round % 10 == 0) f.post({{"do", "partition"}, {"groups", {{1}, {2, 3}}}});
    if (round % 10 == 5) f.post({{"do", "heal"}});
  }
  done = true;
  for (auto& t : readers) t.join();
  CHECK(malformed == 0);
  CHECK(answered > 100);
  // The cluster ends healthy and answering.
  f.post({{"do", "reset"}});
  for (const auto& r : replicas) CHECK(http_client(r.address, r.http_port)->Get("/_ping")->status == 200);
}
