// The start-time address and port rule of `dtrsim run`, and the validation of its configuration.
#include <catch2/catch.hpp>

#include <algorithm>

#include "dtrsim/config.hpp"
#include "dtrsim/state.hpp"

using namespace dtrsim;

namespace {
ClusterState initial(const ClusterConfig& c) {
  return initial_state(c, [](int n) { return "00000000000" + std::to_string(n); });
}
} // namespace

TEST_CASE("on one address, replica N listens on http-port+N-1 and https-port+N-1", "[config]") {
  ClusterConfig c;
  c.replicas = 3;
  c.bind = "127.0.0.1";
  c.http_port = 8080;
  c.https_port = 8443;
  REQUIRE(validate_config(c).empty());
  ClusterState s = initial(c);
  REQUIRE(s.replicas.size() == 3);
  for (int n = 1; n <= 3; ++n) {
    const ReplicaState& r = *s.find(n);
    CHECK(r.name == "replica-" + std::to_string(n));
    CHECK(r.address == "127.0.0.1");
    CHECK(r.http_port == 8080 + n - 1);
    CHECK(r.https_port == 8443 + n - 1);
  }
  CHECK(s.next_number == 4);
}

TEST_CASE("with distinct addresses, replica N binds bind+N-1 and every replica the same ports",
          "[config]") {
  ClusterConfig c;
  c.replicas = 3;
  c.bind = "127.0.1.1";
  c.distinct_addresses = true;
  c.http_port = 80;
  c.https_port = 443;
  REQUIRE(validate_config(c).empty());
  ClusterState s = initial(c);
  for (int n = 1; n <= 3; ++n) {
    CHECK(s.find(n)->address == "127.0.1." + std::to_string(n));
    CHECK(s.find(n)->http_port == 80);
    CHECK(s.find(n)->https_port == 443);
  }
  c.bind = "127.255.255.254";  // the next addresses would leave 127/8
  CHECK(validate_config(c) == std::vector<std::string>{
            "--distinct-addresses: needs an IPv4 --bind with room for 3 consecutive addresses"});
}

TEST_CASE("port 0 stays ephemeral for every replica", "[config]") {
  ClusterConfig c;
  c.http_port = 0;
  c.https_port = 0;
  for (const auto& r : initial(c).replicas) {
    CHECK(r.http_port == 0);
    CHECK(r.https_port == 0);
  }
}

TEST_CASE("configurations that cannot work are refused, every problem named", "[config]") {
  ClusterConfig c;
  c.replicas = 3;
  c.http_port = 65534;
  c.https_port = 8080;
  CHECK(validate_config(c) ==
        std::vector<std::string>{"--http-port: 65534 leaves ports 0-65535 for 3 replicas"});
  ClusterConfig overlap;
  overlap.http_port = 8080;
  overlap.https_port = 8081;
  CHECK(validate_config(overlap) ==
        std::vector<std::string>{"--https-port: the ranges 8080+3 and 8081+3 overlap"});
  ClusterConfig many;
  many.replicas = 65;
  many.dtr_version = "1.0";
  many.tls_key = "k.pem";
  auto errors = validate_config(many);
  CHECK(errors.size() >= 3);
  CHECK(std::find(errors.begin(), errors.end(), "--replicas: 65 is not between 1 and 64") != errors.end());
  CHECK(std::find(errors.begin(), errors.end(),
                  "--tls-cert: --tls-cert and --tls-key go together") != errors.end());
}
