// The replicated health cache behind cluster_status, driven by a manual clock.
#include <catch2/catch.hpp>

#include "dtrsim/health_cache.hpp"
#include "support/fixtures.hpp"

using namespace dtrsim;

TEST_CASE("each running replica's heartbeat reaches every replica it can reach", "[cache]") {
  ManualClock clock;
  ClusterState s = test::make_state(3);
  record_heartbeats(s, clock.now());
  for (int observer = 1; observer <= 3; ++observer)
    for (int subject = 1; subject <= 3; ++subject) {
      CHECK(s.health_cache[observer][subject].health == "OK");
      CHECK(s.health_cache[observer][subject].at == clock.now());
    }
}

TEST_CASE("a stopped replica stops writing: others keep its last report", "[cache]") {
  ManualClock clock;
  ClusterState s = test::make_state(3);
  record_heartbeats(s, clock.now());
  SysTime last = clock.now();
  s.find(2)->running = false;
  clock.advance(std::chrono::seconds(2));
  record_heartbeats(s, clock.now());
  CHECK(s.health_cache[1][2].at == last);
  CHECK(s.health_cache[1][1].at == clock.now());
  CHECK(s.health_cache[3][3].at == clock.now());
}

TEST_CASE("failed services are written as the error text", "[cache]") {
  ManualClock clock;
  ClusterState s = test::make_state(3);
  test::fail(s, 3, Service::notary, "notary down");
  record_heartbeats(s, clock.now());
  CHECK(s.health_cache[1][3].health == "notary: notary down");
  CHECK(s.health_cache[1][1].health == "OK");
}

TEST_CASE("a partitioned-away replica is seen stale by the others, and sees them stale",
          "[cache]") {
  ManualClock clock;
  ClusterState s = test::make_state(3);
  record_heartbeats(s, clock.now());
  SysTime before = clock.now();
  s.partitions = {{1, 2}, {3}};
  clock.advance(std::chrono::seconds(4));
  record_heartbeats(s, clock.now());
  CHECK(s.health_cache[1][3].at == before);
  CHECK(s.health_cache[1][2].at == clock.now());
  // Replica 3 has no quorum, so it cannot write even to itself.
  CHECK(s.health_cache[3][3].at == before);
  CHECK(s.health_cache[3][1].at == before);
}

TEST_CASE("a replica that comes back takes the newest reports of its peers", "[cache]") {
  ManualClock clock;
  ClusterState s = test::make_state(3);
  record_heartbeats(s, clock.now());
  s.find(3)->running = false;
  clock.advance(std::chrono::seconds(6));
  record_heartbeats(s, clock.now());
  s.find(3)->running = true;
  sync_cache(s, 3);
  CHECK(s.health_cache[3][1].at == clock.now());
}
