// The replicas' route table, row by row of the spec's endpoint table, for every version profile.
#include <catch2/catch.hpp>

#include "dtrsim/endpoints.hpp"
#include "support/fixtures.hpp"

using namespace dtrsim;
using test::make_state;
using test::request;
using test::Responder;

namespace {
bool is_ping_profile(const std::string& p) { return p != "2.0" && p != "2.1" && p != "2.2"; }
const std::string kHealthy = R"({"Error":"","Healthy":true})";
} // namespace

TEST_CASE("health endpoints follow the version profile on both ports", "[endpoints]") {
  for (const auto& profile : profile_names()) {
    CAPTURE(profile);
    ClusterState s = make_state(3, profile);
    Responder r{s};
    bool ping = is_ping_profile(profile);

    // /_ping: 2.3 and later
    auto res = r.get(1, Port::https, "/_ping");
    CHECK(res.status == (ping ? 200 : 404));
    if (ping) CHECK(res.body == kHealthy);
    CHECK(r.get(1, Port::http, "/_ping").status == (ping ? 200 : 301));

    // /health: every profile, same body as /_ping
    for (Port port : {Port::http, Port::https}) {
      res = r.get(1, port, "/health");
      CHECK(res.status == 200);
      CHECK(res.body == kHealthy);
      CHECK(*res.header("Content-Type") == "application/json");
    }

    // /load_balancer_status: 2.0 to 2.2
    res = r.get(1, Port::https, "/load_balancer_status");
    CHECK(res.status == (ping ? 404 : 200));
    if (!ping) {
      CHECK(res.body.rfind("SERVICE     STATUS\nregistry    ok\n", 0) == 0);
      CHECK(res.body.find("quorum      ok (3 of 3 replicas reachable)") != std::string::npos);
    }

    // /nginx_status, /ca: every profile, both ports
    for (Port port : {Port::http, Port::https}) {
      CHECK(r.get(1, port, "/nginx_status").status == 200);
      res = r.get(1, port, "/ca");
      CHECK(res.status == 200);
      CHECK(res.body == r.ca_pem);
    }
  }
}

TEST_CASE("an unhealthy replica answers 503 naming every failed service", "[endpoints]") {
  ClusterState s = make_state(3);
  test::fail(s, 2, Service::rethinkdb);
  Responder r{s};
  auto res = r.get(2, Port::https, "/_ping");
  CHECK(res.status == 503);
  CHECK(res.body ==
        R"({"Error":"rethinkdb: dial tcp 10.0.0.4:28015: connect: connection refused","Healthy":false})");
  CHECK(r.get(1, Port::https, "/_ping").status == 200);

  test::fail(s, 2, Service::registry, "filesystem: no space left on device");
  res = r.get(2, Port::http, "/health");
  CHECK(res.status == 503);
  CHECK(res.body == R"({"Error":"registry: filesystem: no space left on device; rethinkdb: dial )"
                    R"(tcp 10.0.0.4:28015: connect: connection refused","Healthy":false})");
}

TEST_CASE("each of the four services fails /_ping on its own", "[endpoints]") {
  for (Service svc : {Service::registry, Service::garant, Service::rethinkdb, Service::notary}) {
    ClusterState s = make_state(3);
    test::fail(s, 1, svc, "boom");
    auto res = Responder{s}.get(1, Port::https, "/_ping");
    CHECK(res.status == 503);
    CHECK(res.body == "{\"Error\":\"" + std::string(service_name(svc)) +
                          ": boom\",\"Healthy\":false}");
  }
}

TEST_CASE("a failed api server gives NGINX's 502 page on health paths, not JSON", "[endpoints]") {
  ClusterState s = make_state(3, "2.1");
  test::fail(s, 1, Service::api);
  Responder r{s};
  for (const char* path : {"/health", "/load_balancer_status"}) {
    auto res = r.get(1, Port::https, path);
    CHECK(res.status == 502);
    CHECK(*res.header("Content-Type") == "text/html");
    CHECK(res.body.find("<title>502 Bad Gateway</title>") != std::string::npos);
    CHECK(res.body.find("<center>nginx</center>") != std::string::npos);
  }
}

TEST_CASE("the load balancer status table shows each service's state", "[endpoints]") {
  ClusterState s = make_state(3, "2.0");
  test::fail(s, 1, Service::garant, "token signing key missing");
  auto res = Responder{s}.get(1, Port::http, "/load_balancer_status");
  CHECK(res.status == 503);
  CHECK(res.body ==
        "SERVICE     STATUS\n"
        "registry    ok\n"
        "garant      failed: token signing key missing\n"
        "rethinkdb   ok\n"
        "notary      ok\n"
        "quorum      ok (3 of 3 replicas reachable)\n");
}

TEST_CASE("nginx_status prints NGINX stub_status text from the counters", "[endpoints]") {
  ClusterState s = make_state(1);
  Responder r{s};
  r.nginx = NginxCounters{16, 16, 31, 1, 2, 3};
  auto res = r.get(1, Port::http, "/nginx_status");
  CHECK(res.body ==
        "Active connections: 6 \n"
        "server accepts handled requests\n"
        " 16 16 31 \n"
        "Reading: 1 Writing: 2 Waiting: 3 \n");
}

TEST_CASE("the HTTP port redirects every other path to the HTTPS port", "[endpoints]") {
  ClusterState s = make_state(3);
  Responder r{s};
  auto res = r(2, Port::http, request("GET", "/v2/library/alpine/manifests/latest?x=1",
                                      {{"Host", "dtr.example.com:8081"}}));
  CHECK(res.status == 301);
  CHECK(*res.header("Location") == "https://dtr.example.com:8444/v2/library/alpine/manifests/latest?x=1");
  res = r(1, Port::http, request("GET", "/api/v0/meta/cluster_status", {{"Host", "[::1]:8080"}}));
  CHECK(res.status == 301);
  CHECK(*res.header("Location") == "https://[::1]:8443/api/v0/meta/cluster_status");
  res = r(1, Port::http, request("GET", "/nope", {}));
  CHECK(*res.header("Location") == "https://127.0.0.1:8443/nope");
}

TEST_CASE("/v2/ challenges with the registry's token realm built from Host", "[endpoints]") {
  ClusterState s = make_state(1);
  auto res = Responder{s}(1, Port::https, request("GET", "/v2/", {{"Host", "dtr.example.com"}}));
  CHECK(res.status == 401);
  CHECK(res.body == R"({"errors":[{"code":"UNAUTHORIZED","message":"access to the requested )"
                    R"(resource is not authorized","detail":null}]})");
  CHECK(*res.header("WWW-Authenticate") ==
        R"(Bearer realm="https://dtr.example.com/auth/token",service="dtr.example.com")");
}

TEST_CASE("unknown paths are 404 JSON, wrong methods 405, HEAD has no body", "[endpoints]") {
  ClusterState s = make_state(1);
  Responder r{s};
  auto res = r.get(1, Port::https, "/no/such/thing");
  CHECK(res.status == 404);
  CHECK(res.body == R"({"errors":[{"code":"NOT_FOUND","message":"no such path: /no/such/thing"}]})");
  res = r(1, Port::https, request("POST", "/_ping"));
  CHECK(res.status == 405);
  CHECK(*res.header("Allow") == "GET, HEAD");
  res = r(1, Port::http, request("DELETE", "/health"));
  CHECK(res.status == 405);
  res = r(1, Port::https, request("HEAD", "/_ping"));
  CHECK(res.status == 200);
  CHECK(res.omit_body);
  CHECK(res.body == kHealthy);  // kept for Content-Length
}

TEST_CASE("every row of the endpoint table holds on every profile, healthy or not",
          "[endpoints]") {
  const std::vector<std::string> paths = {"/_ping", "/health", "/load_balancer_status",
                                          "/nginx_status", "/ca", "/api/v0/meta/cluster_status",
                                          "/v2/", "/no/such/thing"};
  for (const auto& profile : profile_names()) {
    CAPTURE(profile);
    bool ping = is_ping_profile(profile);
    std::vector<std::string> health = {"/health"};
    health.push_back(ping ? "/_ping" : "/load_balancer_status");

    for (Port port : {Port::http, Port::https}) {
      CAPTURE(port_name(port));
      // A failed service: 503 on every health path, the service named.
      ClusterState failed = make_state(3, profile);
      test::fail(failed, 1, Service::notary, "signer unreachable");
      for (const auto& path : health) {
        CAPTURE(path);
        auto res = Responder{failed}.get(1, port, path);
        CHECK(res.status == 503);
        CHECK_THAT(res.body, Catch::Contains("signer unreachable"));
      }
      // The api server down: NGINX's 502 page.
      ClusterState no_api = make_state(3, profile);
      test::fail(no_api, 1, Service::api);
      for (const auto& path : health) CHECK(Responder{no_api}.get(1, port, path).status == 502);
      // Quorum lost: 503 with "internal server error".
      ClusterState lost = make_state(3, profile);
      lost.find(2)->running = false;
      lost.find(3)->running = false;
      for (const auto& path : health) {
        auto res = Responder{lost}.get(1, port, path);
        CHECK(res.status == 503);
        CHECK_THAT(res.body, Catch::Contains("lost (1 of 3 replicas reachable"));
      }
      // Wrong methods on health paths: 405 on both ports.
      ClusterState s = make_state(3, profile);
      Responder r{s};
      for (const auto& path : health) CHECK(r(1, port, request("POST", path)).status == 405);
      // /v2/ and unknown paths: HTTPS answers them, HTTP redirects them.
      CHECK(r.get(1, port, "/v2/").status == (port == Port::https ? 401 : 301));
      CHECK(r.get(1, port, "/no/such/thing").status == (port == Port::https ? 404 : 301));
      // HEAD: the status and headers of GET, never a body, on every path (404 and 301 too).
      for (const auto& path : paths) {
        CAPTURE(path);
        HttpResponse get = r(1, port, request("GET", path));
        HttpResponse head = r(1, port, request("HEAD", path));
        CHECK(head.status == get.status);
        CHECK(head.omit_body);
        CHECK_FALSE(get.omit_body);
        REQUIRE(head.headers.size() == get.headers.size());
        for (size_t i = 0; i < get.headers.size(); ++i) {
          CHECK(head.headers[i].name == get.headers[i].name);
          CHECK(head.headers[i].value == get.headers[i].value);
        }
      }
    }
  }
}
