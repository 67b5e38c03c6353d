// Health reports from the service states.
#include <catch2/catch.hpp>

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
