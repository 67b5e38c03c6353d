// tls_wrong_host: a certificate for another name.
#include <openssl/x509_vfy.h>

#include "fault_fixture.hpp"

using namespace dtrsim::test;

TEST_CASE("tls_wrong_host fails host verification", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "tls_wrong_host"}});
  TlsProbe p = f.probe(1, "localhost");
  REQUIRE(p.handshake_ok);
  CHECK(p.verify_result == X509_V_ERR_HOSTNAME_MISMATCH);
}
