// tls_wrong_host: a certificate for another name.
#include <openssl/x509_vfy.h>

#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

TEST_CASE("tls_wrong_host fails host verification", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "tls_wrong_host"}});
  TlsProbe p = f.probe(1, "localhost");
  REQUIRE(p.handshake_ok);
  CHECK(p.verify_result == X509_V_ERR_HOSTNAME_MISMATCH);
}

TEST_CASE("tls_wrong_host counts a connection whose client hangs up at the certificate",
          "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "tls_wrong_host"}});
  CHECK_FALSE(f.get(1, "/_ping", true));  // a verifying client refuses it and sends no request
  CHECK(wait_until([&] { return f.applied(1, "tls_wrong_host") == 1; }));
  CHECK(f.journal().back()["fault"] == "tls_wrong_host");
}
