// `dtrsim run`: start the replicas and the control API, print where they listen, serve until
// SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "cli.hpp"
#include "cluster_flags.hpp"
#include "dtrsim/cluster.hpp"
#include "dtrsim/control_api.hpp"
#include "dtrsim/player.hpp"
#include "dtrsim/scenario.hpp"
#include "dtrsim/state_file.hpp"
#include "signals.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim::cli {
namespace {

struct RunFlags {
  ClusterFlags cluster;
  std::string state_file;
  std::string control = "127.0.0.1:7070";
  std::string control_token;
  std::string scenario;
  std::string lb_http, lb_https;
};

// Plays a scenario's timeline against the running cluster in the background (dtrsim run
// --scenario): for manual testing, expectations are reported, never fatal.
class BackgroundScenario {
 public:
  BackgroundScenario(Scenario s, Cluster& cluster, const RunFlags& flags, std::mutex& out_m)
      : thread_([this, s = std::move(s), &cluster, &flags, &out_m] {
          PlayOptions o;
          o.lb_http = flags.lb_http;
          o.lb_https = flags.lb_https;
          o.abort = &abort_;
          o.on_step = [&out_m](const StepReport& r) {
            std::lock_guard<std::mutex> lock(out_m);
            std::cout << step_line(r) << std::endl;
          };
          PlayReport report = play(s, cluster, o);
          std::lock_guard<std::mutex> lock(out_m);
          std::cout << summary_table(report);
          if (!report.aborted) std::cout << "dtrsim: the scenario is over; still serving.";
          std::cout << std::endl;
        }) {}
  ~BackgroundScenario() {
    abort_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> abort_{false};
  std::thread thread_;
};

void print_table(const Cluster& cluster, const std::string& ca_file, const std::string& control) {
  auto replicas = cluster.replicas();
  std::cout << "dtrsim: " << replicas.size() << " replica" << (replicas.size() == 1 ? "" : "s")
            << ", DTR " << cluster.state()->profile.name << " profile, seed " << cluster.seed()
            << "\n";
  std::cout << std::left << std::setw(12) << "REPLICA" << std::setw(14) << "ID" << std::setw(28)
            << "HTTP" << "HTTPS\n";
  for (const auto& r : replicas)
    std::cout << std::setw(12) << r.name << std::setw(14) << r.id << std::setw(28) << r.http_url
              << r.https_url << "\n";
  const auto& admin = cluster.config().admin;
  std::cout << "admin credentials (cluster_status): " << admin.user << ":" << admin.password
            << "\n";
  std::cout << "CA certificate: served at /ca" << (ca_file.empty() ? "" : ", written to " + ca_file)
            << "\n";
  if (!control.empty())
    std::cout << "control API: " << control << " (dashboard at " << control << "/)\n";
  std::cout << "Press Ctrl-C to stop." << std::endl;
}

int run(const RunFlags& flags) {
  ClusterConfig config = to_config(flags.cluster);
  std::optional<ControlAddress> control;
  try {
    if (flags.control != "none") control = parse_control_address(flags.control);
    if (control && !is_loopback(control->address) && flags.control_token.empty())
      throw StartError("--control " + flags.control +
                       ": refusing to expose the control API beyond loopback without "
                       "--control-token");
  } catch (const StartError& e) {
    throw ExitRequest{usage, std::string("dtrsim: ") + e.what()};
  }
  std::optional<Scenario> scenario;
  if (!flags.scenario.empty()) {
    std::vector<std::string> errors;
    for (const auto& e : check_lb_flags(flags.lb_http, flags.lb_https)) errors.push_back("dtrsim: " + e);
    ScenarioCheck check;
    check.running_cluster = config;
    LoadedScenario loaded = load_scenario(flags.scenario, check);
    errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
    if (!errors.empty()) {
      std::string msg;
      for (const auto& e : errors) append_item(msg, e, "\n");
      throw ExitRequest{usage, msg};
    }
    scenario = std::move(loaded.scenario);
  }
  block_termination_signals();
  // The state file exists while this process serves: a script waiting for it never reads the
  // one an earlier run left behind.
  if (!flags.state_file.empty()) std::remove(flags.state_file.c_str());
  try {
    Cluster cluster(config);
    std::mutex out_m;
    cluster.set_log([&out_m](const std::string& line) {
      std::lock_guard<std::mutex> lock(out_m);
      std::cout << format_rfc3339(std::chrono::system_clock::now(), true) << " " << line
                << std::endl;
    });
    cluster.start();
    ControlServer server(cluster, flags.control_token);
    if (control) server.start(*control);
    std::string ca_file;
    if (!flags.state_file.empty()) {
      ca_file = ca_path_for(flags.state_file);
      write_file_atomically(ca_file, cluster.ca_pem());
      write_file_atomically(flags.state_file,
                            state_file_json(cluster, ca_file, server.url()).dump(2) + "\n");
    }
    {
      std::lock_guard<std::mutex> lock(out_m);
      print_table(cluster, ca_file, server.url());
    }
    std::unique_ptr<BackgroundScenario> player;
    if (scenario) {
      {
        std::lock_guard<std::mutex> lock(out_m);
        std::cout << "playing " << flags.scenario << " (" << scenario->name
                  << ") against this cluster; its cluster and load_balancer sections are not used"
                  << std::endl;
      }
      player = std::make_unique<BackgroundScenario>(*scenario, cluster, flags, out_m);
    }
    int sig = wait_for_termination();
    player.reset();
    server.stop();
    cluster.stop();
    if (!flags.state_file.empty()) std::remove(flags.state_file.c_str());
    std::cout << "dtrsim: stopped on " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << std::endl;
    return ok;
  } catch (const StartError& e) {
    throw ExitRequest{runtime, std::string("dtrsim: ") + e.what()};
  } catch (const std::runtime_error& e) {
    throw ExitRequest{runtime, std::string("dtrsim: ") + e.what()};
  }
}

} // namespace

void setup_run(CLI::App& app) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand("run", "Start replicas and serve until SIGINT or SIGTERM");
  add_cluster_flags(*cmd, flags->cluster);
  cmd->add_option("--state-file", flags->state_file,
                  "Write the replicas' URLs and the control URL here (atomically) once every "
                  "listener accepts; the CA goes beside it as <name>.ca.pem")
      ->envname("DTRSIM_STATE_FILE");
  cmd->add_option("--control", flags->control,
                  "Control API address ADDRESS:PORT (port 0: ephemeral; none: no control API)")
      ->envname("DTRSIM_CONTROL_ADDRESS")
      ->capture_default_str();
  cmd->add_option("--control-token", flags->control_token,
                  "Require 'Authorization: Bearer TOKEN' on the control API (needed to bind a "
                  "non-loopback address)")
      ->envname("DTRSIM_CONTROL_TOKEN");
  cmd->add_option("--scenario", flags->scenario,
                  "Also play this scenario's commands against the cluster (expectations are "
                  "reported, not fatal)");
  cmd->add_option("--lb-http", flags->lb_http, "Load balancer HTTP URL for the scenario's via-lb expectations")
      ->envname("DTRSIM_LB_HTTP");
  cmd->add_option("--lb-https", flags->lb_https, "Load balancer HTTPS URL for the scenario's via-lb expectations")
      ->envname("DTRSIM_LB_HTTPS");
  cmd->callback([flags] { throw ExitRequest{run(*flags), ""}; });
}

} // namespace dtrsim::cli
