// garbage: random non-HTTP bytes, then close.
#include "fault_fixture.hpp"

using namespace dtrsim::test;

TEST_CASE("garbage sends bytes that are not HTTP, then closes", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "garbage"}, {"bytes", 100}});
  RawReply reply = f.raw_get(1, "/_ping");
  CHECK_FALSE(reply.timed_out);
  CHECK(reply.bytes.size() == 100);
  CHECK(reply.bytes.rfind("HTTP/", 0) != 0);
  CHECK_FALSE(f.get(1, "/_ping"));  // an HTTP client cannot parse it
}
