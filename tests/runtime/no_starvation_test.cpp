// A load balancer holds many connections open; a fresh health check must still be answered at
// once, and a burst of connects must not overflow the listen queue.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "dtrsim/cluster.hpp"
#include "support/cluster_fixture.hpp"
#include "support/http_client.hpp"
#include "support/wait.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

TEST_CASE("a fresh /_ping answers within 1 s while 300 idle keep-alive connections are open",
          "[integration][starvation]") {
  Cluster cluster(ephemeral_config(1));
  cluster.start();
  auto r = cluster.replicas().at(0);
  std::vector<int> idle;
  const std::string ping = "GET /_ping HTTP/1.1\r\nHost: lb\r\n\r\n";
  for (int i = 0; i < 300; ++i) {
    int fd = connect_tcp(r.address, r.http_port);
    REQUIRE(fd >= 0);
    ::send(fd, ping.data(), ping.size(), MSG_NOSIGNAL);
    REQUIRE(read_response(fd, std::chrono::seconds(5)));  // answered, now idle and kept alive
    idle.push_back(fd);
  }
  CHECK(wait_until([&] { return cluster.counters(1).waiting == 300; }));
  auto start = std::chrono::steady_clock::now();
  RawReply fresh = raw_exchange(r.address, r.http_port,
                                "GET /_ping HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n",
                                std::chrono::seconds(1));
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(status_of(fresh.bytes) == 200);
  CHECK(took < std::chrono::seconds(1));
  for (int fd : idle) ::close(fd);
}

TEST_CASE("a burst of 256 simultaneous connects is accepted without drops",
          "[integration][starvation]") {
  Cluster cluster(ephemeral_config(1));
  cluster.start();
  auto r = cluster.replicas().at(0);
  std::vector<int> fds(256, -1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < 256; i += 8) fds[i] = connect_tcp(r.address, r.http_port,
                                                            std::chrono::milliseconds(900));
    });
  for (auto& t : threads) t.join();
  int connected = 0;
  for (int fd : fds)
    if (fd >= 0) {
      ++connected;
      ::close(fd);
    }
  CHECK(connected == 256);
}
