#pragma once
// The dtrsim command line: one setup function per subcommand, each adding its options to the app
// and the callback that runs it. Exit codes are shared by every subcommand.

#include <CLI/CLI.hpp>

namespace dtrsim::cli {

enum Exit : int {
  ok = 0,
  failed = 1,    // expectations failed, lb check FAILed
  usage = 2,     // bad flags, bad JSON, invalid scenario or command
  runtime = 3,   // port in use, control API unreachable, load balancer would not start
};

// Thrown by subcommand callbacks to end the program with `code` after printing `message`.
struct ExitRequest {
  int code;
  std::string message;
};

void setup_run(CLI::App& app);
void setup_ctl(CLI::App& app);
void setup_scenario(CLI::App& app);
void setup_lb(CLI::App& app);

} // namespace dtrsim::cli
