// Health reports from the service states.
#include <catch2/catch.hpp>

#include "dtrsim/fault_registry.hpp"
#include "dtrsim/health.hpp"
#include "support/fixtures.hpp"

using namespace dtrsim;

TEST_CASE("a replica with every service healthy reports healthy", "[health]") {
  ClusterState s = test::make_state(3);
  Health h = replica_health(s, *s.find(1), SysTime{});
  CHECK(h.kind == HealthKind::healthy);
  CHECK(h.error.empty());
  CHECK(h.status() == 200);
}

TEST_CASE("failed services are listed in service order", "[health]") {
  ClusterState s = test::make_state(3);
  test::fail(s, 1, Service::notary, "n");
  test::fail(s, 1, Service::registry, "r");
  Health h = replica_health(s, *s.find(1), SysTime{});
  CHECK(h.status() == 503);
  CHECK(h.error == "registry: r; notary: n");
}

TEST_CASE("a failed api server is a 502 whatever else is failed", "[health]") {
  ClusterState s = test::make_state(3);
  test::fail(s, 1, Service::registry, "r");
  test::fail(s, 1, Service::api, "down");
  Health h = replica_health(s, *s.find(1), SysTime{});
  CHECK(h.kind == HealthKind::bad_gateway);
  CHECK(h.status() == 502);
  CHECK(h.error == "api: down");
}

TEST_CASE("default error texts name a plausible internal address per replica", "[health]") {
  CHECK(default_service_error(Service::rethinkdb, 1) ==
        "dial tcp 10.0.0.3:28015: connect: connection refused");
  CHECK(default_service_error(Service::registry, 2) ==
        "dial tcp 10.0.0.4:5000: connect: connection refused");
}

TEST_CASE("an explicit fail wins over a flap of the same service in its healthy half", "[health]") {
  ClusterState s = test::make_state(3);
  ActiveFault flap = parse_fault(nlohmann::json::parse(R"({"type":"flap","period_ms":100})"));
  flap.added_at = SysTime{};
  s.find(1)->faults.push_back(flap);
  ReplicaState& r = *s.find(1);
  SysTime failed_half = SysTime{} + std::chrono::milliseconds(50);
  SysTime healthy_half = SysTime{} + std::chrono::milliseconds(150);
  CHECK(replica_health(s, r, failed_half).status() == 503);
  CHECK(replica_health(s, r, healthy_half).status() == 200);
  CHECK(faults_failing_services(r, failed_half).size() == 1);
  CHECK(faults_failing_services(r, healthy_half).empty());

  test::fail(s, 1, Service::registry, "explicit");
  for (SysTime t : {failed_half, healthy_half}) {
    Health h = replica_health(s, r, t);
    CHECK(h.status() == 503);
    CHECK(h.error == "registry: explicit");
    // The explicit fail, not the flap, holds the service failed.
    CHECK(faults_failing_services(r, t).empty());
  }
}
