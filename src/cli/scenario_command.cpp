// `dtrsim scenario run FILE` and `dtrsim scenario validate FILE...`.
#include <atomic>
#include <iostream>

#include "cli.hpp"
#include "dtrsim/scenario.hpp"
#include "dtrsim/scenario_runner.hpp"
#include "dtrsim/text.hpp"
#include "signals.hpp"

namespace dtrsim::cli {
namespace {

struct ScenarioRunFlags {
  std::string file;
  RunnerOptions runner;
};

} // namespace

void setup_scenario(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("scenario", "Run or validate scenario files");
  cmd->require_subcommand(1);

  auto f = std::make_shared<ScenarioRunFlags>();
  CLI::App* run = cmd->add_subcommand(
      "run", "Start the scenario's replicas (and load balancer), play its steps, report; exit 0 "
             "when every expectation held, 1 when one failed, 2 when the file is invalid, 3 when "
             "the run could not be done");
  run->add_option("file", f->file, "The scenario (JSON)")->required();
  run->add_option("--junit", f->runner.junit_file, "Write a JUnit XML report here");
  run->add_option("--json", f->runner.json_file, "Write every step with its times and measurements here");
  run->add_option("--html", f->runner.html_file, "Write an HTML timeline here");
  run->add_option("--lb-http", f->runner.lb_http, "Your load balancer's HTTP URL, when the scenario starts none")
      ->envname("DTRSIM_LB_HTTP");
  run->add_option("--lb-https", f->runner.lb_https, "Your load balancer's HTTPS URL, when the scenario starts none")
      ->envname("DTRSIM_LB_HTTPS");
  run->add_option("--run-dir", f->runner.run_dir, "Where rendered configs and the load balancer's log go (default: a new /tmp dir)");
  run->add_option("--control", f->runner.control, "Also serve the control API here during the run (ADDR:PORT)");
  run->callback([f] {
    std::atomic<bool> abort{false};
    f->runner.abort = &abort;
    int code = with_abort_on_signal(abort, [&] { return run_scenario(f->file, f->runner); }, "stopping");
    throw ExitRequest{code, ""};
  });

  auto files = std::make_shared<std::vector<std::string>>();
  auto check = std::make_shared<ScenarioCheck>();
  CLI::App* validate = cmd->add_subcommand("validate", "Check scenario files without running them (exit 2 if one is invalid)");
  validate->add_option("files", *files, "Scenario files")->required();
  validate->add_option("--lb-http", check->lb_http, "Check as `scenario run --lb-http URL` would")
      ->envname("DTRSIM_LB_HTTP");
  validate->add_option("--lb-https", check->lb_https, "Check as `scenario run --lb-https URL` would")
      ->envname("DTRSIM_LB_HTTPS");
  validate->callback([files, check] {
    if (auto bad = check_lb_flags(check->lb_http, check->lb_https); !bad.empty()) {
      std::string msg;
      for (const auto& e : bad) append_item(msg, "dtrsim: " + e, "\n");
      throw ExitRequest{usage, msg};
    }
    int bad = 0;
    for (const auto& file : *files) {
      LoadedScenario s = load_scenario(file, *check);
      if (s.scenario) {
        std::cout << "ok: " << file << " (" << s.scenario->name << ", " << s.scenario->steps.size() << " steps)\n";
        continue;
      }
      ++bad;
      for (const auto& e : s.errors) std::cerr << e << "\n";
    }
    throw ExitRequest{bad ? usage : ok, ""};
  });
}

} // namespace dtrsim::cli
