// flap: a service alternates failed and healthy every period.
#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

TEST_CASE("flap alternates a service between failed and healthy", "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "flap"}, {"period_ms", 200}, {"service", "garant"}, {"error", "flapping"}});
  bool saw_failed = false, saw_healthy = false;
  CHECK(wait_until([&] {
    auto res = f.get(2, "/_ping");
    if (res && res->status == 503) {
      CHECK(res->body == R"({"Error":"garant: flapping","Healthy":false})");
      saw_failed = true;
    }
    if (res && res->status == 200) saw_healthy = true;
    return saw_failed && saw_healthy;
  }));
  f.clear(2);
  CHECK(f.get(2, "/_ping")->status == 200);
}

TEST_CASE("requests answered while a flap holds its service failed count for the flap",
          "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "flap"}, {"period_ms", 600000}});  // failed for the whole test
  CHECK(f.get(2, "/_ping")->status == 503);
  CHECK(f.get(2, "/_ping", true)->status == 503);
  CHECK(f.applied(2, "flap") == 2);
  CHECK(f.journal().back()["fault"] == "flap");
  CHECK(f.journal().back()["status"] == 503);
}

TEST_CASE("an explicit fail of the flapping service wins, and is not the flap's",
          "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "flap"}, {"period_ms", 600000}, {"error", "flapping"}});
  REQUIRE(f.post({{"do", "fail"}, {"replica", 2}, {"service", "registry"}, {"error", "explicit"}}).first == 200);
  auto res = f.get(2, "/_ping");
  CHECK(res->status == 503);
  CHECK(res->body == R"({"Error":"registry: explicit","Healthy":false})");
  CHECK(f.journal().back()["fault"] == "");
  CHECK(f.applied(2, "flap") == 0);
}
