// dtrsim scenario validate, and dtrsim run --scenario.
#include <catch2/catch.hpp>

#include <signal.h>

#include "support/process.hpp"
#include "support/wait.hpp"

using namespace dtrsim::test;

namespace {
std::string src(const std::string& p) { return std::string(DTRSIM_SOURCE_DIR) + "/" + p; }
} // namespace

TEST_CASE("dtrsim scenario validate checks every file and exits 2 if one is bad",
          "[integration][cli]") {
  Process good({DTRSIM_BINARY, "scenario", "validate", src("scenarios/quorum-lost.json"),
                src("scenarios/partition-3-2.json")});
  CHECK(good.wait() == 0);
  CHECK_THAT(good.out(), Catch::Contains("ok: " + src("scenarios/partition-3-2.json") + " (partition-3-2, 8 steps)"));
  Process bad({DTRSIM_BINARY, "scenario", "validate", src("scenarios/quorum-lost.json"),
               src("tests/scenario/bad/bad-duration.json")});
  CHECK(bad.wait() == 2);
  CHECK_THAT(bad.err(), Catch::Contains("bad-duration.json: steps[1].at: \"5 s\" is not a duration"));
}

TEST_CASE("dtrsim run --scenario plays the commands and keeps serving", "[integration][cli]") {
  Process p({DTRSIM_BINARY, "run", "--http-port", "0", "--https-port", "0", "--control", "127.0.0.1:0",
             "--sequential-ids", "--scenario", src("scenarios/fault-status.json")});
  REQUIRE(wait_until([&] { return p.out().find("still serving") != std::string::npos || !p.running(); },
                     std::chrono::seconds(20)));
  CHECK_THAT(p.out(), Catch::Contains("fault replica=2 type=status"));
  CHECK_THAT(p.out(), Catch::Contains("PASS"));
  CHECK(p.running());
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
  Process invalid({DTRSIM_BINARY, "run", "--replicas", "1", "--control", "none", "--scenario",
                   src("scenarios/quorum-lost.json")});
  CHECK(invalid.wait() == 2);
  CHECK_THAT(invalid.err(), Catch::Contains("steps[0].replica: no replica \"2\""));
}

TEST_CASE("dtrsim run --scenario reports the via-lb steps it cannot check and keeps serving",
          "[integration][cli]") {
  std::string file = src("scenarios/lb/haproxy-replica-stopped.json");
  Process p({DTRSIM_BINARY, "run", "--http-port", "0", "--https-port", "0", "--control", "none",
             "--sequential-ids", "--scenario", file});
  REQUIRE(wait_until([&] { return p.out().find("still serving") != std::string::npos || !p.running(); },
                     std::chrono::seconds(40)));
  CHECK_THAT(p.out(), Catch::Contains("expect lb https /_ping x12 reaches [1,2,3]  FAIL"));
  CHECK_THAT(p.out(), Catch::Contains("not checkable: no load balancer URL for https (pass --lb-https)"));
  CHECK_THAT(p.out(), Catch::Contains("not checkable: no load balancer URL for http (pass --lb-http)"));
  CHECK_THAT(p.out(), Catch::Contains("stop replica=3  ok"));
  CHECK(p.running());
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
  Process bad({DTRSIM_BINARY, "run", "--control", "none", "--scenario", file, "--lb-https", "notaurl"});
  CHECK(bad.wait() == 2);
  CHECK_THAT(bad.err(), Catch::Contains("dtrsim: --lb-https: \"notaurl\" is not https://ADDRESS:PORT"));
}

TEST_CASE("dtrsim scenario validate prints every independent error of a file in one run",
          "[integration][cli]") {
  std::string file = src("tests/scenario/bad/many-errors.json");
  Process p({DTRSIM_BINARY, "scenario", "validate", file});
  CHECK(p.wait() == 2);
  for (const char* e : {"description: must be a string (got 42)", "cluster.dtr_fqdn: must be a string (got 7)",
                        "cluster.heartbeat: \"fast\" is not a duration",
                        "steps[0].sevice: unknown field for \"fail\" (expected replica, service, error, at, note)",
                        "steps[0].service: unknown service \"redis\"", "steps[1].replica: no replica \"9\"",
                        "steps[2].expect.stauts: unknown key", "steps[3].expect.replica: no replica \"7\"",
                        "steps[4].fault.ms: must be an integer from 0 to 3600000 (got -1)",
                        "steps[5].within: only expectations poll", "steps[6].within: \"1 s\" is not a duration"})
    CHECK_THAT(p.err(), Catch::Contains(file + ": " + e));
  Process run({DTRSIM_BINARY, "scenario", "run", file});
  CHECK(run.wait() == 2);
  CHECK_THAT(run.err(), Catch::Contains("dtrsim: 11 errors in " + file + "; nothing was started"));
}
