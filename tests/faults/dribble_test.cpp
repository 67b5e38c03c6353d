// dribble: the normal response, slowly.
#include "fault_fixture.hpp"

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
}
