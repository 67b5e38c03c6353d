// accept_stall: new connections time out at connect; connections already open keep working.
#include <sys/socket.h>
#include <unistd.h>

#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

TEST_CASE("accept_stall makes connect time out while open connections still get answers",
          "[integration][faults]") {
  FaultFixture f;
  ReplicaInfo r = f.replica(2);
  int open = connect_tcp(r.address, r.http_port);
  REQUIRE(open >= 0);
  const std::string ping = "GET /_ping HTTP/1.1\r\nHost: lb\r\n\r\n";
  ::send(open, ping.data(), ping.size(), MSG_NOSIGNAL);
  REQUIRE(read_response(open, std::chrono::seconds(2)));

  f.add(2, {{"type", "accept_stall"}, {"ports", "http"}});
  auto start = std::chrono::steady_clock::now();
  int fresh = connect_tcp(r.address, r.http_port, std::chrono::seconds(1));
  CHECK(fresh == -1);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(900));

  ::send(open, ping.data(), ping.size(), MSG_NOSIGNAL);
  auto again = read_response(open, std::chrono::seconds(2));
  REQUIRE(again);
  CHECK(status_of(*again) == 200);
  CHECK(f.get(2, "/_ping", true)->status == 200);  // the HTTPS listener was not selected

  f.clear(2);
  CHECK(f.get(2, "/_ping")->status == 200);
  ::close(open);
}

TEST_CASE("accept_stall's journal entry says which listener stopped", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "accept_stall"}, {"ports", "https"}});
  nlohmann::json stall;
  for (const auto& e : f.journal())
    if (e["fault"] == "accept_stall") stall = e;
  REQUIRE(stall.is_object());
  CHECK(stall["port"] == "https");
  CHECK(stall["detail"] == "the https listener stopped accepting");
  CHECK_FALSE(stall.contains("event"));
}

TEST_CASE("accept_stall's own plug connections are never journaled as clients",
          "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "accept_stall"}});
  f.clear(1);
  // The listeners accept their queued plugs first, then these.
  CHECK(f.get(1, "/_ping")->status == 200);
  CHECK(f.get(1, "/_ping", true)->status == 200);
  int requests = 0;
  for (const auto& e : f.journal()) {
    CHECK(e.value("event", "") != "empty_connection");
    if (e["path"] == "/_ping") ++requests;
  }
  CHECK(requests == 2);
}
