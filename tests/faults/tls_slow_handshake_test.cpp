// tls_slow_handshake: the handshake completes late.
#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

TEST_CASE("tls_slow_handshake completes the handshake after ms", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "tls_slow_handshake"}, {"ms", 300}});
  TlsProbe p = f.probe(1);
  REQUIRE(p.handshake_ok);
  CHECK(p.handshake_ms >= 300);
  CHECK(p.verify_result == 0);
}

TEST_CASE("tls_slow_handshake counts once per connection, not per request",
          "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "tls_slow_handshake"}, {"ms", 50}});
  ReplicaInfo r = f.replica(1);
  auto cli = https_client(r.address, r.https_port, f.cluster.ca_pem());
  cli->set_keep_alive(true);
  for (int i = 0; i < 3; ++i) REQUIRE(cli->Get("/_ping")->status == 200);
  CHECK(f.applied(1, "tls_slow_handshake") == 1);
  int handshakes = 0, requests = 0;
  for (const auto& e : f.journal()) {
    if (e["port"] != "https") continue;
    CHECK(e["fault"] == "tls_slow_handshake");  // every entry of the connection names it
    if (e["method"] == "") {
      CHECK(e["detail"] == "TLS handshake completed");
      ++handshakes;
    } else {
      ++requests;
    }
  }
  CHECK(handshakes == 1);
  CHECK(requests == 3);
}
