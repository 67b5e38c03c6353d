// The closed list of fault types, the README that documents it, and envelope parsing.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "dtrsim/command.hpp"
#include "dtrsim/fault_registry.hpp"

using namespace dtrsim;
using nlohmann::json;

namespace {

std::vector<std::string> readme_fault_headings() {
  std::ifstream in(std::string(DTRSIM_SOURCE_DIR) + "/README.md");
  std::string line;
  std::vector<std::string> out;
  bool in_faults = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_faults = line == "## Faults";
    else if (in_faults && line.rfind("#### ", 0) == 0) out.push_back(line.substr(5));
  }
  return out;
}

std::string error_of(const char* envelope) {
  try {
    parse_fault(json::parse(envelope));
  } catch (const CommandError& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("the README documents exactly the registered fault types, in order", "[faults]") {
  std::vector<std::string> registered;
  for (const auto& t : fault_types()) registered.push_back(std::string(t.name));
  CHECK(readme_fault_headings() == registered);
  CHECK(registered.size() == 15);
}

TEST_CASE("fault envelopes are checked field by field", "[faults]") {
  CHECK_THAT(error_of(R"({"type":"explode"})"), Catch::StartsWith("type: unknown fault type \"explode\" (one of latency, hang,"));
  CHECK(error_of(R"({"ms":3})") != "");
  CHECK(error_of(R"({"type":"latency","ms":1,"ports":"udp"})") ==
        "ports: must be \"http\", \"https\" or \"both\" (got \"udp\")");
  CHECK(error_of(R"({"type":"latency","ms":1,"paths":["_ping"]})") ==
        "paths[0]: \"_ping\" is not a path (start with /; * only at the end)");
  CHECK(error_of(R"({"type":"latency","ms":1,"probability":1.5})") ==
        "probability: must be a number from 0 to 1 (got 1.5)");
  CHECK(error_of(R"({"type":"latency","ms":1,"duration":"5 s"})") ==
        "duration: \"5 s\" is not a duration (use 5s, 250ms, 2m)");
  CHECK(error_of(R"({"type":"tls_untrusted","ports":"http"})") ==
        "ports: tls_untrusted acts on the HTTPS port only");
  CHECK(error_of(R"({"type":"bandwidth","bytes_per_sec":10,"paths":["/x"]})") ==
        "paths: bandwidth acts on whole connections, before any path is known");
  CHECK_THAT(error_of(R"({"type":"flap","period_ms":100,"probability":0.5})"),
             Catch::StartsWith("probability: flap takes no probability: it fails a service for every request alike"));
  CHECK_THAT(error_of(R"({"type":"flap","period_ms":100,"ports":"http"})"),
             Catch::StartsWith("ports: flap takes no ports:"));
  CHECK_THAT(error_of(R"({"type":"accept_stall","probability":0.5})"),
             Catch::StartsWith("probability: accept_stall takes no probability: it stops the whole listener"));
  CHECK(error_of(R"({"type":"accept_stall","paths":["/x"]})") ==
        "paths: accept_stall acts on the listener, before any path is known");
  CHECK(error_of(R"({"type":"status","code":99})") == "code: must be an integer from 200 to 599 (got 99)");
  CHECK(error_of(R"({"type":"reset","ms":3})") == "ms: unknown attribute for reset (it takes none)");
  CHECK(error_of(R"({"type":"flap","period_ms":100,"service":"db"})") ==
        "service: unknown service \"db\" (one of registry, garant, rethinkdb, notary, api)");
  CHECK(error_of(R"({"type":"latency","ms":1,"name":"has space"})") ==
        "name: \"has space\" is not a fault name (1-64 letters, digits, _ - .)");
}

TEST_CASE("every registered type parses with its attributes", "[faults]") {
  for (const char* ok : {
           R"({"type":"latency","ms":300,"jitter_ms":50})", R"({"type":"hang"})",
           R"({"type":"reset"})", R"({"type":"close"})", R"({"type":"status","code":503,"body":"x"})",
           R"({"type":"garbage","bytes":64})", R"({"type":"dribble","bytes_per_sec":100})",
           R"({"type":"flap","period_ms":500,"service":"rethinkdb"})",
           R"({"type":"accept_stall","ports":"https"})", R"({"type":"bandwidth","bytes_per_sec":1000})",
           R"({"type":"tls_handshake_failure"})", R"({"type":"tls_slow_handshake","ms":200})",
           R"({"type":"tls_expired_cert"})", R"({"type":"tls_wrong_host"})", R"({"type":"tls_untrusted"})"}) {
    CAPTURE(ok);
    ActiveFault f = parse_fault(json::parse(ok));
    CHECK(f.name == json::parse(ok)["type"]);
    CHECK(f.impl);
  }
}

TEST_CASE("path selectors match exact paths and prefixes", "[faults]") {
  ActiveFault f = parse_fault(json::parse(R"({"type":"reset","paths":["/_ping","/api/*"]})"));
  CHECK(f.matches_path("/_ping"));
  CHECK_FALSE(f.matches_path("/_ping/x"));
  CHECK(f.matches_path("/api/v0/meta/cluster_status"));
  CHECK_FALSE(f.matches_path("/health"));
}
