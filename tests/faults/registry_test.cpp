// The closed list of fault types, the README that documents it, and envelope parsing.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "dtrsim/command.hpp"
#include "dtrsim/fault_registry.hpp"

using namespace dtrsim;
using nlohmann::json;

namespace {

struct ReadmeFault {
  std::string heading;
  std::vector<std::string> examples;  // the section's `dtrsim ctl fault ...` lines
};

std::vector<ReadmeFault> readme_faults() {
  std::ifstream in(std::string(DTRSIM_SOURCE_DIR) + "/README.md");
  std::string line;
  std::vector<ReadmeFault> out;
  bool in_faults = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0 || line.rfind("### ", 0) == 0) in_faults = line == "## Faults";
    else if (in_faults && line.rfind("#### ", 0) == 0) out.push_back({line.substr(5), {}});
    else if (in_faults && !out.empty() && line.rfind("`dtrsim ctl fault ", 0) == 0 && line.back() == '`')
      out.back().examples.push_back(line.substr(1, line.size() - 2));
  }
  return out;
}

// Splits a command line as a POSIX shell does for words, 'single' and "double" quotes.
std::vector<std::string> shell_words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : line) {
    if (quote) {
      if (c == quote) quote = 0;
      else word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  REQUIRE(quote == 0);
  if (in_word) words.push_back(word);
  return words;
}

// `dtrsim ctl fault REPLICA TYPE ...` -> the words ctl gives fault_envelope().
FaultWords ctl_fault_words(const std::string& line) {
  std::vector<std::string> w = shell_words(line);
  REQUIRE(w.size() >= 5);
  REQUIRE(std::vector<std::string>(w.begin(), w.begin() + 3) ==
          std::vector<std::string>{"dtrsim", "ctl", "fault"});
  FaultWords words;
  words.type = w[4];
  for (size_t i = 5; i < w.size(); ++i) {
    if (w[i].rfind("--", 0) != 0) {
      words.attributes.push_back(w[i]);
      continue;
    }
    REQUIRE(i + 1 < w.size());
    const std::string& v = w[++i];
    if (w[i - 1] == "--name") words.name = v;
    else if (w[i - 1] == "--ports") words.ports = v;
    else if (w[i - 1] == "--paths") words.paths = v;
    else if (w[i - 1] == "--duration") words.duration = v;
    else if (w[i - 1] == "--probability") words.probability = std::stod(v);
    else FAIL("unknown ctl fault option " << w[i - 1]);
  }
  return words;
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
  std::vector<std::string> registered, documented;
  for (const auto& t : fault_types()) registered.push_back(std::string(t.name));
  for (const auto& section : readme_faults()) documented.push_back(section.heading);
  CHECK(documented == registered);
  CHECK(registered.size() == 15);
}

TEST_CASE("each README fault section's example adds a valid fault of that type", "[faults]") {
  for (const auto& section : readme_faults()) {
    CAPTURE(section.heading);
    REQUIRE(section.examples.size() >= 1);
    for (const auto& line : section.examples) {
      CAPTURE(line);
      ActiveFault f;
      try {
        f = parse_fault(fault_envelope(ctl_fault_words(line)));
      } catch (const CommandError& e) {
        FAIL(e.what());
      }
      CHECK(f.type == section.heading);
    }
  }
}

TEST_CASE("ctl's fault words become an envelope", "[faults]") {
  FaultWords w;
  w.type = "status";
  w.paths = "/_ping,/api/*";
  w.probability = 0.25;
  w.attributes = {"code=503", "body={\"Healthy\":false}", "flag=true"};
  CHECK(fault_envelope(w) == json{{"type", "status"}, {"paths", {"/_ping", "/api/*"}},
                                  {"probability", 0.25}, {"code", 503},
                                  {"body", "{\"Healthy\":false}"}, {"flag", true}});
  w.attributes = {"ms"};
  CHECK_THROWS_WITH(fault_envelope(w), "\"ms\" is not KEY=VALUE (e.g. ms=300)");
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
