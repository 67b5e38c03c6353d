// bandwidth: the whole connection throttled, both directions.
#include <thread>

#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

TEST_CASE("bandwidth throttles the upload and the response", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "bandwidth"}, {"bytes_per_sec", 1000}});
  ReplicaInfo r = f.replica(1);
  std::string body(400, 'x');
  std::string request = "POST /_ping HTTP/1.1\r\nHost: lb\r\nContent-Length: 400\r\n"
                        "Connection: close\r\n\r\n" + body;
  RawReply reply = raw_exchange(r.address, r.http_port, request, std::chrono::seconds(5));
  CHECK(status_of(reply.bytes) == 405);
  // The upload was read at 1000 bytes per second before anything was answered...
  CHECK(reply.first_byte_ms >= request.size() * 0.9);
  // ...and the response written in slices of 100 bytes every 100 ms, spread over that time.
  REQUIRE(reply.bytes.size() > 200);
  CHECK(reply.last_byte_ms - reply.first_byte_ms >= (reply.bytes.size() - 100) * 0.8);
  CHECK(f.journal().back()["fault"] == "bandwidth");
}

TEST_CASE("clearing bandwidth lifts the limit in the middle of a response",
          "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "bandwidth"}, {"bytes_per_sec", 100}});  // the response alone: ~2.5 s
  RawReply reply;
  std::thread client([&] { reply = f.raw_get(1, "/_ping", nullptr, std::chrono::seconds(10)); });
  REQUIRE(wait_until([&] { return f.cluster.counters(1).writing == 1; }));
  auto cleared = std::chrono::steady_clock::now();
  f.clear(1);
  client.join();
  CHECK(std::chrono::steady_clock::now() - cleared < std::chrono::seconds(1));
  CHECK(status_of(reply.bytes) == 200);
  CHECK_THAT(reply.bytes, Catch::EndsWith(kHealthyBody));
}
