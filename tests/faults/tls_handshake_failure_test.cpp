// tls_handshake_failure: the handshake is aborted with an alert.
#include "fault_fixture.hpp"

using namespace dtrsim::test;

TEST_CASE("tls_handshake_failure aborts the handshake with an alert", "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "tls_handshake_failure"}});
  TlsProbe p = f.probe(2);
  CHECK(p.connected);
  CHECK_FALSE(p.handshake_ok);
  CHECK_THAT(p.handshake_error, Catch::Contains("handshake failure"));
  CHECK(f.get(2, "/_ping")->status == 200);  // plain HTTP is untouched
  bool journaled = false;
  for (const auto& e : f.journal())
    journaled = journaled || (e.value("event", "") == "tls_handshake_failed" &&
                              e["fault"] == "tls_handshake_failure");
  CHECK(journaled);
}
