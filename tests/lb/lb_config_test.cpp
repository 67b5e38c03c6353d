// `dtrsim lb config`: DTR's documented configurations with the cluster's addresses.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/cluster_fixture.hpp"
#include "support/process.hpp"

using namespace dtrsim;
using namespace dtrsim::test;
using nlohmann::json;

TEST_CASE("dtrsim lb config prints DTR's configurations for the running cluster", "[integration][lb]") {
  ClusterConfig config = ephemeral_config(3);
  config.distinct_addresses = true;
  config.bind = "127.0.1.1";
  ClusterFixture f(config);
  auto replicas = f.cluster.replicas();

  Process hap({DTRSIM_BINARY, "lb", "config", "haproxy", "--control", f.control.url()});
  REQUIRE(hap.wait() == 0);
  std::string cfg = hap.out();
  CHECK_THAT(cfg, Catch::Contains("option httpchk GET /_ping HTTP/1.1\\r\\nHost:\\ dtr.example.com"));
  CHECK_THAT(cfg, Catch::Contains("server node02 127.0.1.2:" + std::to_string(replicas[1].http_port) +
                                  " check weight 100\n"));
  CHECK_THAT(cfg, Catch::Contains("server node03 127.0.1.3:" + std::to_string(replicas[2].https_port) +
                                  " weight 100 check check-ssl verify none\n"));
  TempDir dir;
  std::ofstream(dir.file("haproxy.cfg")) << cfg;
  Process valid({"/usr/sbin/haproxy", "-c", "-f", dir.file("haproxy.cfg")});
  CHECK(valid.wait() == 0);
  CHECK_THAT(valid.out() + valid.err(), Catch::Contains("Configuration file is valid"));

  Process ngx({DTRSIM_BINARY, "lb", "config", "nginx", "--control", f.control.url(), "--listen-https", "8443"});
  REQUIRE(ngx.wait() == 0);
  CHECK_THAT(ngx.out(), Catch::Contains("server 127.0.1.1:" + std::to_string(replicas[0].http_port) +
                                        "  max_fails=2 fail_timeout=30s;"));
  CHECK_THAT(ngx.out(), Catch::Contains("listen 8443;"));

  Process elb({DTRSIM_BINARY, "lb", "config", "elb", "--control", f.control.url()});
  REQUIRE(elb.wait() == 0);
  json doc = json::parse(elb.out().substr(elb.out().find('{')));
  CHECK_THAT(doc["HealthCheck"]["Target"].get<std::string>(), Catch::StartsWith("HTTPS:"));
  CHECK_THAT(doc["HealthCheck"]["Target"].get<std::string>(), Catch::EndsWith("/_ping"));
  CHECK(doc["ListenerDescriptions"][0]["Listener"]["Protocol"] == "TCP");
}

TEST_CASE("dtrsim lb config reads a state file, and rejects what it cannot use", "[integration][lb]") {
  TempDir dir;
  std::ofstream(dir.file("state.json")) << json{{"health_path", "/health"},
                                               {"dtr_fqdn", "dtr.corp.example"},
                                               {"replicas", {{{"name", "replica-1"}, {"address", "10.1.0.5"},
                                                              {"http_port", 80}, {"https_port", 443}}}}}.dump();
  Process p({DTRSIM_BINARY, "lb", "config", "haproxy", "--state-file", dir.file("state.json")});
  REQUIRE(p.wait() == 0);
  CHECK_THAT(p.out(), Catch::Contains("option httpchk GET /health HTTP/1.1\\r\\nHost:\\ dtr.corp.example"));
  CHECK_THAT(p.out(), Catch::Contains("server node01 10.1.0.5:443 weight 100 check check-ssl verify none"));
  Process bad({DTRSIM_BINARY, "lb", "config", "envoy"});
  CHECK(bad.wait() == 2);
  Process unreachable({DTRSIM_BINARY, "lb", "config", "nginx", "--control", "http://127.0.0.1:1"});
  CHECK(unreachable.wait() == 3);
  CHECK_THAT(unreachable.err(), Catch::Contains("cannot reach the control API"));
}
