// tls_slow_handshake: the handshake completes late.
#include "fault_fixture.hpp"

using namespace dtrsim::test;

TEST_CASE("tls_slow_handshake completes the handshake after ms", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "tls_slow_handshake"}, {"ms", 300}});
  TlsProbe p = f.probe(1);
  REQUIRE(p.handshake_ok);
  CHECK(p.handshake_ms >= 300);
  CHECK(p.verify_result == 0);
}
