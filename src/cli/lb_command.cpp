// `dtrsim lb check` and `dtrsim lb config`.
#include <atomic>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "dtrsim/control_client.hpp"
#include "dtrsim/duration.hpp"
#include "dtrsim/lb_check.hpp"
#include "dtrsim/lb_config.hpp"
#include "signals.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim::cli {
namespace {

struct CheckFlags {
  LbCheckOptions options;
  std::string idle = "601s", observe = "6s", failover_timeout = "30s", skip, junit, json;
};

Millis duration_flag(const char* flag, const std::string& text) {
  auto d = parse_duration(text);
  if (!d) throw ExitRequest{usage, std::string("dtrsim lb check: --") + flag + ": \"" + text +
                                       "\" " + duration_problem(text)};
  return *d;
}

void write(const std::string& file, const std::string& text) {
  if (file.empty()) return;
  std::ofstream out(file);
  if (!out) std::cerr << "dtrsim: cannot write " << file << "\n";
  out << text;
}

int check(CheckFlags& f) {
  LbCheckOptions& o = f.options;
  if (o.lb_http.empty() && o.lb_https.empty())
    throw ExitRequest{usage, "dtrsim lb check: give the load balancer's --lb-http and --lb-https URLs"};
  o.idle = duration_flag("idle", f.idle);
  o.observe = duration_flag("observe", f.observe);
  o.failover_timeout = duration_flag("failover-timeout", f.failover_timeout);
  std::stringstream ss(f.skip);
  std::string name;
  while (std::getline(ss, name, ',')) {
    const auto& names = lb_check_names();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string all;
      for (const auto& n : names) append_item(all, n, ", ");
      throw ExitRequest{usage, "dtrsim lb check: --skip: no check \"" + name + "\" (" + all + ")"};
    }
    o.skip.insert(name);
  }
  std::cout << "dtrsim lb check: " << (o.lb_http.empty() ? "" : o.lb_http + " ")
            << (o.lb_https.empty() ? "" : o.lb_https + " ") << "in front of the replicas of " << o.control
            << std::endl;
  o.on_result = [](const CheckResult& r) { std::cout << lb_check_line(r) << std::endl; };

  std::atomic<bool> abort{false};
  o.abort = &abort;
  LbCheckReport report;
  with_abort_on_signal(abort, [&] { report = run_lb_check(o); return 0; }, "restoring the replica");
  std::cout << lb_check_summary(report);
  write(f.junit, lb_check_junit(report));
  write(f.json, lb_check_json(report).dump(2) + "\n");
  if (!report.error.empty() || abort) return runtime;
  return report.count(CheckVerdict::fail) ? failed : ok;
}

} // namespace

void setup_lb(CLI::App& app) {
  CLI::App* lb = app.add_subcommand("lb", "Check a load balancer in front of dtrsim, or print DTR's configurations");
  lb->require_subcommand(1);

  auto f = std::make_shared<CheckFlags>();
  CLI::App* c = lb->add_subcommand(
      "check", "Report, requirement by requirement, what a load balancer in front of a running dtrsim does "
               "(PASS/WARN/FAIL with the measurement); exit 0 when nothing FAILs, 1 when something does");
  c->add_option("--lb-http", f->options.lb_http, "The load balancer's HTTP URL (http://host:port)")->envname("DTRSIM_LB_HTTP");
  c->add_option("--lb-https", f->options.lb_https, "The load balancer's HTTPS URL (https://host:port)")->envname("DTRSIM_LB_HTTPS");
  c->add_option("--control", f->options.control, "dtrsim's control API")->envname("DTRSIM_CONTROL")->capture_default_str();
  c->add_option("--control-token", f->options.control_token, "Its bearer token")->envname("DTRSIM_CONTROL_TOKEN");
  c->add_option("--idle", f->idle, "How long a connection must survive idle (DTR: more than 10 minutes)")->capture_default_str();
  c->add_option("--observe", f->observe, "How long to watch for the load balancer's health checks")->capture_default_str();
  c->add_option("--failover-timeout", f->failover_timeout, "How long a failover may take")->capture_default_str();
  c->add_option("--requests", f->options.requests, "Requests per port for the traffic check")->capture_default_str();
  c->add_option("--replica", f->options.replica, "The replica failed and stopped for the failover checks (default: the last)");
  c->add_option("--service", f->options.service, "The service failed for the failover check")
      ->check(CLI::IsMember({"registry", "garant", "rethinkdb", "notary", "api"}))
      ->capture_default_str();
  c->add_option("--skip", f->skip, "Checks to leave out, comma-separated (e.g. idle,failover-stop)");
  c->add_option("--junit", f->junit, "Write a JUnit XML report here");
  c->add_option("--json", f->json, "Write the results and measurements as JSON here");
  c->callback([f] { throw ExitRequest{check(*f), ""}; });

  auto kind = std::make_shared<std::string>();
  auto control = std::make_shared<std::string>("http://127.0.0.1:7070");
  auto state_file = std::make_shared<std::string>();
  auto listen = std::make_shared<LbConfigInput>();
  CLI::App* cfg = lb->add_subcommand("config", "Print DTR's documented configuration for this cluster's replicas");
  cfg->add_option("kind", *kind, "haproxy, nginx or elb")->required()->check(CLI::IsMember(lb_config_kinds()));
  cfg->add_option("--control", *control, "Read the replicas from this control API")->envname("DTRSIM_CONTROL")->capture_default_str();
  cfg->add_option("--state-file", *state_file, "Read the replicas from this state file instead");
  cfg->add_option("--listen", listen->listen_address,
                  "The address the load balancer listens on (DTR's files: every address; on the replicas' "
                  "host give it one of its own, e.g. 127.0.0.1 in front of --distinct-addresses)")
      ->capture_default_str();
  cfg->add_option("--http-port", listen->listen_http, "The load balancer's HTTP port")->check(CLI::Range(1, 65535))->capture_default_str();
  cfg->add_option("--https-port", listen->listen_https, "The load balancer's HTTPS port")->check(CLI::Range(1, 65535))->capture_default_str();
  cfg->add_option("--stats-port", listen->listen_stats, "HAProxy's stats page port")->check(CLI::Range(1, 65535))->capture_default_str();
  cfg->callback([=] {
    nlohmann::json source;
    try {
      if (!state_file->empty()) {
        std::ifstream in(*state_file);
        if (!in) throw ExitRequest{runtime, "dtrsim lb config: cannot read " + *state_file};
        source = nlohmann::json::parse(in, nullptr, false);
        if (source.is_discarded()) throw ExitRequest{usage, "dtrsim lb config: " + *state_file + " is not JSON"};
      } else {
        source = ControlClient(*control).cluster();
      }
      LbConfigInput in = lb_input_from(source);
      in.listen_address = listen->listen_address;
      in.listen_http = listen->listen_http;
      in.listen_https = listen->listen_https;
      in.listen_stats = listen->listen_stats;
      std::cout << lb_config(*kind, in);
    } catch (const ControlError& e) {
      throw ExitRequest{runtime, std::string("dtrsim lb config: ") + e.what()};
    } catch (const std::runtime_error& e) {
      throw ExitRequest{usage, std::string("dtrsim lb config: ") + e.what()};
    }
    throw ExitRequest{ok, ""};
  });
}

} // namespace dtrsim::cli
