// Real replicas on ephemeral ports, checked over real HTTP and HTTPS sockets.
#include <catch2/catch.hpp>

#include <set>

#include "dtrsim/cluster.hpp"
#include "support/cluster_fixture.hpp"
#include "support/http_client.hpp"
#include "support/tls_probe.hpp"
#include "support/wait.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

TEST_CASE("replicas answer /_ping over HTTP and over HTTPS verified against the served CA",
          "[integration][replicas]") {
  Cluster cluster(ephemeral_config());
  cluster.start();
  for (const auto& r : cluster.replicas()) {
    auto http = http_client(r.address, r.http_port);
    auto ca = http->Get("/ca");
    REQUIRE(ca);
    CHECK(ca->status == 200);
    CHECK(ca->body == cluster.ca_pem());

    auto res = http->Get("/_ping");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == R"({"Error":"","Healthy":true})");
    CHECK(res->get_header_value("X-Dtrsim-Replica") == r.id);
    CHECK(res->get_header_value("Content-Type") == "application/json");

    auto https = https_client(r.address, r.https_port, ca->body);
    res = https->Get("/_ping");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("X-Dtrsim-Replica") == r.id);
    CHECK(https->get_openssl_verify_result() == 0);
  }
}

TEST_CASE("each replica presents its own certificate, valid for localhost and its address",
          "[integration][replicas]") {
  ClusterConfig config = ephemeral_config();
  config.distinct_addresses = true;
  config.bind = "127.0.1.1";
  Cluster cluster(config);
  cluster.start();
  std::set<std::string> seen;
  for (const auto& r : cluster.replicas()) {
    CHECK(r.address == "127.0.1." + std::to_string(r.number));
    for (const std::string& host : {r.address, std::string("localhost"), config.dtr_fqdn}) {
      TlsProbe p = probe_tls(r.address, r.https_port, cluster.ca_pem(), host);
      REQUIRE(p.handshake_ok);
      CHECK(p.verify_result == 0);
      CHECK(p.fingerprint == r.fingerprint);
    }
    TlsProbe p = probe_tls(r.address, r.https_port, cluster.ca_pem(), "other.example.com");
    CHECK(p.verify_result != 0);
    seen.insert(r.fingerprint);
  }
  CHECK(seen.size() == 3);
}

TEST_CASE("TLS below 1.2 is refused", "[integration][replicas]") {
  Cluster cluster(ephemeral_config(1));
  cluster.start();
  auto r = cluster.replicas().at(0);
  httplib::SSLClient cli(r.address, r.https_port);
  cli.enable_server_certificate_verification(false);
  SSL_CTX_set_max_proto_version(cli.ssl_context(), TLS1_1_VERSION);
  SSL_CTX_set_security_level(cli.ssl_context(), 0);
  auto res = cli.Get("/_ping");
  CHECK_FALSE(res);
}

TEST_CASE("the HTTP port redirects non-health paths to the replica's HTTPS port",
          "[integration][replicas]") {
  Cluster cluster(ephemeral_config(2));
  cluster.start();
  auto r = cluster.replicas().at(1);
  RawReply reply = raw_exchange(r.address, r.http_port,
                                "GET /v2/_catalog HTTP/1.1\r\nHost: dtr.example.com:80\r\n"
                                "Connection: close\r\n\r\n");
  CHECK(status_of(reply.bytes) == 301);
  CHECK_THAT(reply.bytes, Catch::Contains("Location: https://dtr.example.com:" +
                                          std::to_string(r.https_port) + "/v2/_catalog\r\n"));
  CHECK_THAT(reply.bytes, Catch::Contains("X-Dtrsim-Replica: " + r.id + "\r\n"));
}

TEST_CASE("keep-alive, HEAD and malformed requests on the wire", "[integration][replicas]") {
  Cluster cluster(ephemeral_config(1));
  cluster.start();
  auto r = cluster.replicas().at(0);
  RawReply both = raw_exchange(r.address, r.http_port,
                               "GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n"
                               "HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK_FALSE(both.timed_out);
  size_t second = both.bytes.find("HTTP/1.1", 1);
  REQUIRE(second != std::string::npos);
  std::string first = both.bytes.substr(0, second), head = both.bytes.substr(second);
  CHECK(status_of(first) == 200);
  CHECK_THAT(first, Catch::Contains("Connection: keep-alive\r\n"));
  CHECK_THAT(first, Catch::EndsWith(R"({"Error":"","Healthy":true})"));
  // HEAD: the same headers (Content-Length 27) and no body.
  CHECK(status_of(head) == 200);
  CHECK_THAT(head, Catch::Contains("Content-Length: 27\r\n"));
  CHECK_THAT(head, Catch::EndsWith("Connection: close\r\n\r\n"));

  RawReply bad = raw_exchange(r.address, r.http_port, "GET /_ping HTTP/9.9\r\n\r\n");
  CHECK(status_of(bad.bytes) == 505);
  CHECK_THAT(bad.bytes, Catch::Contains("unsupported HTTP version"));
  bad = raw_exchange(r.address, r.http_port, "GET /_ping HTTP/1.1\r\n\r\n");
  CHECK(status_of(bad.bytes) == 400);
  CHECK_THAT(bad.bytes, Catch::Contains("without a Host header"));
  RawReply ok10 = raw_exchange(r.address, r.http_port, "GET /_ping HTTP/1.0\r\n\r\n");
  CHECK(status_of(ok10.bytes) == 200);
}

TEST_CASE("nginx_status counts connections and requests for real", "[integration][replicas]") {
  Cluster cluster(ephemeral_config(1));
  cluster.start();
  auto r = cluster.replicas().at(0);
  auto cli = http_client(r.address, r.http_port);
  cli->set_keep_alive(true);
  for (int i = 0; i < 4; ++i) REQUIRE(cli->Get("/_ping"));
  int idle = connect_tcp(r.address, r.http_port);  // accepted, waiting for a request
  REQUIRE(idle >= 0);
  REQUIRE(wait_until([&] { return cluster.counters(1).waiting == 2; }));
  auto res = raw_exchange(r.address, r.http_port,
                          "GET /nginx_status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  // 3 connections accepted; 5 requests (4 pings and this one); this one is writing, the
  // keep-alive client and the idle socket are waiting.
  CHECK_THAT(res.bytes, Catch::EndsWith("Active connections: 3 \nserver accepts handled requests\n"
                                        " 3 3 5 \nReading: 0 Writing: 1 Waiting: 2 \n"));
  ::close(idle);
}

TEST_CASE("without the replica header option, X-Dtrsim-Replica is left out", "[integration][replicas]") {
  ClusterConfig config = ephemeral_config(1);
  config.replica_header = false;
  Cluster cluster(config);
  cluster.start();
  auto r = cluster.replicas().at(0);
  auto res = http_client(r.address, r.http_port)->Get("/_ping");
  REQUIRE(res);
  CHECK_FALSE(res->has_header("X-Dtrsim-Replica"));
}

TEST_CASE("a port in use fails start with its address and leaves nothing listening",
          "[integration][replicas]") {
  Cluster first(ephemeral_config(1));
  first.start();
  int taken = first.replicas().at(0).https_port;
  ClusterConfig config = ephemeral_config(1);
  config.https_port = taken;
  Cluster second(config);
  try {
    second.start();
    FAIL("start() should have thrown");
  } catch (const StartError& e) {
    CHECK_THAT(e.what(), Catch::Contains("127.0.0.1:" + std::to_string(taken)));
    CHECK_THAT(e.what(), Catch::Contains("Address already in use"));
  }
  CHECK(first.replicas().at(0).running);
}
