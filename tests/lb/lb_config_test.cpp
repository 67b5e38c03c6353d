// `dtrsim lb config`: DTR's documented configurations with the cluster's addresses, and real
// HAProxy and NGINX started on what it prints.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "net/http_probe.hpp"
#include "net/socket.hpp"
#include "scenario/lb_process.hpp"
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

  Process ngx({DTRSIM_BINARY, "lb", "config", "nginx", "--control", f.control.url(), "--https-port", "8443"});
  REQUIRE(ngx.wait() == 0);
  CHECK_THAT(ngx.out(), Catch::Contains("server 127.0.1.1:" + std::to_string(replicas[0].http_port) +
                                        "  max_fails=2 fail_timeout=30s;"));
  // The documented "listen 443;" form (every address), unless an address is given.
  CHECK_THAT(ngx.out(), Catch::Contains("listen 8443;"));
  CHECK_THAT(ngx.out(), Catch::Contains("listen 80;"));
  Process ngx_on({DTRSIM_BINARY, "lb", "config", "nginx", "--control", f.control.url(), "--listen", "127.0.0.1"});
  REQUIRE(ngx_on.wait() == 0);
  CHECK_THAT(ngx_on.out(), Catch::Contains("listen 127.0.0.1:443;"));
  CHECK_THAT(ngx_on.out(), Catch::Contains("listen 127.0.0.1:80;"));

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

namespace {

// `n` distinct free ports: each stays bound until all are picked, so no two picks are the same.
std::vector<int> free_ports(int n) {
  std::vector<int> fds, ports;
  for (int i = 0; i < n; ++i) {
    fds.push_back(net::listen_on("127.0.0.1", 0, 1));
    ports.push_back(net::local_port(fds.back()));
  }
  for (int fd : fds) ::close(fd);
  return ports;
}

// One request through the load balancer on `port`: answered 200 by one of the replicas.
void reaches_a_replica(int port, bool tls, const std::vector<ReplicaInfo>& replicas) {
  net::ProbeRequest req;
  req.address = "127.0.0.1";
  req.port = port;
  req.tls = tls;
  req.host_header = "dtr.example.com";
  net::ProbeResult res = net::probe(req);
  INFO((tls ? "https" : "http") << " through the load balancer: " << net::observed_name(res.observed) << " "
                                << res.detail);
  REQUIRE(res.observed == net::Observed::answered);
  CHECK(res.status == 200);
  bool known = false;
  for (const auto& r : replicas) known = known || res.header("x-dtrsim-replica") == r.id;
  CHECK(known);
}

std::string replace_line(std::string text, const std::string& line, const std::string& with) {
  size_t at = text.find(line + "\n");
  REQUIRE(at != std::string::npos);
  return text.replace(at, line.size(), with);
}

} // namespace

// The README's quick start: replicas on 127.0.1.x, the printed configuration on 127.0.0.1.
TEST_CASE("the printed configurations run in front of the cluster they were printed for", "[integration][lb]") {
  ClusterConfig config = ephemeral_config(3);
  config.distinct_addresses = true;
  config.bind = "127.0.1.1";
  ClusterFixture f(config);
  auto replicas = f.cluster.replicas();
  TempDir dir;
  std::vector<int> ports = free_ports(3);
  int http = ports[0], https = ports[1], stats = ports[2];
  auto print = [&](const std::string& kind) {
    Process p({DTRSIM_BINARY, "lb", "config", kind, "--control", f.control.url(), "--listen", "127.0.0.1",
               "--http-port", std::to_string(http), "--https-port", std::to_string(https), "--stats-port",
               std::to_string(stats)});
    REQUIRE(p.wait() == 0);
    return p.out();
  };

  SECTION("HAProxy") {
    std::string cfg = print("haproxy");
    CHECK_THAT(cfg, Catch::Contains("bind 127.0.0.1:" + std::to_string(http) + "\n"));
    CHECK_THAT(cfg, Catch::Contains("bind 127.0.0.1:" + std::to_string(stats) + "\n"));
    std::ofstream(dir.file("haproxy.cfg")) << cfg;
    Process valid({"/usr/sbin/haproxy", "-c", "-f", dir.file("haproxy.cfg")});
    CHECK(valid.wait() == 0);
    LbProcess lb;
    lb.start({"haproxy", "-db", "-f", dir.file("haproxy.cfg")}, dir.path(), {}, dir.file("haproxy.log"));
    lb.wait_ready({{"127.0.0.1", http}, {"127.0.0.1", https}, {"127.0.0.1", stats}}, std::chrono::seconds(10));
    reaches_a_replica(http, false, replicas);
    reaches_a_replica(https, true, replicas);
    net::ProbeRequest page;
    page.address = "127.0.0.1";
    page.port = stats;
    page.path = "/haproxy?stats";
    CHECK(net::probe(page).status == 200);
    lb.stop();
  }

  SECTION("NGINX") {
    // The documented file is written for the nginx:stable-alpine image (user nginx, the stream
    // module built in, logs and pid in system paths). Only those lines are adapted to Debian's
    // nginx run by a test; the stream block runs as printed.
    std::string cfg = print("nginx");
    CHECK_THAT(cfg, Catch::Contains("listen 127.0.0.1:" + std::to_string(https) + ";"));
    cfg = replace_line(cfg, "user  nginx;", "load_module /usr/lib/nginx/modules/ngx_stream_module.so;");
    cfg = replace_line(cfg, "error_log  /var/log/nginx/error.log warn;", "error_log  stderr warn;");
    cfg = replace_line(cfg, "pid        /var/run/nginx.pid;", "pid        " + dir.file("nginx.pid") + ";");
    std::ofstream(dir.file("nginx.conf")) << cfg;
    LbProcess lb;
    lb.start({"nginx", "-p", dir.path(), "-c", dir.file("nginx.conf"), "-e", "stderr", "-g", "daemon off;"},
             dir.path(), {}, dir.file("nginx.log"));
    lb.wait_ready({{"127.0.0.1", http}, {"127.0.0.1", https}}, std::chrono::seconds(10));
    reaches_a_replica(http, false, replicas);
    reaches_a_replica(https, true, replicas);
    lb.stop();
  }
}

TEST_CASE("dtrsim lb config lists a stopped replica: it is still a member of the cluster", "[integration][lb]") {
  ClusterConfig config = ephemeral_config(3);
  config.distinct_addresses = true;
  config.bind = "127.0.1.1";
  ClusterFixture f(config);
  ReplicaInfo third = f.replica(3);
  REQUIRE(f.post({{"do", "stop"}, {"replica", 3}}).first == 200);
  REQUIRE_FALSE(f.replica(3).running);

  Process hap({DTRSIM_BINARY, "lb", "config", "haproxy", "--control", f.control.url()});
  REQUIRE(hap.wait() == 0);
  CHECK_THAT(hap.out(), Catch::Contains("server node03 127.0.1.3:" + std::to_string(third.http_port) +
                                        " check weight 100\n"));
  CHECK_THAT(hap.out(), Catch::Contains("server node03 127.0.1.3:" + std::to_string(third.https_port) +
                                        " weight 100 check check-ssl verify none\n"));
  Process ngx({DTRSIM_BINARY, "lb", "config", "nginx", "--control", f.control.url()});
  REQUIRE(ngx.wait() == 0);
  CHECK_THAT(ngx.out(), Catch::Contains("server 127.0.1.3:" + std::to_string(third.https_port) +
                                        " max_fails=2 fail_timeout=30s;"));
}
