// bandwidth: the whole connection throttled, both directions.
#include <sys/socket.h>
#include <unistd.h>

#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

TEST_CASE("bandwidth throttles the upload and the response", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "bandwidth"}, {"bytes_per_sec", 2000}});
  ReplicaInfo r = f.replica(1);
  std::string body(1000, 'x');
  std::string request = "POST /_ping HTTP/1.1\r\nHost: lb\r\nContent-Length: 1000\r\n"
                        "Connection: close\r\n\r\n" + body;
  auto start = std::chrono::steady_clock::now();
  RawReply reply = raw_exchange(r.address, r.http_port, request, std::chrono::seconds(5));
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  CHECK(status_of(reply.bytes) == 405);
  // ~1050 bytes in and ~250 out at 2000 bytes per second.
  CHECK(ms >= (request.size() + reply.bytes.size()) / 2.0 * 0.9);
  CHECK(f.journal().back()["fault"] == "bandwidth");
}
