// flap: a service alternates failed and healthy every period.
#include "fault_fixture.hpp"

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
