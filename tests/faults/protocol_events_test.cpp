// Protocol mistakes are journal events: how a user finds swapped upstreams in an LB config.
#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;
using nlohmann::json;

namespace {
json last_event(FaultFixture& f) {
  json found;
  for (const auto& e : f.journal())
    if (e.contains("event")) found = e;
  return found;
}
} // namespace

TEST_CASE("a TLS ClientHello on the HTTP port is answered 400 and journaled",
          "[integration][faults]") {
  FaultFixture f;
  ReplicaInfo r = f.replica(1);
  TlsProbe p = probe_tls(r.address, r.http_port);
  CHECK_FALSE(p.handshake_ok);
  json e = last_event(f);
  CHECK(e["event"] == "tls_on_http_port");
  CHECK(e["port"] == "http");
  CHECK_THAT(e["detail"].get<std::string>(), Catch::Contains("HTTPS upstream"));
  CHECK_THAT(f.api->Get("/metrics")->body,
             Catch::Contains("dtrsim_protocol_events_total{replica=\"replica-1\",event=\"tls_on_http_port\"} 1"));
}

TEST_CASE("plain HTTP on the HTTPS port gets NGINX's 400 and is journaled",
          "[integration][faults]") {
  FaultFixture f;
  ReplicaInfo r = f.replica(2);
  RawReply reply = raw_exchange(r.address, r.https_port, "GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(status_of(reply.bytes) == 400);
  CHECK_THAT(reply.bytes, Catch::Contains("The plain HTTP request was sent to HTTPS port"));
  CHECK(last_event(f)["event"] == "plain_http_on_https_port");
}

TEST_CASE("a request without Host is journaled", "[integration][faults]") {
  FaultFixture f;
  ReplicaInfo r = f.replica(3);
  RawReply reply = raw_exchange(r.address, r.http_port, "GET /_ping HTTP/1.0\r\n\r\n");
  CHECK(status_of(reply.bytes) == 200);
  json e = last_event(f);
  CHECK(e["event"] == "missing_host");
  CHECK(e["status"] == 200);
  CHECK(e["detail"] == "HTTP/1.0 request without a Host header");
}
