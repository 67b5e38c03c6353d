// The whole life of a scenario run.
#include "dtrsim/scenario_runner.hpp"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "../net/socket.hpp"
#include "dtrsim/cluster.hpp"
#include "dtrsim/control_api.hpp"
#include "dtrsim/player.hpp"
#include "dtrsim/state_file.hpp"
#include "dtrsim/text.hpp"
#include "lb_launch.hpp"

namespace dtrsim {
namespace {

std::string absolute(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : path;
}

// What a kept run directory holds: "ca.pem, haproxy.cfg, load-balancer.log".
std::string contents(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto& n : names) append_item(out, n, ", ");
  return out.empty() ? "(empty)" : out;
}

// Each report that was asked for (and only those).
void write_reports(const RunnerOptions& o, const PlayReport& r, std::ostream& err) {
  for (auto [file, render] : {std::pair{&o.junit_file, &junit_xml}, {&o.json_file, &report_json},
                              {&o.html_file, &html_timeline}}) {
    if (file->empty()) continue;
    std::ofstream out(*file);
    if (!out) err << "dtrsim: cannot write " << *file << "\n";
    out << render(r);
  }
}

} // namespace

int run_scenario(const std::string& file, const RunnerOptions& o) {
  std::ostream& out = o.out ? *o.out : std::cout;
  std::ostream& err = o.err ? *o.err : std::cerr;
  if (auto bad = check_lb_flags(o.lb_http, o.lb_https); !bad.empty()) {
    for (const auto& e : bad) err << "dtrsim: " << e << "\n";
    err << "dtrsim: nothing was started\n";
    return 2;
  }
  ScenarioCheck check;
  check.lb_http = o.lb_http;
  check.lb_https = o.lb_https;
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
  std::string run_dir = o.run_dir;
  bool own_run_dir = run_dir.empty();
  auto fail_run = [&](const std::string& why, bool interrupted = false) {
    err << "dtrsim: " << why << "\n";
    if (own_run_dir && !run_dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(run_dir, ec);
    }
    if (interrupted) failed_start.aborted = true;
    else failed_start.runtime_error = why;
    write_reports(o, failed_start, err);
    return 3;
  };

  try {
    Cluster cluster(s.cluster);
    cluster.start();
    if (own_run_dir) {
      char tmpl[] = "/tmp/dtrsim-run-XXXXXX";
      if (!::mkdtemp(tmpl))
        throw std::runtime_error(std::string("cannot create a run directory in /tmp: ") + std::strerror(errno));
      run_dir = tmpl;
    } else {
      ::mkdir(run_dir.c_str(), 0755);
      run_dir = absolute(run_dir);
    }
    std::string ca_file = run_dir + "/ca.pem";
    write_file_atomically(ca_file, cluster.ca_pem());
    for (const auto& r : cluster.replicas())
      out << "  " << r.name << " " << r.id << " " << r.http_url << " " << r.https_url << "\n";

    std::unique_ptr<LbLaunch> lb;
    PlayOptions play_options;
    play_options.lb_http = o.lb_http;
    play_options.lb_https = o.lb_https;
    TemplateVars vars = cluster_variables(cluster);
    vars.global["DTRSIM_RUN_DIR"] = run_dir;
    vars.global["DTRSIM_SCENARIO_DIR"] = s.base_dir;
    vars.global["DTRSIM_CA_FILE"] = ca_file;
    if (s.load_balancer) {
      lb = std::make_unique<LbLaunch>(cluster, *s.load_balancer, s.base_dir, run_dir, ca_file, o.abort);
      vars = lb->vars();
      out << "  load balancer: " << lb->program() << " (pid " << lb->process().pid() << ", log "
          << lb->log_file() << ")";
      if (!lb->http_url().empty()) out << " " << lb->http_url();
      if (!lb->https_url().empty()) out << " " << lb->https_url();
      out << "\n";
      if (!lb->http_url().empty()) play_options.lb_http = lb->http_url();
      if (!lb->https_url().empty()) play_options.lb_https = lb->https_url();
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
    auto lb_exited = [&lb]() -> std::string {
      if (!lb || lb->process().running()) return "";
      return "the load balancer exited with status " + std::to_string(lb->process().exit_status()) +
             " during the run; the end of its log:\n" + lb->process().log_tail();
    };
    play_options.check_run = lb_exited;
    PlayReport report = play(s, cluster, play_options);
    if (report.runtime_error.empty()) report.runtime_error = lb_exited();  // during the last step
    if (!report.runtime_error.empty()) err << "dtrsim: " << report.runtime_error << std::flush;
    if (lb) lb->process().stop();
    if (control) control->stop();
    cluster.stop();
    out << summary_table(report) << std::flush;
    write_reports(o, report, err);
    if (own_run_dir && report.passed()) {
      std::error_code ec;
      std::filesystem::remove_all(run_dir, ec);
    } else {
      out << "  kept " << run_dir << ": " << contents(run_dir) << "\n";
    }
    if (!report.run_error().empty()) return 3;
    return report.passed() ? 0 : 1;
  } catch (const LbWaitInterrupted& e) {
    return fail_run(e.what(), true);
  } catch (const std::exception& e) {  // StartError, a template, the run directory, ...
    return fail_run(e.what());
  }
}

} // namespace dtrsim
