// What every fault shares: ports, paths, probability with a seed, duration, clear, names,
// metrics and the journal.
#include <signal.h>

#include <functional>
#include <set>

#include "fault_fixture.hpp"
#include "dtrsim/fault_registry.hpp"
#include "support/process.hpp"

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

namespace {

// Which of 40 requests a status fault with probability 0.5 hits, in a fresh `dtrsim run --seed`.
std::string sequence_of_run(const std::string& seed) {
  TempDir dir;
  Process p({DTRSIM_BINARY, "run", "--replicas", "1", "--http-port", "0", "--https-port", "0",
             "--control", "127.0.0.1:0", "--seed", seed, "--state-file", dir.file("s.json")});
  REQUIRE(wait_until([&] { return file_exists(dir.file("s.json")) || !p.running(); }));
  INFO(p.err());
  REQUIRE(file_exists(dir.file("s.json")));
  json state = json::parse(read_file(dir.file("s.json")));
  httplib::Client control(state["control_url"].get<std::string>());
  json fault = {{"do", "fault"}, {"replica", 1},
                {"fault", {{"type", "status"}, {"code", 503}, {"probability", 0.5}}}};
  REQUIRE(control.Post("/v1/commands", fault.dump(), "application/json")->status == 200);
  auto replica = http_client(state["replicas"][0]["address"], state["replicas"][0]["http_port"]);
  std::string seen;
  for (int i = 0; i < 40; ++i) seen += replica->Get("/_ping")->status == 503 ? 'x' : '.';
  p.signal(SIGINT);
  CHECK(p.wait() == 0);
  return seen;
}

} // namespace

TEST_CASE("probability with a fixed seed gives the same sequence in every run",
          "[integration][faults]") {
  std::string first = sequence_of_run("42"), second = sequence_of_run("42");
  CHECK(first == second);
  CHECK(first.find('x') != std::string::npos);
  CHECK(first.find('.') != std::string::npos);
  // The seed, not something fixed in the build, decides it.
  CHECK(sequence_of_run("43") != first);
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
  struct Case {
    json fault;
    std::function<void(FaultFixture&)> hit;  // one request or connection the fault acts on
  };
  auto get = [](FaultFixture& f) { f.raw_get(1, "/_ping", nullptr, std::chrono::milliseconds(300)); };
  auto handshake = [](FaultFixture& f) { f.probe(1); };
  auto nothing = [](FaultFixture&) {};  // accept_stall acts when it is added
  std::vector<Case> cases = {
      {{{"type", "latency"}, {"ms", 1}}, get},
      {{{"type", "hang"}}, get},  // the client gives up after 300 ms
      {{{"type", "reset"}}, get},
      {{{"type", "close"}}, get},
      {{{"type", "status"}, {"code", 503}}, get},
      {{{"type", "garbage"}}, get},
      {{{"type", "dribble"}, {"bytes_per_sec", 100000}}, get},
      {{{"type", "flap"}, {"period_ms", 600000}}, get},
      {{{"type", "accept_stall"}, {"ports", "http"}}, nothing},  // one listener: one stall
      {{{"type", "bandwidth"}, {"bytes_per_sec", 100000}}, get},
      {{{"type", "tls_handshake_failure"}}, handshake},
      {{{"type", "tls_slow_handshake"}, {"ms", 1}}, handshake},
      {{{"type", "tls_expired_cert"}}, handshake},
      {{{"type", "tls_wrong_host"}}, handshake},
      {{{"type", "tls_untrusted"}}, handshake},
  };
  std::set<std::string> covered;
  FaultFixture f;
  for (const auto& c : cases) {
    std::string type = c.fault["type"];
    CAPTURE(type);
    covered.insert(type);
    f.add(1, c.fault);
    c.hit(f);
    CHECK(wait_until([&] { return f.applied(1, type) == 1; }));
    bool named = false;
    for (const auto& e : f.journal()) {
      std::string faults = "," + e["fault"].get<std::string>() + ",";
      named = named || faults.find("," + type + ",") != std::string::npos;
    }
    CHECK(named);
    f.clear(1);
    REQUIRE(wait_until([&] { return f.cluster.counters(1).active() == 0; }));
  }
  std::set<std::string> registered;
  for (const auto& t : fault_types()) registered.insert(std::string(t.name));
  CHECK(covered == registered);
}
