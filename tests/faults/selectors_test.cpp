// What every fault shares: ports, paths, probability with a seed, duration, clear, names,
// metrics and the journal.
#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;
using nlohmann::json;

TEST_CASE("ports selects the listener a fault acts on", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "status"}, {"code", 503}, {"ports", "https"}});
  CHECK(f.get(1, "/_ping")->status == 200);
  CHECK(f.get(1, "/_ping", true)->status == 503);
}

TEST_CASE("paths selects exact paths and prefixes", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "status"}, {"code", 418}, {"paths", {"/_ping", "/api/*"}}});
  CHECK(f.get(1, "/_ping")->status == 418);
  CHECK(f.get(1, "/health")->status == 200);
  CHECK(f.get(1, "/api/v0/meta/cluster_status", true)->status == 418);
}

TEST_CASE("probability with a fixed seed gives the same sequence twice", "[integration][faults]") {
  ClusterConfig config = ephemeral_config(1);
  config.seed = 42;
  FaultFixture f(config);
  auto sequence = [&] {
    f.add(1, {{"type", "status"}, {"code", 503}, {"probability", 0.5}});
    std::string seen;
    for (int i = 0; i < 40; ++i) seen += f.get(1, "/_ping")->status == 503 ? 'x' : '.';
    f.clear(1);
    return seen;
  };
  std::string first = sequence(), second = sequence();
  CHECK(first == second);
  CHECK(first.find('x') != std::string::npos);
  CHECK(first.find('.') != std::string::npos);
}

TEST_CASE("duration clears a fault by itself", "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "status"}, {"code", 503}, {"duration", "300ms"}});
  CHECK(f.get(2, "/_ping")->status == 503);
  auto faults = [&] { return json::parse(f.api->Get("/v1/cluster")->body)["replicas"][1]["faults"]; };
  CHECK(faults()[0]["remaining_ms"].get<int>() <= 300);
  CHECK(wait_until([&] { return faults().empty(); }, std::chrono::seconds(2)));
  CHECK(f.get(2, "/_ping")->status == 200);
}

TEST_CASE("clear restores normal answers at once", "[integration][faults]") {
  FaultFixture f;
  f.add(3, {{"type", "reset"}});
  f.add(3, {{"type", "latency"}, {"ms", 100}, {"name", "slow"}});
  CHECK_FALSE(f.get(3, "/_ping"));
  REQUIRE(f.post({{"do", "clear"}, {"replica", 3}, {"name", "reset"}}).first == 200);
  double ms = 0;
  CHECK(status_of(f.raw_get(3, "/_ping", &ms).bytes) == 200);
  CHECK(ms >= 100);
  f.clear(3);
  CHECK(f.get(3, "/_ping")->status == 200);
}

TEST_CASE("fault names are unique per replica and errors name the field", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "latency"}, {"ms", 10}});
  auto [status, body] = f.post({{"do", "fault"}, {"replica", 1}, {"fault", {{"type", "latency"}, {"ms", 20}}}});
  CHECK(status == 400);
  CHECK(body["path"] == "fault.name");
  CHECK_THAT(body["error"].get<std::string>(), Catch::Contains("already has a fault named \"latency\""));
  std::tie(status, body) = f.post({{"do", "clear"}, {"replica", 2}, {"name", "nope"}});
  CHECK(status == 400);
  CHECK(body == json{{"error", "no fault named \"nope\" on 2"}, {"path", "name"}});
  std::tie(status, body) = f.post({{"do", "fault"}, {"replica", 1}, {"fault", {{"type", "latency"}, {"ms", -1}, {"name", "x"}}}});
  CHECK(body == json{{"error", "must be an integer from 0 to 3600000 (got -1)"}, {"path", "fault.ms"}});
  // Nothing was added by the failed commands.
  CHECK(json::parse(f.api->Get("/v1/cluster")->body)["replicas"][0]["faults"].size() == 1);
}

TEST_CASE("every fault applied is counted in /metrics and named in the journal",
          "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "latency"}, {"ms", 1}, {"name", "tiny"}});
  REQUIRE(f.get(2, "/_ping"));
  REQUIRE(f.get(2, "/_ping"));
  CHECK_THAT(f.api->Get("/metrics")->body,
             Catch::Contains("dtrsim_faults_applied_total{replica=\"replica-2\",fault=\"tiny\"} 2\n"));
  CHECK(f.journal().back()["fault"] == "tiny");
}
