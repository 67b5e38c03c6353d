// `dtrsim run`: start the replicas, print where they listen, serve until SIGINT/SIGTERM.
#include <csignal>
#include <iomanip>
#include <iostream>

#include "cli.hpp"
#include "cluster_flags.hpp"
#include "dtrsim/cluster.hpp"
#include "dtrsim/state_file.hpp"
#include "signals.hpp"

namespace dtrsim::cli {
namespace {

struct RunFlags {
  ClusterFlags cluster;
  std::string state_file;
};

void print_table(const Cluster& cluster, const std::string& ca_file) {
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
  std::cout << "Press Ctrl-C to stop." << std::endl;
}

int run(const RunFlags& flags) {
  ClusterConfig config = to_config(flags.cluster);
  block_termination_signals();
  try {
    Cluster cluster(config);
    cluster.start();
    std::string ca_file;
    if (!flags.state_file.empty()) {
      ca_file = ca_path_for(flags.state_file);
      write_file_atomically(ca_file, cluster.ca_pem());
      write_file_atomically(flags.state_file, state_file_json(cluster, ca_file, "").dump(2) + "\n");
    }
    print_table(cluster, ca_file);
    int sig = wait_for_termination();
    cluster.stop();
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
                  "Write the replicas' URLs here (atomically) once every listener accepts; the CA "
                  "goes beside it as <name>.ca.pem")
      ->envname("DTRSIM_STATE_FILE");
  cmd->callback([flags] { throw ExitRequest{run(*flags), ""}; });
}

} // namespace dtrsim::cli
