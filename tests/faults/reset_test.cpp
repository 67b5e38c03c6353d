// reset: TCP RST, the client's read fails with ECONNRESET (not a timeout).
#include <cerrno>

#include "fault_fixture.hpp"

using namespace dtrsim::test;

TEST_CASE("reset makes the client's read fail with connection reset by peer",
          "[integration][faults]") {
  FaultFixture f;
  f.add(3, {{"type", "reset"}});
  RawReply reply = f.raw_get(3, "/_ping");
  CHECK(reply.error == ECONNRESET);
  CHECK_FALSE(reply.timed_out);
  CHECK(reply.bytes.empty());
  auto res = f.get(3, "/_ping", true);
  CHECK_FALSE(res);  // over TLS too
}
