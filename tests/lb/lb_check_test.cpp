// `dtrsim lb check` against real HAProxy and NGINX: DTR's documented configurations, and load
// balancers that break DTR's requirements in each of the ways the check must catch.
#include <fstream>
#include <regex>
#include <sstream>

#include "lb_fixture.hpp"
#include "net/http_probe.hpp"
#include "support/wait.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

namespace {

// The check timing of the loopback HAProxy variant: "default-server inter 200ms ... fall 2 rise 2".
struct CheckTiming {
  double inter_ms = 0;
  int fall = 0, rise = 0;
};

CheckTiming loopback_timing() {
  std::ifstream in(std::string(DTRSIM_SOURCE_DIR) + "/docker/haproxy/haproxy-loopback.cfg.in");
  std::stringstream text;
  text << in.rdbuf();
  std::smatch m;
  std::string cfg = text.str();
  REQUIRE(std::regex_search(cfg, m, std::regex(R"(default-server inter (\d+)ms .*fall (\d+) rise (\d+))")));
  return {std::stod(m[1]), std::stoi(m[2]), std::stoi(m[3])};
}

} // namespace

TEST_CASE("DTR's documented HAProxy configuration passes every check", "[integration][lb]") {
  LbFixture f("docker/haproxy/haproxy-loopback.cfg.in", "haproxy.cfg", haproxy());
  auto [code, report] = f.check();
  INFO(f.output);
  CHECK(code == 0);
  for (const char* name : {"traffic", "tls", "host", "buffering", "health-checks", "failover-service",
                           "failover-stop", "idle"})
    CHECK(LbFixture::result(report, name)["result"] == "PASS");
  // HAProxy takes a replica out after `fall` failed checks `inter` apart, and back after `rise`
  // good ones: the measured times lie between (n - 1) checks and (n + 1) checks plus slack for
  // 2 busy cores under a sanitizer. A measurement of 0, or of --failover-timeout, fails here.
  CheckTiming t = loopback_timing();
  const double slack_ms = 1500;
  for (const char* name : {"failover-service", "failover-stop"}) {
    auto m = LbFixture::result(report, name)["measured"];
    for (const char* port : {"http", "https"}) {
      INFO(name << " " << port << ": " << m.dump());
      REQUIRE(m["out_ms"].contains(port));
      REQUIRE(m["back_ms"].contains(port));
      double out = m["out_ms"][port].get<double>(), back = m["back_ms"][port].get<double>();
      CHECK(out > (t.fall - 1) * t.inter_ms / 2);
      CHECK(out < (t.fall + 1) * t.inter_ms + slack_ms);
      CHECK(back > (t.rise - 1) * t.inter_ms / 2);
      CHECK(back < (t.rise + 1) * t.inter_ms + slack_ms);
    }
  }
  CHECK_THAT(LbFixture::result(report, "health-checks")["detail"].get<std::string>(),
             Catch::Contains("https: GET /_ping every"));
  // The cluster is as it was: the replica the checks failed and stopped is back.
  for (const auto& r : f.cluster.replicas()) CHECK(r.running);
}

TEST_CASE("DTR's documented NGINX configuration keeps a replica answering 503 in the pool",
          "[integration][lb]") {
  LbFixture f("docker/nginx/nginx-loopback.conf.in", "nginx.conf", nginx());
  auto [code, report] = f.check({"--skip", "idle"});
  INFO(f.output);
  CHECK(code == 1);
  CHECK(LbFixture::result(report, "traffic")["result"] == "PASS");
  CHECK(LbFixture::result(report, "tls")["result"] == "PASS");
  CHECK(LbFixture::result(report, "health-checks")["result"] == "WARN");
  CHECK_THAT(LbFixture::result(report, "health-checks")["detail"].get<std::string>(),
             Catch::Contains("no HTTP health checks seen"));
  CHECK(LbFixture::result(report, "failover-service")["result"] == "FAIL");
  CHECK_THAT(LbFixture::result(report, "failover-service")["detail"].get<std::string>(),
             Catch::Contains("the load balancer kept sending it"));
  CHECK(LbFixture::result(report, "failover-stop")["result"] == "PASS");
}

TEST_CASE("a load balancer that terminates TLS fails the tls check", "[integration][lb]") {
  LbFixture f("tests/lb/haproxy-terminates-tls.cfg.in", "haproxy.cfg",
              haproxy("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                      "-subj /CN=lb.dtrsim.invalid -days 1 -keyout lb.key -out lb.crt 2>/dev/null && "
                      "cat lb.crt lb.key > lb.pem && "));
  auto [code, report] = f.check({"--skip", "idle,health-checks,failover-service,failover-stop"});
  INFO(f.output);
  CHECK(code == 1);
  auto tls = LbFixture::result(report, "tls");
  CHECK(tls["result"] == "FAIL");
  CHECK_THAT(tls["detail"].get<std::string>(), Catch::Contains("it terminates HTTPS"));
}

TEST_CASE("a load balancer that rewrites Host fails the host check", "[integration][lb]") {
  LbFixture f("tests/lb/haproxy-rewrites-host.cfg.in", "haproxy.cfg", haproxy());
  auto [code, report] = f.check({"--skip", "idle,health-checks,failover-service,failover-stop"});
  INFO(f.output);
  CHECK(code == 1);
  auto host = LbFixture::result(report, "host");
  CHECK(host["result"] == "FAIL");
  CHECK_THAT(host["detail"].get<std::string>(), Catch::Contains("http: the replica saw Host: registry.internal"));
  CHECK_THAT(host["detail"].get<std::string>(), Catch::Contains("https: arrived unchanged"));
  CHECK(LbFixture::result(report, "tls")["result"] == "PASS");
}

TEST_CASE("a load balancer that buffers requests fails the buffering check", "[integration][lb]") {
  LbFixture f("tests/lb/nginx-buffers.conf.in", "nginx.conf", nginx());
  auto [code, report] = f.check({"--skip", "idle,health-checks,failover-service,failover-stop"});
  INFO(f.output);
  CHECK(code == 1);
  auto buffering = LbFixture::result(report, "buffering");
  CHECK(buffering["result"] == "FAIL");
  CHECK_THAT(buffering["detail"].get<std::string>(), Catch::Contains("http: arrived at"));
  CHECK_THAT(buffering["detail"].get<std::string>(), Catch::Contains("the load balancer buffers request bodies"));
  CHECK(buffering["measured"]["http"]["received_over_ms"].get<double>() < 700);
  CHECK(buffering["measured"]["https"]["received_over_ms"].get<double>() >= 700);
}

TEST_CASE("swapped upstreams are reported as TLS arriving on the replicas' HTTP ports",
          "[integration][lb]") {
  LbFixture f("tests/lb/nginx-swapped-upstreams.conf.in", "nginx.conf", nginx());
  auto [code, report] = f.check({"--skip", "idle,health-checks,failover-service,failover-stop"});
  INFO(f.output);
  CHECK(code == 1);
  auto traffic = LbFixture::result(report, "traffic");
  CHECK(traffic["result"] == "FAIL");
  CHECK_THAT(traffic["detail"].get<std::string>(), Catch::Contains("swapped upstreams"));
  auto tls = LbFixture::result(report, "tls");
  CHECK(tls["result"] == "FAIL");
  CHECK_THAT(tls["detail"].get<std::string>(),
             Catch::Contains("the replicas saw TLS on their HTTP ports"));
}

TEST_CASE("checking /health on a DTR 2.3+ cluster is a warning, not a failure", "[integration][lb]") {
  LbFixture f("tests/lb/haproxy-checks-health.cfg.in", "haproxy.cfg", haproxy());
  auto [code, report] = f.check({"--skip", "idle,failover-stop"});
  INFO(f.output);
  CHECK(code == 0);
  auto checks = LbFixture::result(report, "health-checks");
  CHECK(checks["result"] == "WARN");
  CHECK_THAT(checks["detail"].get<std::string>(), Catch::Contains("/health works, but DTR 2.7 documents /_ping"));
  CHECK(LbFixture::result(report, "failover-service")["result"] == "PASS");
  CHECK(report["fail"] == 0);
}

TEST_CASE("TCP-only health checks are a warning, also while another client checks the replicas over HTTP",
          "[integration][lb]") {
  LbFixture f("tests/lb/haproxy-tcp-checks.cfg.in", "haproxy.cfg", haproxy());
  // A second HAProxy health-checks GET /_ping on every replica from 127.0.0.9: its checks are
  // in the journal, but they are not the TCP-only load balancer's.
  TempDir other_dir;
  LoadBalancerSpec other_spec;
  other_spec.command = haproxy();
  other_spec.cwd = other_dir.path();
  other_spec.templates = {{std::string(DTRSIM_SOURCE_DIR) + "/tests/lb/haproxy-other-checker.cfg.in", "haproxy.cfg"}};
  LbLaunch other(f.cluster, other_spec, DTRSIM_SOURCE_DIR, other_dir.path(), f.dir.file("ca.pem"));

  auto [code, report] = f.check({"--skip", "idle,failover-stop"});
  INFO(f.output);
  REQUIRE(other.process().running());
  CHECK(code == 1);  // failover-service FAILs: a replica answering 503 stays in the pool
  auto checks = LbFixture::result(report, "health-checks");
  CHECK(checks["result"] == "WARN");
  // HAProxy's TCP checks end before a server could accept them: the replicas see no check at all.
  CHECK_THAT(f.output, Catch::Contains("WARN  health-checks     http: no HTTP health checks seen"));
  CHECK_THAT(checks["detail"].get<std::string>(), Catch::Contains("https: no HTTP health checks seen"));
  CHECK_THAT(checks["detail"].get<std::string>(), Catch::Contains("answers 503 stays in the pool"));
  CHECK_THAT(checks["detail"].get<std::string>(),
             Catch::Contains("not counted, as they did not come from the load balancer's address (127.0.0.1)"));
  CHECK(checks["measured"]["other_clients"]["127.0.0.9"].get<int>() > 0);
  CHECK(LbFixture::result(report, "failover-service")["result"] == "FAIL");
  CHECK_THAT(f.output, Catch::Contains("FAIL  failover-service  registry failed on replica-3: for 4.00s the load "
                                       "balancer kept sending it"));
  CHECK(LbFixture::result(report, "traffic")["result"] == "PASS");
}

TEST_CASE("an HTTP side pointed at the replicas' HTTPS ports fails the traffic check", "[integration][lb]") {
  LbFixture f("tests/lb/nginx-http-to-https-port.conf.in", "nginx.conf", nginx());
  auto [code, report] = f.check({"--skip", "idle,health-checks,failover-service,failover-stop"});
  INFO(f.output);
  CHECK(code == 1);
  auto traffic = LbFixture::result(report, "traffic");
  CHECK(traffic["result"] == "FAIL");
  std::string detail = traffic["detail"];
  // Every replica answered, but with NGINX's 400 for plain HTTP on an HTTPS port: none was served.
  CHECK_THAT(detail, Catch::Contains("30 http answers were not 200"));
  CHECK_THAT(detail, Catch::Contains("replica-1 got no http traffic answered 200"));
  CHECK_THAT(detail, Catch::Contains("the HTTP side of the load balancer points at port 443 (swapped upstreams)"));
  CHECK_THAT(detail, !Catch::Contains("the HTTPS side"));
  CHECK(traffic["measured"]["http"]["answered"].empty());
  CHECK(traffic["measured"]["https"]["answered"].size() == 3);
  CHECK(LbFixture::result(report, "tls")["result"] == "PASS");
}

TEST_CASE("health checks on cluster_status are a warning", "[integration][lb]") {
  LbFixture f("tests/lb/haproxy-checks-cluster-status.cfg.in", "haproxy.cfg", haproxy());
  auto [code, report] = f.check({"--skip", "idle,failover-service,failover-stop"});
  INFO(f.output);
  CHECK(code == 0);
  auto checks = LbFixture::result(report, "health-checks");
  CHECK(checks["result"] == "WARN");
  std::string detail = checks["detail"];
  for (const char* port : {"http", "https"})
    CHECK_THAT(detail, Catch::Contains(std::string(port) + ": GET /api/v0/meta/cluster_status every"));
  CHECK_THAT(detail, Catch::Contains("cluster_status needs admin credentials and returns about 45 KB"));
  CHECK(LbFixture::result(report, "traffic")["result"] == "PASS");
}

TEST_CASE("health checks on a path that answers 404 or redirects are a warning", "[integration][lb]") {
  LbFixture f("tests/lb/haproxy-checks-dtr-2.0-path.cfg.in", "haproxy.cfg", haproxy());
  // HAProxy takes every replica out of its HTTPS pool (404); the check runs once it has.
  net::ProbeRequest https;
  https.address = "127.0.0.1";
  https.port = std::stoi(f.lb->vars().global.at("DTRSIM_LB_HTTPS_PORT"));
  https.tls = true;
  https.connect_timeout = https.read_timeout = std::chrono::seconds(1);
  REQUIRE(wait_until([&] { return net::probe(https).observed != net::Observed::answered; }, std::chrono::seconds(10)));
  auto [code, report] = f.check({"--skip", "idle,failover-service,failover-stop"});
  INFO(f.output);
  CHECK(code == 1);
  auto checks = LbFixture::result(report, "health-checks");
  CHECK(checks["result"] == "WARN");
  std::string detail = checks["detail"];
  CHECK_THAT(detail, Catch::Contains("http: GET /load_balancer_status every"));
  CHECK_THAT(detail, Catch::Contains("it is redirected to HTTPS, and HAProxy counts a 3xx as a passing check"));
  CHECK_THAT(detail, Catch::Contains("https: GET /load_balancer_status every"));
  CHECK_THAT(detail, Catch::Contains("it answers 404 on DTR 2.7 (use /_ping)"));
  auto traffic = LbFixture::result(report, "traffic");
  CHECK(traffic["result"] == "FAIL");
  CHECK_THAT(traffic["detail"].get<std::string>(), Catch::Contains("30 https requests failed"));
}

TEST_CASE("a load balancer that closes idle connections fails the idle check", "[integration][lb]") {
  LbFixture f("tests/lb/haproxy-idle-timeout.cfg.in", "haproxy.cfg", haproxy());
  auto [code, report] = f.check({"--skip", "health-checks,failover-service,failover-stop"}, "4s");
  INFO(f.output);
  CHECK(code == 1);
  auto idle = LbFixture::result(report, "idle");
  CHECK(idle["result"] == "FAIL");
  CHECK_THAT(idle["detail"].get<std::string>(), Catch::Contains("http: the load balancer closed the idle connection after"));
  CHECK_THAT(idle["detail"].get<std::string>(), Catch::Contains("(DTR asks for no idle timeout, or more than 10 minutes)"));
  // Closed when "timeout client 1s" ran out, not when --idle did.
  double closed = idle["measured"]["http"]["closed_after_ms"].get<double>();
  CHECK(closed > 500);
  CHECK(closed < 3000);
  // Over TLS too: the close (a close_notify or a bare FIN) is seen when it happens.
  REQUIRE(idle["measured"]["https"].contains("closed_after_ms"));
  closed = idle["measured"]["https"]["closed_after_ms"].get<double>();
  CHECK(closed > 500);
  CHECK(closed < 3000);
  for (const char* name : {"traffic", "tls", "host", "buffering"}) CHECK(LbFixture::result(report, name)["result"] == "PASS");
}
