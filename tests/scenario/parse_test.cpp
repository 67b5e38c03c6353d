// Scenario validation: every shipped scenario is valid; every bad file gets exactly its errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dtrsim/scenario.hpp"

using namespace dtrsim;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
std::string src(const std::string& p) { return std::string(DTRSIM_SOURCE_DIR) + "/" + p; }
std::vector<std::string> errors_of(const std::string& file) {
  return load_scenario(src("tests/scenario/" + file)).errors;
}
std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string prefixed(const std::string& file, const std::string& error) {
  return src("tests/scenario/" + file) + ": " + error;
}
} // namespace

TEST_CASE("every shipped scenario is valid", "[scenario]") {
  int count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(src("scenarios"))) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "schema.json") continue;
    LoadedScenario s = load_scenario(entry.path().string());
    INFO(entry.path().string());
    CHECK(s.errors.empty());
    REQUIRE(s.scenario);
    CHECK_FALSE(s.scenario->description.empty());
    ++count;
  }
  CHECK(count >= 27);
}

TEST_CASE("the edge cases the schema accepts are valid", "[scenario]") {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(src("tests/scenario/good"))) {
    INFO(entry.path().string());
    CHECK(load_scenario(entry.path().string()).errors.empty());
    ++count;
  }
  CHECK(count > 0);
}

TEST_CASE("bad scenarios get every error with file, JSON path and problem", "[scenario]") {
  std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"bad/bad-duration.json", {"steps[1].at: \"5 s\" is not a duration (use 5s, 250ms, 2m)"}},
      {"bad/unknown-key.json", {"stepz: unknown key (expected name, description, cluster, load_balancer, steps)"}},
      {"bad/wrong-type.json", {"cluster.replicas: must be an integer from 1 to 64 (got \"three\")"}},
      {"bad/unknown-service.json", {"steps[0].service: unknown service \"redis\" (one of registry, garant, rethinkdb, notary, api)"}},
      {"bad/fault-attribute.json", {"steps[0].fault.jitter: unknown attribute for latency (it takes jitter_ms, ms)"}},
      {"bad/do-and-expect.json", {"steps[0]: has both \"do\" and \"expect\": a step is one or the other"}},
      {"bad/expect-key.json",
       {"steps[0].expect.stauts: unknown key (expected replica, port, method, path, status, json, body_contains, "
        "outcome, min_ms, max_ms, timeout_ms, tls_verify)"}},
      {"bad/bad-version.json", {"cluster.dtr_version: unknown version \"9.9\" (one of 2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9, msr-2.8, msr-2.9, msr-3)"}},
      {"bad/no-steps.json", {"steps: must be a non-empty array of steps"}},
      {"bad/three-errors.json",
       {"cluster.replicas: must be an integer from 1 to 64 (got 0)",
        "steps[0].at: \"soon\" is not a duration (use 5s, 250ms, 2m)", "steps[1].replica: is required"}},
      {"bad/lb-url-port.json",
       {"load_balancer.https: \"https://127.0.0.1:99999\" is not https://ADDRESS:PORT (ADDRESS: an IP address, "
        "[IPv6] or localhost; PORT: 1-65535, or 0 to pick a free one)"}},
      {"bad/lb-url-host.json",
       {"load_balancer.http: \"http://lb.example.com:8080\" is not http://ADDRESS:PORT (ADDRESS: an IP address, "
        "[IPv6] or localhost; PORT: 1-65535, or 0 to pick a free one)"}},
      {"bad/many-errors.json",
       {"description: must be a string (got 42)",
        "cluster.dtr_fqdn: must be a string (got 7)",
        "cluster.heartbeat: \"fast\" is not a duration (use 5s, 250ms, 2m)",
        "steps[0].sevice: unknown field for \"fail\" (expected replica, service, error, at, note)",
        "steps[0].service: unknown service \"redis\" (one of registry, garant, rethinkdb, notary, api)",
        "steps[2].expect.stauts: unknown key (expected replica, port, method, path, status, json, body_contains, "
        "outcome, min_ms, max_ms, timeout_ms, tls_verify)",
        "steps[4].fault.ms: must be an integer from 0 to 3600000 (got -1)",
        "steps[5].within: only expectations poll; a command happens once",
        "steps[6].within: \"1 s\" is not a duration (use 5s, 250ms, 2m)",
        "steps[1].replica: no replica \"9\" (replicas are numbered from 1)",
        "steps[3].expect.replica: no replica \"7\" (replicas are numbered from 1)"}},
      {"bad/cluster-and-name.json",
       {"name: must be a string (got 3)",
        "cluster.dtr_version: unknown version \"9.9\" (one of 2.0, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9, "
        "msr-2.8, msr-2.9, msr-3)",
        "cluster.replica_ids: 1 ids for 3 replicas"}},
      {"bad/sub-millisecond.json",
       {"steps[0].at: \"0.5ms\" is not a duration (use 5s, 250ms, 2m)",
        "steps[1].at: \"1.0005s\" is not a duration (use 5s, 250ms, 2m)"}},
      {"bad/empty-name.json", {"name: must not be empty (reports and JUnit name the run by it)"}},
      {"bad/zero-durations.json",
       {"cluster.heartbeat: must be at least 10ms", "steps[0].fault.duration: \"0s\" is not a duration (use 5s, 250ms, 2m)"}},
      {"bad-semantic/contradictory-bounds.json",
       {"steps[0].expect.min_ms: 500 is more than max_ms (100): it could never hold",
        "steps[1].expect.min_failures: 5 is more than max_failures (2): it could never hold",
        "steps[2].expect.journal.min_count: 3 is more than max_count (1): it could never hold",
        "steps[3].expect.avoids[1]: replica-2 is also in \"reaches\": it cannot both answer and not answer"}},
      {"bad-semantic/too-long.json",
       {"cluster.max_hang: \"101h\" is longer than 100h, the longest duration",
        "steps[0].fault.duration: \"999999999h\" is longer than 100h, the longest duration",
        "steps[1].at: \"101h\" is longer than 100h, the longest duration"}},
      {"bad-semantic/out-of-order.json", {"steps[1].at: 3s is before the previous step's 5s (steps run in order)"}},
      {"bad-semantic/unknown-replica.json",
       {"steps[0].replica: no replica \"replica-9\"",
        "steps[1].expect.replica: no replica \"7\" (replicas are numbered from 1)"}},
      {"bad-semantic/removed-replica.json", {"steps[1].expect.replica: replica-3 was removed"}},
      {"bad-semantic/lb-without-balancer.json",
       {"steps[0].expect.via: needs a load balancer: add \"load_balancer\" to the scenario or pass --lb-http/--lb-https"}},
  };
  for (const auto& [file, expected] : cases) {
    std::vector<std::string> want;
    for (const auto& e : expected) want.push_back(prefixed(file, e));
    CHECK(errors_of(file) == want);
  }
  for (const auto& dir : {"bad", "bad-semantic"})
    for (const auto& entry : fs::directory_iterator(src("tests/scenario/") + dir)) {
      bool listed = false;
      for (const auto& [file, expected] : cases) listed = listed || entry.path().string() == src("tests/scenario/" + file);
      INFO(entry.path().string() << " has no expected errors in this test");
      CHECK(listed);
    }
}

TEST_CASE("a via-lb expectation needs a load balancer URL for its port", "[scenario]") {
  std::string file = src("tests/scenario/bad-semantic/lb-without-balancer.json");
  ScenarioCheck https;
  https.lb_https = "https://127.0.0.1:8443";
  CHECK(load_scenario(file, https).errors.empty());
  ScenarioCheck http_only;
  http_only.lb_http = "http://127.0.0.1:8080";
  CHECK(load_scenario(file, http_only).errors ==
        std::vector<std::string>{file + ": steps[0].expect.port: no load balancer URL for https (the default port): "
                                        "pass --lb-https"});
  // The file's load balancer listens on HTTP only.
  json j = json::parse(read_text(file));
  j["load_balancer"] = {{"command", {"true"}}, {"http", "http://127.0.0.1:0"}};
  j["steps"].push_back({{"at", "1s"}, {"expect", {{"via", "lb"}, {"port", "https"}}}});
  j["steps"].push_back({{"at", "1s"}, {"expect", {{"via", "lb"}, {"port", "http"}}}});
  CHECK(parse_scenario(j, "lb.json", ".").errors ==
        std::vector<std::string>{
            "lb.json: steps[0].expect.port: no load balancer URL for https (the default port): add \"https\" to "
            "\"load_balancer\" or pass --lb-https",
            "lb.json: steps[1].expect.port: no load balancer URL for https: add \"https\" to \"load_balancer\" or "
            "pass --lb-https"});
  CHECK(parse_scenario(j, "lb.json", ".", https).errors.empty());
}

TEST_CASE("load balancer URLs are ADDRESS:PORT with an IP address and a port in range", "[scenario]") {
  CHECK(parse_lb_url("https://127.0.0.1:8443", "https", false)->port == 8443);
  CHECK(parse_lb_url("http://[::1]:80", "http", false)->host == "::1");
  CHECK(parse_lb_url("http://localhost:65535", "http", false)->host == "localhost");
  CHECK(parse_lb_url("http://127.0.0.1:0", "http", true)->port == 0);
  for (const char* bad : {"", "notaurl", "http://127.0.0.1:0", "https://127.0.0.1:8443", "http://127.0.0.1",
                          "http://127.0.0.1:99999", "http://127.0.0.1:08080", "http://lb.example.com:80",
                          "http://:80", "http://127.0.0.1:80/", "http://::1:80", "http://127.0.0.1:-1"}) {
    INFO(bad);
    CHECK_FALSE(parse_lb_url(bad, "http", false));
  }
  CHECK(check_lb_flags("", "").empty());
  CHECK(check_lb_flags("http://127.0.0.1:8080", "notaurl") ==
        std::vector<std::string>{"--lb-https: \"notaurl\" is not https://ADDRESS:PORT (ADDRESS: an IP address, "
                                 "[IPv6] or localhost; PORT: 1-65535)"});
}

TEST_CASE("dtrsim run --scenario reports via-lb steps without a URL when they are played", "[scenario]") {
  ScenarioCheck check;
  check.running_cluster = ClusterConfig{};
  CHECK(load_scenario(src("tests/scenario/bad-semantic/lb-without-balancer.json"), check).errors.empty());
}

TEST_CASE("dtrsim run --scenario checks the steps against the running cluster", "[scenario]") {
  ScenarioCheck check;
  ClusterConfig two;
  two.replicas = 2;
  check.running_cluster = two;
  auto errors = load_scenario(src("scenarios/replica-stopped.json"), check).errors;
  REQUIRE_FALSE(errors.empty());
  CHECK_THAT(errors.front(), Catch::EndsWith("steps[0].replica: no replica \"3\" (replicas are numbered from 1)"));
}

TEST_CASE("a file that is not JSON says where", "[scenario]") {
  auto errors = load_scenario(src("tests/scenario/forwarder.conf.in")).errors;
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::Contains("forwarder.conf.in: not valid JSON: parse error at line 1"));
  CHECK(load_scenario("/no/such/file.json").errors ==
        std::vector<std::string>{"/no/such/file.json: cannot read the file"});
}

TEST_CASE("steps summarise themselves for reports", "[scenario]") {
  LoadedScenario s = load_scenario(src("scenarios/registry-fails.json"));
  REQUIRE(s.scenario);
  CHECK(s.scenario->steps[1].summary() == "fail replica=2 service=registry");
  CHECK(s.scenario->steps[2].summary() == "expect replica 2 https GET /_ping status 503");
}
