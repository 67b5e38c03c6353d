// dtrsim's entry point: parses the command line and runs one subcommand.
#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
  using namespace dtrsim::cli;
  CLI::App app{
      "dtrsim: simulated Docker Trusted Registry replicas for testing load balancers.\n"
      "Replicas serve DTR's health endpoints over HTTP and HTTPS; their services can be failed\n"
      "and recovered on command or on a scripted timeline.",
      "dtrsim"};
  app.set_help_all_flag("--help-all", "Print help for every subcommand");
  app.require_subcommand(1);
  app.fallthrough(false);
  setup_run(app);
  setup_ctl(app);
  setup_scenario(app);
  setup_lb(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "dtrsim: " << e.what() << "\nRun 'dtrsim --help' for usage.\n";
    return usage;
  } catch (const ExitRequest& e) {
    if (!e.message.empty()) (e.code == ok ? std::cout : std::cerr) << e.message << "\n";
    return e.code;
  }
  return ok;
}
