// cluster_status: fields, staleness, RethinkDB tables, size, auth and quorum.
#include <catch2/catch.hpp>

#include "dtrsim/auth.hpp"
#include "dtrsim/cluster_status.hpp"
#include "dtrsim/health_cache.hpp"
#include "support/fixtures.hpp"

using namespace dtrsim;
using nlohmann::json;

TEST_CASE("cluster_status reports the cache as one replica observes it", "[cluster_status]") {
  ManualClock clock;
  ClusterState s = test::make_state(3);
  record_heartbeats(s, clock.now());
  std::string first = format_rfc3339(clock.now());
  s.find(2)->running = false;
  s.find(3)->readonly = true;
  test::fail(s, 3, Service::registry, "disk full");
  clock.advance(std::chrono::seconds(30));
  record_heartbeats(s, clock.now());

  json j = cluster_status_json(s, *s.find(1), clock.now());
  CHECK(j["replica_health"] == json{{"000000000001", "OK"}, {"000000000002", "OK"},
                                    {"000000000003", "registry: disk full"}});
  CHECK(j["replica_timestamp"]["000000000002"] == first);
  CHECK(j["replica_timestamp"]["000000000001"] == format_rfc3339(clock.now()));
  CHECK(j["replica_readonly"] == json{{"000000000001", false}, {"000000000002", false},
                                      {"000000000003", true}});
  CHECK(j["gc_lock_holder"] == "");
  CHECK_FALSE(j.contains("etcd_status"));
}

TEST_CASE("rethink_system_tables has RethinkDB's seven tables for the replicas that exist",
          "[cluster_status]") {
  ClusterState s = test::make_state(3);
  s.find(3)->running = false;
  json t = rethink_system_tables(s, *s.find(1), SysTime{});
  for (const char* table : {"cluster_config", "current_issues", "db_config", "server_status",
                            "stats", "table_config", "table_status"})
    CHECK(t.contains(table));
  CHECK(t["cluster_config"][0]["id"] == "heartbeat");
  REQUIRE(t["server_status"].size() == 2);  // replica 3 is not reachable
  const json& server = t["server_status"][0];
  CHECK(server["name"] == "dtr_rethinkdb_000000000001");
  CHECK(server["network"]["canonical_addresses"][0] ==
        json{{"host", "dtr-rethinkdb-000000000001.dtr-ol"}, {"port", 29015}});
  CHECK(server["network"]["connected_to"]["dtr_rethinkdb_000000000003"] == false);
  std::vector<std::string> dbs;
  for (const auto& db : t["db_config"]) dbs.push_back(db["name"]);
  CHECK(dbs == std::vector<std::string>{"dtr2", "jobrunner", "notaryserver", "notarysigner"});
  bool disconnected_issue = false;
  for (const auto& issue : t["current_issues"])
    if (issue["type"] == "server_disconnected" &&
        issue["info"]["disconnected_server"] == "dtr_rethinkdb_000000000003") {
      disconnected_issue = true;
      CHECK(issue["description"] ==
            "Server `dtr_rethinkdb_000000000003` is disconnected from the cluster. Reported by: "
            "`dtr_rethinkdb_000000000001`, `dtr_rethinkdb_000000000002`.");
    }
  CHECK(disconnected_issue);
  for (const auto& ts : t["table_status"]) CHECK(ts["status"]["all_replicas_ready"] == false);
  CHECK(t["table_config"][0]["shards"][0]["replicas"].size() == 3);
}

TEST_CASE("cluster_status is about 45 KB for three replicas", "[cluster_status]") {
  ClusterState s = test::make_state(3);
  record_heartbeats(s, SysTime{});
  size_t size = cluster_status_json(s, *s.find(1), SysTime{}).dump().size();
  CHECK(size > 35'000);
  CHECK(size < 60'000);
}

TEST_CASE("profile 2.1 adds etcd_status", "[cluster_status]") {
  ClusterState s = test::make_state(3, "2.1");
  json j = cluster_status_json(s, *s.find(1), SysTime{});
  REQUIRE(j.contains("etcd_status"));
  CHECK(j["etcd_status"]["members"].size() == 3);
  CHECK(j["etcd_status"]["health"] == "true");
}

TEST_CASE("cluster_status needs an admin and answers 503 without quorum", "[cluster_status]") {
  ClusterState s = test::make_state(3);
  record_heartbeats(s, SysTime{});
  test::Responder r{s};
  auto get = [&](std::vector<Header> headers) {
    return r(1, Port::https, test::request("GET", "/api/v0/meta/cluster_status", std::move(headers)));
  };
  auto res = get({});
  CHECK(res.status == 401);
  CHECK(res.body ==
        R"({"errors":[{"code":"NOT_AUTHENTICATED","message":"The client is not authenticated."}]})");
  CHECK(*res.header("WWW-Authenticate") == "Basic realm=\"dtr\"");
  res = get({{"Authorization", "Basic " + base64_encode("admin:wrong")}});
  CHECK(res.status == 401);
  res = get({{"Authorization", "Basic " + base64_encode("alice:secret")}});
  CHECK(res.status == 403);
  CHECK(res.body ==
        R"({"errors":[{"code":"NOT_AUTHORIZED","message":"The client is not authorized."}]})");
  res = get({{"Authorization", "Basic " + base64_encode("admin:password")}});
  CHECK(res.status == 200);
  CHECK(json::parse(res.body)["replica_health"].size() == 3);

  s.find(2)->running = false;
  s.find(3)->running = false;
  res = get({{"Authorization", "Basic " + base64_encode("admin:password")}});
  CHECK(res.status == 503);
  CHECK(json::parse(res.body)["errors"][0]["message"] ==
        "internal server error: quorum lost (1 of 3 replicas reachable)");
}
