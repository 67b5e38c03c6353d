// What each command does to the state, and the errors of commands that cannot apply.
#include <catch2/catch.hpp>

#include "dtrsim/apply.hpp"
#include "dtrsim/health.hpp"
#include "support/fixtures.hpp"

using namespace dtrsim;
using nlohmann::json;

namespace {

struct Applier {
  ClusterState state = test::make_state(3);
  ClusterConfig config;
  std::vector<std::string> warnings;
  int ids = 0;
  SysTime now = SysTime{std::chrono::hours(500000)};

  void operator()(const char* text) {
    ApplyEnv env{now, config, [this](int) {
                   char buf[16];
                   std::snprintf(buf, sizeof buf, "%012x", 0xabc000 + ++ids);
                   return std::string(buf);
                 }};
    for (const auto& c : parse_commands(json::parse(text))) apply_command(state, c, env, warnings);
  }
  std::string error(const char* text) {
    ClusterState before = state;
    try {
      (*this)(text);
    } catch (const CommandError& e) {
      state = before;
      return e.what();
    }
    return "";
  }
};

} // namespace

TEST_CASE("fail and recover change one service of the chosen replicas", "[apply]") {
  Applier a;
  a(R"({"do":"fail","replica":2,"service":"notary"})");
  CHECK(a.state.find(2)->service(Service::notary).failed);
  CHECK(a.state.find(2)->service(Service::notary).error ==
        "dial tcp 10.0.0.4:4443: connect: connection refused");
  a(R"({"do":"fail","replica":"*","service":"garant","error":"no key"})");
  for (const auto& r : a.state.replicas) CHECK(r.service(Service::garant).error == "no key");
  a(R"({"do":"recover","replica":"replica-2","service":"garant"})");
  CHECK_FALSE(a.state.find(2)->service(Service::garant).failed);
  CHECK(a.state.find(2)->service(Service::notary).failed);
  a(R"({"do":"recover","replica":"000000000002"})");
  CHECK_FALSE(a.state.find(2)->service(Service::notary).failed);
}

TEST_CASE("replica references resolve by index, name, id and *", "[apply]") {
  Applier a;
  CHECK(resolve_replicas(a.state, ReplicaSelector{2}) == std::vector<int>{2});
  CHECK(resolve_replicas(a.state, ReplicaSelector{"replica-3"}) == std::vector<int>{3});
  CHECK(resolve_replicas(a.state, ReplicaSelector{"000000000001"}) == std::vector<int>{1});
  CHECK(resolve_replicas(a.state, ReplicaSelector{"2"}) == std::vector<int>{2});
  CHECK(resolve_replicas(a.state, ReplicaSelector{"*"}) == std::vector<int>{1, 2, 3});
  CHECK(a.error(R"({"do":"stop","replica":"replica-9"})") == "replica: no replica \"replica-9\"");
  CHECK(a.error(R"({"do":"stop","replica":0})") ==
        "replica: no replica \"0\" (replicas are numbered from 1)");
  CHECK(a.error(R"({"do":"stop","replica":"ffffffffffff"})") ==
        "replica: no replica with id \"ffffffffffff\"");
  CHECK(a.error(R"({"do":"stop","replica":"node-1"})") ==
        "replica: no replica \"node-1\" (use an index, replica-N, a 12-hex id or \"*\")");
}

TEST_CASE("stop and start toggle running and start writes a fresh heartbeat", "[apply]") {
  Applier a;
  a(R"({"do":"stop","replica":2})");
  CHECK_FALSE(a.state.find(2)->running);
  a.now += std::chrono::seconds(10);
  a(R"({"do":"start","replica":2})");
  CHECK(a.state.find(2)->running);
  CHECK(a.state.health_cache[2][2].at == a.now);
  CHECK(a.state.health_cache[1][2].at == a.now);
}

TEST_CASE("join adds replica-N with the next ports and warns on an even count", "[apply]") {
  Applier a;
  a(R"({"do":"join"})");
  REQUIRE(a.state.replicas.size() == 4);
  const ReplicaState& r = a.state.replicas.back();
  CHECK(r.name == "replica-4");
  CHECK(r.id == "000000abc001");
  CHECK(r.http_port == 8083);
  CHECK(r.https_port == 8446);
  CHECK(a.state.health_cache[1][4].health == "OK");
  REQUIRE(a.warnings.size() == 1);
  CHECK_THAT(a.warnings[0], Catch::Contains("You currently have an even number of replicas"));
  a(R"({"do":"join","id":"0000000000ff"})");
  CHECK(a.state.replicas.back().name == "replica-5");
  CHECK(a.warnings.size() == 1);
  CHECK(a.error(R"({"do":"join","id":"0000000000ff"})") ==
        "id: \"0000000000ff\" is already replica-5's id");
  CHECK(a.error(R"({"do":"join","id":"XYZ"})") == "id: \"XYZ\" is not 12 lowercase hex characters");
}

TEST_CASE("join with distinct addresses takes the next address and the same ports", "[apply]") {
  Applier a;
  a.config.distinct_addresses = true;
  a.config.bind = "127.0.1.1";
  a(R"({"do":"join"})");
  CHECK(a.state.replicas.back().address == "127.0.1.4");
  CHECK(a.state.replicas.back().http_port == 8080);
}

TEST_CASE("remove drops a replica everywhere and keeps numbers unique", "[apply]") {
  Applier a;
  a(R"({"do":"partition","groups":[[1,2],[3]]})");
  a(R"({"do":"remove","replica":3})");
  CHECK(a.state.replicas.size() == 2);
  CHECK(a.state.partitions.empty());
  CHECK(a.state.health_cache[1].count(3) == 0);
  CHECK(a.error(R"({"do":"stop","replica":3})") == "replica: replica-3 was removed");
  a(R"({"do":"join"})");
  CHECK(a.state.replicas.back().name == "replica-4");
  CHECK(a.error(R"({"do":"remove","replica":"*"})") == "replica: remove takes one replica, not \"*\"");
  a(R"({"do":"remove","replica":1})");
  a(R"({"do":"remove","replica":2})");
  CHECK(a.error(R"({"do":"remove","replica":4})") ==
        "replica: cannot remove the last replica of the cluster");
}

TEST_CASE("partitions must place every replica in exactly one group", "[apply]") {
  Applier a;
  CHECK(a.error(R"({"do":"partition","groups":[[1],[2]]})") ==
        "groups: replica-3 is in no group (every replica must be in exactly one)");
  CHECK(a.error(R"({"do":"partition","groups":[[1,2],[2,3]]})") ==
        "groups[1][0]: replica-2 is in more than one group");
  a(R"({"do":"partition","groups":[[1],[2,3]]})");
  CHECK(a.state.partitions == std::vector<std::vector<int>>{{1}, {2, 3}});
  CHECK(a.error(R"({"do":"join"})") ==
        "do: join needs to reach the existing replicas: heal the partition first");
  a(R"({"do":"heal"})");
  CHECK(a.state.partitions.empty());
}

TEST_CASE("readonly and reset", "[apply]") {
  Applier a;
  a(R"([{"do":"readonly","replica":1},{"do":"stop","replica":2},
        {"do":"fail","replica":3,"service":"api"},{"do":"partition","groups":[[1],[2,3]]}])");
  CHECK(a.state.find(1)->readonly);
  a(R"({"do":"reset"})");
  for (const auto& r : a.state.replicas) {
    CHECK(r.running);
    CHECK_FALSE(r.readonly);
    for (const auto& s : r.services) CHECK_FALSE(s.failed);
  }
  CHECK(a.state.partitions.empty());
}
