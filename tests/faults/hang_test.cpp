// hang: request read, no response until the client gives up, --max-hang passes, or the fault is
// cleared.
#include <thread>

#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

TEST_CASE("hang never answers before the client gives up", "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "hang"}});
  RawReply reply = f.raw_get(2, "/_ping", nullptr, std::chrono::milliseconds(500));
  CHECK(reply.timed_out);
  CHECK(reply.bytes.empty());
}

TEST_CASE("clearing hang answers the held request normally", "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "hang"}});
  RawReply held;
  std::thread client([&] { held = f.raw_get(2, "/_ping", nullptr, std::chrono::seconds(5)); });
  REQUIRE(wait_until([&] { return f.cluster.counters(2).writing == 1; }));
  auto cleared = std::chrono::steady_clock::now();
  f.clear(2);
  client.join();
  CHECK(std::chrono::steady_clock::now() - cleared < std::chrono::seconds(1));
  CHECK(status_of(held.bytes) == 200);
  CHECK_THAT(held.bytes, Catch::EndsWith(kHealthyBody));
}

TEST_CASE("hang closes the connection after --max-hang", "[integration][faults]") {
  ClusterConfig config = ephemeral_config(1);
  config.max_hang = std::chrono::milliseconds(300);
  FaultFixture f(config);
  f.add(1, {{"type", "hang"}});
  double ms = 0;
  RawReply reply = f.raw_get(1, "/_ping", &ms);
  CHECK_FALSE(reply.timed_out);
  CHECK(reply.bytes.empty());
  CHECK(ms >= 300);
}
