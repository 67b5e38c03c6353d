// Quorum as DTR documents it: 1/3/5/7 replicas tolerate 0/1/2/3 failures, 2 tolerate none, and a
// replica that cannot see a majority reports "internal server error" on every health path.
#include <catch2/catch.hpp>

#include "dtrsim/health.hpp"
#include "dtrsim/quorum.hpp"
#include "support/fixtures.hpp"

using namespace dtrsim;

namespace {
bool healthy_with_stopped(int size, int stopped) {
  ClusterState s = test::make_state(size);
  for (int i = 0; i < stopped; ++i) s.replicas[static_cast<size_t>(size - 1 - i)].running = false;
  return quorum_of(s, s.replicas[0], SysTime{}).ok();
}
} // namespace

TEST_CASE("failures tolerated follow DTR's table", "[quorum]") {
  for (auto [size, tolerated] : {std::pair{1, 0}, {2, 0}, {3, 1}, {4, 1}, {5, 2}, {7, 3}}) {
    CAPTURE(size);
    CHECK(failures_tolerated(size) == tolerated);
    CHECK(healthy_with_stopped(size, tolerated));
    if (tolerated + 1 < size) CHECK_FALSE(healthy_with_stopped(size, tolerated + 1));
  }
}

TEST_CASE("losing quorum makes the survivors report internal server error", "[quorum]") {
  ClusterState s = test::make_state(3);
  s.find(2)->running = false;
  s.find(3)->running = false;
  Health h = replica_health(s, *s.find(1), SysTime{});
  CHECK(h.status() == 503);
  CHECK(h.error == "internal server error: quorum lost (1 of 3 replicas reachable, 2 needed)");
}

TEST_CASE("rethinkdb failures count against quorum", "[quorum]") {
  ClusterState s = test::make_state(3);
  test::fail(s, 2, Service::rethinkdb);
  CHECK(quorum_of(s, *s.find(1), SysTime{}).reachable == 2);
  test::fail(s, 3, Service::rethinkdb);
  Health h = replica_health(s, *s.find(1), SysTime{});
  CHECK_THAT(h.error, Catch::StartsWith("internal server error: quorum lost (1 of 3"));
  test::fail(s, 1, Service::registry, "r");
  CHECK(replica_health(s, *s.find(1), SysTime{}).error ==
        "internal server error: quorum lost (1 of 3 replicas reachable, 2 needed); registry: r");
}

TEST_CASE("a 2|1 partition keeps the majority side healthy", "[quorum]") {
  ClusterState s = test::make_state(3);
  s.partitions = {{1, 2}, {3}};
  CHECK(quorum_of(s, *s.find(1), SysTime{}).ok());
  CHECK(quorum_of(s, *s.find(2), SysTime{}).reachable == 2);
  CHECK_FALSE(quorum_of(s, *s.find(3), SysTime{}).ok());
  CHECK(replica_health(s, *s.find(3), SysTime{}).status() == 503);
  CHECK_FALSE(can_reach(s, 1, 3));
  CHECK(can_reach(s, 1, 2));
}

TEST_CASE("a 3|2 partition of five keeps the three", "[quorum]") {
  ClusterState s = test::make_state(5);
  s.partitions = {{1, 2, 3}, {4, 5}};
  for (int n : {1, 2, 3}) CHECK(quorum_of(s, *s.find(n), SysTime{}).ok());
  for (int n : {4, 5}) {
    Quorum q = quorum_of(s, *s.find(n), SysTime{});
    CHECK_FALSE(q.ok());
    CHECK(q.reachable == 2);
    CHECK(q.needed == 3);
  }
}

TEST_CASE("a replica that rejoins restores quorum", "[quorum]") {
  ClusterState s = test::make_state(3);
  s.find(2)->running = false;
  s.find(3)->running = false;
  CHECK_FALSE(quorum_of(s, *s.find(1), SysTime{}).ok());
  s.find(3)->running = true;
  CHECK(quorum_of(s, *s.find(1), SysTime{}).ok());
  CHECK(replica_health(s, *s.find(1), SysTime{}).status() == 200);
}

TEST_CASE("an even split leaves no side with quorum", "[quorum]") {
  ClusterState s = test::make_state(4);
  s.partitions = {{1, 2}, {3, 4}};
  for (int n = 1; n <= 4; ++n) CHECK_FALSE(quorum_of(s, *s.find(n), SysTime{}).ok());
}
