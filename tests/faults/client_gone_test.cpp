// A client that gives up while a fault holds its connection (sleeping in hang, latency, a slow
// handshake, or dribble/bandwidth pacing) ends that connection at once, and the journal says so.
#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;
using nlohmann::json;

TEST_CASE("a client that gives up during a fault frees its connection at once",
          "[integration][faults]") {
  struct Case {
    json fault;
    bool tls;
  };
  // Each would hold the connection for minutes (--max-hang is 10 minutes).
  std::vector<Case> cases = {
      {{{"type", "hang"}}, false},
      {{{"type", "latency"}, {"ms", 600000}}, false},
      {{{"type", "dribble"}, {"bytes_per_sec", 1}}, false},
      {{{"type", "bandwidth"}, {"bytes_per_sec", 1}}, false},
      {{{"type", "tls_slow_handshake"}, {"ms", 600000}}, true},
  };
  FaultFixture f(ephemeral_config(1));
  for (const auto& c : cases) {
    std::string type = c.fault["type"];
    CAPTURE(type);
    REQUIRE(f.cluster.counters(1).active() == 0);
    f.add(1, c.fault);
    if (c.tls) {
      ReplicaInfo r = f.replica(1);
      CHECK_FALSE(probe_tls(r.address, r.https_port, "", "", std::chrono::milliseconds(300)).handshake_ok);
    } else {
      CHECK(f.raw_get(1, "/_ping", nullptr, std::chrono::milliseconds(300)).timed_out);
    }
    // The connection is gone soon after the client left, not when the fault would have ended.
    CHECK(wait_until([&] { return f.cluster.counters(1).active() == 0; }, std::chrono::seconds(1)));
    json gone;
    CHECK(wait_until([&] {
      for (const auto& e : f.journal())
        if (e.value("detail", "").find("the client closed the connection during " + type) !=
            std::string::npos)
          gone = e;
      return gone.is_object();
    }));
    CHECK(gone["fault"] == type);
    // A request the fault held gets NGINX's 499 (client closed request).
    if (type == "hang" || type == "latency") CHECK(gone["status"] == 499);
    f.clear(1);
  }
  CHECK(f.get(1, "/_ping")->status == 200);
}
