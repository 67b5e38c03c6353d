// tls_expired_cert: a certificate whose validity has ended.
#include <openssl/x509_vfy.h>

#include "fault_fixture.hpp"

using namespace dtrsim::test;

TEST_CASE("tls_expired_cert fails verification with an expiry error", "[integration][faults]") {
  FaultFixture f;
  f.add(3, {{"type", "tls_expired_cert"}});
  TlsProbe p = f.probe(3);
  REQUIRE(p.handshake_ok);
  CHECK(p.verify_result == X509_V_ERR_CERT_HAS_EXPIRED);
  CHECK(p.verify_error == "certificate has expired");
  CHECK_FALSE(f.get(3, "/_ping", true));  // a verifying client refuses it
}
