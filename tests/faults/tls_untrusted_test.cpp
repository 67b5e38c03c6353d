// tls_untrusted: a certificate not signed by the CA.
#include <openssl/x509_vfy.h>

#include "fault_fixture.hpp"

using namespace dtrsim::test;

TEST_CASE("tls_untrusted presents a certificate the CA did not sign", "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "tls_untrusted"}});
  TlsProbe p = f.probe(2);
  REQUIRE(p.handshake_ok);
  CHECK(p.verify_result == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
  f.clear(2);
  CHECK(f.probe(2).verify_result == 0);
}
