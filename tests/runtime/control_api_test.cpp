// Every command through the control API, observed on the replicas' real sockets.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "net/socket.hpp"
#include "support/cluster_fixture.hpp"
#include "support/wait.hpp"

using namespace dtrsim;
using namespace dtrsim::test;
using nlohmann::json;

namespace {
std::string basic(const std::string& up) { return "Basic " + base64_encode(up); }
} // namespace

TEST_CASE("fail flips /_ping to 503 naming the service and recover flips it back",
          "[integration][control]") {
  ClusterFixture f;
  auto [status, body] = f.post({{"do", "fail"}, {"replica", 2}, {"service", "rethinkdb"},
                                {"error", "dial tcp 10.0.0.4:28015: i/o timeout"}});
  CHECK(status == 200);
  CHECK(body["replicas"][1]["services"]["rethinkdb"] ==
        json{{"healthy", false}, {"error", "dial tcp 10.0.0.4:28015: i/o timeout"}});
  for (bool tls : {false, true}) {
    auto res = f.get(2, "/_ping", tls);
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(res->body ==
          R"({"Error":"rethinkdb: dial tcp 10.0.0.4:28015: i/o timeout","Healthy":false})");
    CHECK(f.get(1, "/_ping", tls)->status == 200);
  }
  CHECK(f.post({{"do", "recover"}, {"replica", "replica-2"}}).first == 200);
  CHECK(f.get(2, "/_ping")->status == 200);
}

TEST_CASE("a stopped replica refuses connections and start reopens the same ports",
          "[integration][control]") {
  ClusterFixture f;
  ReplicaInfo before = f.replica(3);
  CHECK(f.post({{"do", "stop"}, {"replica", 3}}).first == 200);
  CHECK(connect_tcp(before.address, before.http_port) == -1);
  CHECK(connect_tcp(before.address, before.https_port) == -1);
  CHECK(f.post({{"do", "start"}, {"replica", 3}}).first == 200);
  ReplicaInfo after = f.replica(3);
  CHECK(after.http_port == before.http_port);
  CHECK(after.https_port == before.https_port);
  CHECK(f.get(3, "/_ping", true)->status == 200);
}

TEST_CASE("stopping 2 of 3 replicas loses quorum on the survivor", "[integration][control]") {
  ClusterFixture f;
  CHECK(f.post(json::array({{{"do", "stop"}, {"replica", 2}}, {{"do", "stop"}, {"replica", 3}}})).first == 200);
  auto res = f.get(1, "/_ping");
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK_THAT(res->body, Catch::Contains(
      R"x("Error":"internal server error: quorum lost (1 of 3 replicas reachable, 2 needed)")x"));
  res = f.get(1, "/api/v0/meta/cluster_status", true, {{"Authorization", basic("admin:password")}});
  CHECK(res->status == 503);
  CHECK(json::parse(res->body).contains("errors"));
  CHECK(f.post({{"do", "start"}, {"replica", 2}}).first == 200);
  CHECK(f.get(1, "/_ping")->status == 200);
}

TEST_CASE("a partition 1|2,3 leaves only the majority side healthy until heal",
          "[integration][control]") {
  ClusterFixture f;
  auto [status, body] = f.post({{"do", "partition"}, {"groups", {{1}, {2, 3}}}});
  CHECK(status == 200);
  CHECK(body["partitions"] == json{{"replica-1"}, {"replica-2", "replica-3"}});
  CHECK(f.get(1, "/_ping")->status == 503);
  CHECK(f.get(2, "/_ping")->status == 200);
  CHECK(f.get(3, "/_ping")->status == 200);
  CHECK(f.post({{"do", "heal"}}).first == 200);
  CHECK(f.get(1, "/_ping")->status == 200);
}

TEST_CASE("across a partition, the minority's cluster_status is 503 and the majority sees it stale",
          "[integration][control]") {
  ClusterConfig config = ephemeral_config();
  config.heartbeat = std::chrono::milliseconds(50);
  ClusterFixture f(config);
  auto view_of = [&](int n) {
    auto r = f.get(n, "/api/v0/meta/cluster_status", true, {{"Authorization", basic("admin:password")}});
    REQUIRE(r);
    return std::pair{r->status, json::parse(r->body)};
  };
  REQUIRE(f.post({{"do", "partition"}, {"groups", {{1}, {2, 3}}}}).first == 200);
  auto [minority, errors] = view_of(1);
  CHECK(minority == 503);
  CHECK_THAT(errors["errors"][0]["message"].get<std::string>(),
             Catch::Contains("quorum lost (1 of 3 replicas reachable)"));
  auto [status, before] = view_of(2);
  REQUIRE(status == 200);
  std::string frozen = before["replica_timestamp"]["000000000001"];
  std::string own = before["replica_timestamp"]["000000000002"];
  CHECK(wait_until([&] { return view_of(2).second["replica_timestamp"]["000000000002"] != own; },
                   std::chrono::seconds(3)));
  CHECK(view_of(2).second["replica_timestamp"]["000000000001"] == frozen);
  CHECK(view_of(2).second["rethink_system_tables"]["server_status"].size() == 2);
}

TEST_CASE("the DTR 2.1 profile adds etcd_status to cluster_status", "[integration][control]") {
  ClusterConfig config = ephemeral_config();
  config.dtr_version = "2.1";
  ClusterFixture f(config);
  auto res = f.get(2, "/api/v0/meta/cluster_status", true, {{"Authorization", basic("admin:password")}});
  REQUIRE(res);
  CHECK(res->status == 200);
  json body = json::parse(res->body);
  REQUIRE(body.contains("etcd_status"));
  CHECK(body["etcd_status"]["health"] == "true");
  CHECK(body["etcd_status"]["members"].size() == 3);
  CHECK(body.size() == 6);  // the five fields of later versions, and etcd_status
}

TEST_CASE("join starts a new replica seen in cluster_status and remove closes it",
          "[integration][control]") {
  ClusterConfig config = ephemeral_config();
  config.heartbeat = std::chrono::milliseconds(50);
  ClusterFixture f(config);
  auto [status, body] = f.post({{"do", "join"}});
  REQUIRE(status == 200);
  CHECK(body["replicas"].size() == 4);
  CHECK(body["warnings"].size() == 1);
  CHECK(f.get(4, "/_ping", true)->status == 200);
  // After its first heartbeat it is in every replica's cluster_status, its own included.
  for (int observer = 1; observer <= 4; ++observer) {
    CAPTURE(observer);
    auto in_status_of = [&] {
      auto res = f.get(observer, "/api/v0/meta/cluster_status", true,
                       {{"Authorization", basic("admin:password")}});
      return res && res->status == 200 &&
             json::parse(res->body)["replica_health"].value("000000000004", "") == "OK";
    };
    CHECK(wait_until(in_status_of));
  }
  ReplicaInfo r4 = f.replica(4);
  CHECK(f.post({{"do", "remove"}, {"replica", 4}}).first == 200);
  CHECK(connect_tcp(r4.address, r4.http_port) == -1);
  // Quorum is recomputed on three replicas: stopping one keeps it.
  CHECK(f.post({{"do", "stop"}, {"replica", 3}}).first == 200);
  CHECK(f.get(1, "/_ping")->status == 200);
}

TEST_CASE("cluster_status needs admin credentials and shows a stopped replica as stale",
          "[integration][control]") {
  ClusterConfig config = ephemeral_config();
  config.heartbeat = std::chrono::milliseconds(50);
  config.users = {{"alice", "secret", false}};
  ClusterFixture f(config);
  auto res = f.get(1, "/api/v0/meta/cluster_status", true);
  CHECK(res->status == 401);
  CHECK(res->get_header_value("WWW-Authenticate") == "Basic realm=\"dtr\"");
  res = f.get(1, "/api/v0/meta/cluster_status", true, {{"Authorization", basic("alice:secret")}});
  CHECK(res->status == 403);

  auto view = [&] {
    auto r = f.get(1, "/api/v0/meta/cluster_status", true, {{"Authorization", basic("admin:password")}});
    REQUIRE(r);
    REQUIRE(r->status == 200);
    return json::parse(r->body);
  };
  CHECK(f.post({{"do", "stop"}, {"replica", 2}}).first == 200);
  std::string frozen = view()["replica_timestamp"]["000000000002"];
  std::string mine = view()["replica_timestamp"]["000000000001"];
  // Timestamps have one-second resolution: wait until replica 1's own advances.
  CHECK(wait_until([&] { return view()["replica_timestamp"]["000000000001"] != mine; },
                   std::chrono::seconds(3)));
  CHECK(view()["replica_timestamp"]["000000000002"] == frozen);
  CHECK(view()["replica_health"]["000000000002"] == "OK");
}

TEST_CASE("readonly shows in cluster_status and reset restores everything", "[integration][control]") {
  ClusterFixture f;
  CHECK(f.post(json::array({{{"do", "readonly"}, {"replica", 1}, {"on", true}},
                            {{"do", "fail"}, {"replica", "*"}, {"service", "garant"}},
                            {{"do", "stop"}, {"replica", 3}}})).first == 200);
  auto res = f.get(1, "/api/v0/meta/cluster_status", true, {{"Authorization", basic("admin:password")}});
  CHECK(json::parse(res->body)["replica_readonly"]["000000000001"] == true);
  auto [status, body] = f.post({{"do", "reset"}});
  CHECK(status == 200);
  for (const auto& r : body["replicas"]) {
    CHECK(r["running"] == true);
    CHECK(r["readonly"] == false);
    CHECK(r["health"]["status"] == 200);
  }
  CHECK(f.get(3, "/_ping")->status == 200);
}

TEST_CASE("bad commands are 400 with error and path, and change nothing",
          "[integration][control]") {
  ClusterFixture f;
  auto [status, body] = f.post(json::array({{{"do", "fail"}, {"replica", 1}, {"service", "registry"}},
                                            {{"do", "stop"}, {"replica", "replica-9"}}}));
  CHECK(status == 400);
  CHECK(body == json{{"error", "no replica \"replica-9\""}, {"path", "[1].replica"}});
  CHECK(f.get(1, "/_ping")->status == 200);  // the first command was not applied either
  auto res = f.api->Post("/v1/commands", "{not json", "application/json");
  CHECK(res->status == 400);
  CHECK(json::parse(res->body)["error"] ==
        "the body is not valid JSON: expected a command object or an array of them");
  res = f.api->Get("/v1/nope");
  CHECK(res->status == 404);
  CHECK_THAT(json::parse(res->body)["error"].get<std::string>(), Catch::StartsWith("no such endpoint"));
}

TEST_CASE("a replica index beyond any replica is refused, never wrapped to another one",
          "[integration][control]") {
  ClusterFixture f;
  for (json index : {json(4294967298ULL), json(-1), json(0), json(2147483649LL)}) {
    CAPTURE(index);
    auto [status, body] = f.post({{"do", "fail"}, {"replica", index}, {"service", "registry"}});
    CHECK(status == 400);
    CHECK(body["path"] == "replica");
  }
  for (int n = 1; n <= 3; ++n) CHECK(f.get(n, "/_ping")->status == 200);
}

TEST_CASE("a valid command that cannot be carried out is 409, and earlier ones stay applied",
          "[integration][control]") {
  ClusterFixture f;
  int outsider = dtrsim::net::listen_on("127.0.0.1", 0, 4);  // a port another program holds
  int taken = dtrsim::net::local_port(outsider);
  auto [status, body] = f.post(json::array({{{"do", "fail"}, {"replica", 2}, {"service", "notary"}},
                                            {{"do", "join"}, {"http_port", taken}}}));
  CHECK(status == 409);
  CHECK(body["path"] == "[1]");
  CHECK_THAT(body["error"].get<std::string>(), Catch::Contains("Address already in use"));
  CHECK_THAT(body["error"].get<std::string>(), Catch::Contains("the commands before it were applied"));
  CHECK(f.get(2, "/_ping")->status == 503);
  CHECK(json::parse(f.api->Get("/v1/cluster")->body)["replicas"].size() == 3);
  ::close(outsider);
}

TEST_CASE("the answer to POST /v1/commands is the state the commands left", "[integration][control]") {
  ClusterFixture f;
  auto [status, body] = f.post(json::array({{{"do", "stop"}, {"replica", 3}},
                                            {{"do", "fail"}, {"replica", 1}, {"service", "garant"}}}));
  REQUIRE(status == 200);
  CHECK(body["replicas"][2]["running"] == false);
  CHECK(body["replicas"][0]["services"]["garant"]["healthy"] == false);
  CHECK(body["replicas"][0]["health"]["status"] == 503);
  CHECK(body["replicas"][1]["quorum"] == json{{"reachable", 2}, {"size", 3}, {"needed", 2}, {"ok", true}});
  CHECK(body["warnings"] == json::array());
}

TEST_CASE("GET /v1/cluster describes replicas, health, quorum and partitions",
          "[integration][control]") {
  ClusterFixture f;
  auto res = f.api->Get("/v1/cluster");
  REQUIRE(res);
  json c = json::parse(res->body);
  CHECK(c["profile"] == "2.7");
  CHECK(c["failures_tolerated"] == 1);
  REQUIRE(c["replicas"].size() == 3);
  const json& r = c["replicas"][0];
  CHECK(r["id"] == "000000000001");
  CHECK(r["name"] == "replica-1");
  CHECK(r["https_url"] == f.replica(1).https_url);
  CHECK(r["quorum"] == json{{"reachable", 3}, {"size", 3}, {"needed", 2}, {"ok", true}});
  CHECK(r["services"]["notary"] == json{{"healthy", true}});
  CHECK(c["partitions"] == json::array());
  res = f.api->Get("/");
  CHECK(res->status == 200);
  CHECK_THAT(res->body, Catch::Contains("/v1/cluster"));
}

TEST_CASE("the journal records each request, filters and clears", "[integration][control]") {
  ClusterFixture f;
  f.api->Delete("/v1/journal");
  REQUIRE(f.get(1, "/_ping"));
  REQUIRE(f.get(2, "/health", true, {{"Host", "dtr.example.com"}}));
  json j;
  CHECK(wait_until([&] {
    j = json::parse(f.api->Get("/v1/journal")->body);
    return j["entries"].size() == 2;
  }));
  REQUIRE(j["entries"].size() == 2);
  const json& e = j["entries"][1];
  CHECK(e["replica"] == "000000000002");
  CHECK(e["name"] == "replica-2");
  CHECK(e["port"] == "https");
  CHECK(e["method"] == "GET");
  CHECK(e["path"] == "/health");
  CHECK(e["host"] == "dtr.example.com");
  CHECK(e["status"] == 200);
  CHECK_THAT(e["peer"].get<std::string>(), Catch::StartsWith("127.0.0.1:"));
  CHECK(e["duration_ms"].get<double>() >= 0);
  json only2 = json::parse(f.api->Get("/v1/journal?replica=replica-2")->body);
  CHECK(only2["entries"].size() == 1);
  json after = json::parse(f.api->Get(("/v1/journal?since=" + j["entries"][0]["seq"].dump()).c_str())->body);
  CHECK(after["entries"].size() == 1);
  CHECK(json::parse(f.api->Get("/v1/journal?limit=1")->body)["entries"].size() == 1);
  auto res = f.api->Get("/v1/journal?limit=zero");
  CHECK(res->status == 400);
  CHECK(json::parse(res->body)["path"] == "limit");
  res = f.api->Get("/v1/journal?replica=replica-7");
  CHECK(res->status == 400);
  CHECK(json::parse(f.api->Delete("/v1/journal")->body)["cleared"] == 2);
  CHECK(json::parse(f.api->Get("/v1/journal")->body)["entries"].empty());
}

TEST_CASE("the journal keeps the last N entries per replica", "[integration][control]") {
  ClusterConfig config = ephemeral_config(1);
  config.journal_size = 5;
  ClusterFixture f(config);
  for (int i = 0; i < 8; ++i) REQUIRE(f.get(1, "/_ping"));
  // A replica journals an exchange once its response is written: the client may read it first.
  json j;
  CHECK(wait_until([&] {
    j = json::parse(f.api->Get("/v1/journal")->body);
    return j["last_seq"] == 8;
  }));
  CHECK(j["entries"].size() == 5);
  CHECK(j["entries"][0]["seq"] == 4);
}

TEST_CASE("without since the journal answers its newest entries; with since it pages forward",
          "[integration][control]") {
  ClusterFixture f(ephemeral_config(1));
  for (int i = 0; i < 6; ++i) REQUIRE(f.get(1, "/_ping"));
  CHECK(wait_until([&] { return json::parse(f.api->Get("/v1/journal")->body)["last_seq"] == 6; }));
  json tail = json::parse(f.api->Get("/v1/journal?limit=2")->body);
  REQUIRE(tail["entries"].size() == 2);
  CHECK(tail["entries"][0]["seq"] == 5);
  CHECK(tail["entries"][1]["seq"] == 6);
  json page = json::parse(f.api->Get("/v1/journal?since=0&limit=2")->body);
  REQUIRE(page["entries"].size() == 2);
  CHECK(page["entries"][0]["seq"] == 1);
  json next = json::parse(f.api->Get("/v1/journal?since=2&limit=2")->body);
  CHECK(next["entries"][0]["seq"] == 3);
}

TEST_CASE("/metrics counts requests by replica, port, path and status", "[integration][control]") {
  ClusterFixture f;
  REQUIRE(f.get(1, "/_ping"));
  REQUIRE(f.get(1, "/_ping"));
  f.post({{"do", "stop"}, {"replica", 3}});
  // An exchange is counted once its response is written: the client may read it first.
  std::string m;
  CHECK(wait_until([&] {
    m = f.api->Get("/metrics")->body;
    return m.find("dtrsim_requests_total{replica=\"replica-1\",port=\"http\",path=\"/_ping\","
                  "status=\"200\"} 2\n") != std::string::npos;
  }));
  CHECK_THAT(m, Catch::Contains("dtrsim_replica_up{replica=\"replica-3\"} 0\n"));
  CHECK_THAT(m, Catch::Contains("dtrsim_replica_healthy{replica=\"replica-1\"} 1\n"));
  CHECK_THAT(m, Catch::Contains("dtrsim_replica_quorum{replica=\"replica-2\"} 1\n"));
}

TEST_CASE("with a token, every control request needs it", "[integration][control]") {
  ClusterFixture f(ephemeral_config(1), "s3cret");
  CHECK(f.api->Get("/v1/cluster")->status == 200);
  httplib::Client anonymous(f.control.url());
  auto res = anonymous.Get("/v1/cluster");
  CHECK(res->status == 401);
  CHECK_THAT(json::parse(res->body)["error"].get<std::string>(), Catch::Contains("Bearer"));
  anonymous.set_bearer_token_auth("wrong");
  CHECK(anonymous.Get("/metrics")->status == 401);
  // The scheme is case-insensitive; the token is not.
  httplib::Client lower(f.control.url());
  CHECK(lower.Get("/v1/cluster", {{"Authorization", "bearer s3cret"}})->status == 200);
  CHECK(lower.Get("/v1/cluster", {{"Authorization", "Bearer S3CRET"}})->status == 401);
  CHECK(lower.Get("/v1/cluster", {{"Authorization", "Basic s3cret"}})->status == 401);
}

TEST_CASE("the control API refuses a non-loopback address without a token",
          "[integration][control]") {
  Cluster cluster(ephemeral_config(1));
  ControlServer server(cluster, "");
  CHECK_THROWS_WITH(server.start(ControlAddress{"0.0.0.0", 0}),
                    Catch::Contains("refusing to expose the control API beyond loopback"));
  CHECK_THROWS_WITH(parse_control_address("7070x"), Catch::Contains("is not ADDRESS:PORT"));
  CHECK(parse_control_address("[::1]:9").address == "::1");
  CHECK(parse_control_address("0").port == 0);
}
