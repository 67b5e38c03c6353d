// The whole life of a scenario run.
#include "dtrsim/scenario_runner.hpp"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "../net/socket.hpp"
#include "dtrsim/cluster.hpp"
#include "dtrsim/control_api.hpp"
#include "dtrsim/player.hpp"
#include "dtrsim/state_file.hpp"
#include "lb_process.hpp"
#include "templates.hpp"

namespace dtrsim {
namespace {

struct Endpoint {
  std::string scheme, host;
  int port = 0;
  std::string url() const { return scheme + "://" + net::format_endpoint(host, port); }
};

Endpoint parse_url(const std::string& url) {
  Endpoint e;
  size_t s = url.find("://");
  e.scheme = url.substr(0, s);
  std::string rest = url.substr(s + 3);
  size_t colon = rest.rfind(':');
  e.host = rest.substr(0, colon);
  if (e.host.size() > 2 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
  e.port = std::stoi(rest.substr(colon + 1));
  return e;
}

int free_port(const std::string& host) {
  int fd = net::listen_on(host, 0, 1);
  int port = net::local_port(fd);
  ::close(fd);
  return port;
}

std::string absolute(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : path;
}

std::string join_path(const std::string& dir, const std::string& p) {
  return !p.empty() && p.front() == '/' ? p : dir + "/" + p;
}

void write_report(const std::string& file, const std::string& text, std::ostream& err) {
  if (file.empty()) return;
  std::ofstream out(file);
  if (!out) err << "dtrsim: cannot write " << file << "\n";
  out << text;
}

TemplateVars variables(const Scenario& s, const Cluster& cluster, const std::string& run_dir,
                       const std::string& ca_file, const Endpoint* http, const Endpoint* https) {
  TemplateVars v;
  auto& g = v.global;
  g["DTRSIM_RUN_DIR"] = run_dir;
  g["DTRSIM_SCENARIO_DIR"] = s.base_dir;
  g["DTRSIM_CA_FILE"] = ca_file;
  g["DTRSIM_DTR_FQDN"] = s.cluster.dtr_fqdn;
  auto replicas = cluster.replicas();
  g["DTRSIM_REPLICAS"] = std::to_string(replicas.size());
  if (http) {
    g["DTRSIM_LB_HTTP_ADDRESS"] = http->host;
    g["DTRSIM_LB_HTTP_PORT"] = std::to_string(http->port);
  }
  if (https) {
    g["DTRSIM_LB_HTTPS_ADDRESS"] = https->host;
    g["DTRSIM_LB_HTTPS_PORT"] = std::to_string(https->port);
  }
  for (const auto& r : replicas) {
    std::string p = "DTRSIM_REPLICA_" + std::to_string(r.number) + "_";
    g[p + "ADDRESS"] = r.address;
    g[p + "HTTP_PORT"] = std::to_string(r.http_port);
    g[p + "HTTPS_PORT"] = std::to_string(r.https_port);
    g[p + "ID"] = r.id;
    g[p + "NAME"] = r.name;
    v.replicas.push_back({{"REPLICA_N", std::to_string(r.number)},
                          {"REPLICA_ADDRESS", r.address},
                          {"REPLICA_HTTP_PORT", std::to_string(r.http_port)},
                          {"REPLICA_HTTPS_PORT", std::to_string(r.https_port)},
                          {"REPLICA_ID", r.id},
                          {"REPLICA_NAME", r.name}});
  }
  return v;
}

} // namespace

int run_scenario(const std::string& file, const RunnerOptions& o) {
  std::ostream& out = o.out ? *o.out : std::cout;
  std::ostream& err = o.err ? *o.err : std::cerr;
  ScenarioCheck check;
  check.lb_urls_given = !o.lb_http.empty() || !o.lb_https.empty();
  LoadedScenario loaded = load_scenario(file, check);
  if (!loaded.scenario) {
    for (const auto& e : loaded.errors) err << e << "\n";
    err << "dtrsim: " << loaded.errors.size() << " error" << (loaded.errors.size() == 1 ? "" : "s")
        << " in " << file << "; nothing was started\n";
    return 2;
  }
  Scenario s = *loaded.scenario;
  s.base_dir = absolute(s.base_dir);
  out << "Scenario " << s.name << ": " << s.description << "\n";

  PlayReport failed_start;
  failed_start.name = s.name;
  failed_start.file = s.file;
  failed_start.description = s.description;
  failed_start.started_at = std::chrono::system_clock::now();
  auto fail_run = [&](const std::string& why) {
    err << "dtrsim: " << why << "\n";
    failed_start.runtime_error = why;
    write_report(o.junit_file, junit_xml(failed_start), err);
    write_report(o.json_file, report_json(failed_start).dump(2) + "\n", err);
    return 3;
  };

  try {
    Cluster cluster(s.cluster);
    cluster.start();
    std::string run_dir = o.run_dir;
    bool own_run_dir = run_dir.empty();
    if (run_dir.empty()) {
      char tmpl[] = "/tmp/dtrsim-run-XXXXXX";
      run_dir = ::mkdtemp(tmpl);
    } else {
      ::mkdir(run_dir.c_str(), 0755);
      run_dir = absolute(run_dir);
    }
    std::string ca_file = run_dir + "/ca.pem";
    write_file_atomically(ca_file, cluster.ca_pem());
    for (const auto& r : cluster.replicas())
      out << "  " << r.name << " " << r.id << " " << r.http_url << " " << r.https_url << "\n";

    std::optional<Endpoint> lb_http, lb_https;
    if (s.load_balancer) {
      if (!s.load_balancer->http_url.empty()) lb_http = parse_url(s.load_balancer->http_url);
      if (!s.load_balancer->https_url.empty()) lb_https = parse_url(s.load_balancer->https_url);
      for (auto* e : {&lb_http, &lb_https})
        if (*e && (*e)->port == 0) (*e)->port = free_port((*e)->host);
    }
    TemplateVars vars = variables(s, cluster, run_dir, ca_file, lb_http ? &*lb_http : nullptr,
                                  lb_https ? &*lb_https : nullptr);
    LbProcess lb;
    PlayOptions play_options;
    play_options.lb_http = o.lb_http;
    play_options.lb_https = o.lb_https;
    if (s.load_balancer) {
      const LoadBalancerSpec& spec = *s.load_balancer;
      std::map<std::string, std::string> env = vars.global;
      for (const auto& [k, v] : spec.env) env[k] = vars.global[k] = substitute(v, vars.global);
      for (const auto& t : spec.templates) {
        std::ifstream in(join_path(s.base_dir, t.from));
        if (!in) return fail_run("cannot read the template " + join_path(s.base_dir, t.from));
        std::stringstream text;
        text << in.rdbuf();
        std::string rendered;
        try {
          rendered = render_template(text.str(), vars);
        } catch (const std::runtime_error& e) {
          return fail_run(join_path(s.base_dir, t.from) + ": " + e.what());
        }
        write_file_atomically(join_path(run_dir, t.to), rendered);
      }
      std::vector<std::string> argv;
      for (const auto& a : spec.command) argv.push_back(substitute(a, vars.global));
      std::string cwd = join_path(s.base_dir, substitute(spec.cwd, vars.global));
      std::string log = run_dir + "/load-balancer.log";
      lb.start(argv, cwd, env, log);
      std::vector<std::pair<std::string, int>> endpoints;
      if (lb_http) endpoints.push_back({lb_http->host, lb_http->port});
      if (lb_https) endpoints.push_back({lb_https->host, lb_https->port});
      lb.wait_ready(endpoints, spec.ready_timeout);
      out << "  load balancer: " << argv[0] << " (pid " << lb.pid() << ", log " << log << ")";
      if (lb_http) out << " " << lb_http->url();
      if (lb_https) out << " " << lb_https->url();
      out << "\n";
      if (lb_http) play_options.lb_http = lb_http->url();
      if (lb_https) play_options.lb_https = lb_https->url();
    }
    std::unique_ptr<ControlServer> control;
    if (!o.control.empty()) {
      control = std::make_unique<ControlServer>(cluster, "");
      control->start(parse_control_address(o.control));
      out << "  control API: " << control->url() << "\n";
    }
    out << "  run directory: " << run_dir << "\n" << std::flush;

    play_options.abort = o.abort;
    play_options.substitute = [&vars](const std::string& text) { return substitute(text, vars.global); };
    play_options.on_step = [&out](const StepReport& sr) { out << step_line(sr) << std::endl; };
    PlayReport report = play(s, cluster, play_options);
    bool lb_died = s.load_balancer && !lb.running();
    if (lb_died) report.runtime_error = "the load balancer exited during the run; the end of its log:\n" + lb.log_tail();
    lb.stop();
    if (control) control->stop();
    cluster.stop();
    out << summary_table(report) << std::flush;
    write_report(o.junit_file, junit_xml(report), err);
    write_report(o.json_file, report_json(report).dump(2) + "\n", err);
    write_report(o.html_file, html_timeline(report), err);
    if (own_run_dir && report.passed()) {
      std::error_code ec;
      std::filesystem::remove_all(run_dir, ec);
    } else {
      out << "  kept " << run_dir << " (rendered configs, load balancer log)\n";
    }
    if (!report.runtime_error.empty() || report.aborted) return 3;
    return report.passed() ? 0 : 1;
  } catch (const StartError& e) {
    return fail_run(e.what());
  } catch (const std::runtime_error& e) {
    return fail_run(e.what());
  }
}

} // namespace dtrsim
