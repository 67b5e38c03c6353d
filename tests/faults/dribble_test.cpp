// dribble: the normal response, slowly.
#include <thread>

#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

TEST_CASE("dribble writes the normal response at bytes_per_sec", "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "dribble"}, {"bytes_per_sec", 1000}});
  double ms = 0;
  RawReply reply = f.raw_get(2, "/_ping", &ms);
  CHECK(status_of(reply.bytes) == 200);
  CHECK_THAT(reply.bytes, Catch::EndsWith(kHealthyBody));
  // The whole response at 1000 bytes per second, within scheduling slack.
  CHECK(ms >= reply.bytes.size() * 0.9);
  // In slices of 100 bytes every 100 ms: the bytes arrive spread over that time, not at the end.
  REQUIRE(reply.bytes.size() > 200);
  CHECK(reply.last_byte_ms - reply.first_byte_ms >= (reply.bytes.size() - 100) * 0.8);
}

TEST_CASE("clearing dribble sends the rest of a response in flight at once",
          "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "dribble"}, {"bytes_per_sec", 20}});  // ~12 s for the whole response
  RawReply reply;
  std::thread client([&] { reply = f.raw_get(2, "/_ping", nullptr, std::chrono::seconds(10)); });
  REQUIRE(wait_until([&] { return f.cluster.counters(2).writing == 1; }));
  auto cleared = std::chrono::steady_clock::now();
  f.clear(2);
  client.join();
  CHECK(std::chrono::steady_clock::now() - cleared < std::chrono::seconds(1));
  CHECK(status_of(reply.bytes) == 200);
  CHECK_THAT(reply.bytes, Catch::EndsWith(kHealthyBody));
}
