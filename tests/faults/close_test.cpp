// close: the connection closes with no response: an empty reply.
#include "fault_fixture.hpp"

using namespace dtrsim::test;

TEST_CASE("close ends the connection without a response", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "close"}});
  RawReply reply = f.raw_get(1, "/_ping");
  CHECK(reply.bytes.empty());
  CHECK(reply.error == 0);
  CHECK_FALSE(reply.timed_out);
  auto res = f.get(1, "/_ping");
  REQUIRE_FALSE(res);
}
