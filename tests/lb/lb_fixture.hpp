// A cluster on 127.0.1.x with a real load balancer in front of it, started from a configuration
// template, and `dtrsim lb check` run against both.
#pragma once

#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "scenario/lb_launch.hpp"
#include "support/cluster_fixture.hpp"
#include "support/process.hpp"

namespace dtrsim::test {

inline ClusterConfig distinct_config() {
  ClusterConfig c = ephemeral_config(3);
  c.distinct_addresses = true;
  c.bind = "127.0.1.1";
  return c;
}

inline std::vector<std::string> haproxy(const std::string& before = "") {
  return {"sh", "-c", before + "exec haproxy -db -f haproxy.cfg"};
}
inline std::vector<std::string> nginx() {
  return {"nginx", "-p", "${DTRSIM_RUN_DIR}", "-c", "${DTRSIM_RUN_DIR}/nginx.conf", "-e", "stderr", "-g", "daemon off;"};
}

struct LbFixture : ClusterFixture {
  // `config_template` is relative to the source tree; it is rendered to `rendered` in the run
  // directory, where `command` starts.
  LbFixture(const std::string& config_template, const std::string& rendered, std::vector<std::string> command)
      : ClusterFixture(distinct_config()) {
    LoadBalancerSpec spec;
    spec.command = std::move(command);
    spec.cwd = dir.path();
    spec.http_url = "http://127.0.0.1:0";
    spec.https_url = "https://127.0.0.1:0";
    spec.templates = {{std::string(DTRSIM_SOURCE_DIR) + "/" + config_template, rendered}};
    std::string ca = dir.file("ca.pem");
    std::ofstream(ca) << cluster.ca_pem();
    lb = std::make_unique<LbLaunch>(cluster, spec, DTRSIM_SOURCE_DIR, dir.path(), ca);
  }
  ~LbFixture() { lb->process().stop(); }

  // Runs `dtrsim lb check` with short waits; returns its exit code and JSON report.
  std::pair<int, nlohmann::json> check(std::vector<std::string> extra = {}, const std::string& idle = "1s") {
    std::vector<std::string> args{DTRSIM_BINARY, "lb", "check", "--lb-http", lb->http_url(), "--lb-https",
                                  lb->https_url(), "--control", control.url(), "--idle", idle, "--observe",
                                  "2s", "--failover-timeout", "4s", "--json", dir.file("report.json")};
    args.insert(args.end(), extra.begin(), extra.end());
    Process p(args);
    int code = p.wait(std::chrono::seconds(90));
    output = p.out() + p.err();
    return {code, file_exists(dir.file("report.json")) ? nlohmann::json::parse(read_file(dir.file("report.json")))
                                                         : nlohmann::json()};
  }

  static nlohmann::json result(const nlohmann::json& report, const std::string& name) {
    for (const auto& c : report["checks"])
      if (c["name"] == name) return c;
    return nullptr;
  }

  TempDir dir;
  std::unique_ptr<LbLaunch> lb;
  std::string output;
};

} // namespace dtrsim::test
