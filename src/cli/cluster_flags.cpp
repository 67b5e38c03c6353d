// Cluster flags of `dtrsim run`, their environment variables and their checks.
#include "cluster_flags.hpp"

#include <sstream>

#include "cli.hpp"
#include "dtrsim/duration.hpp"
#include "dtrsim/profile.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim::cli {

void add_cluster_flags(CLI::App& app, ClusterFlags& f) {
  auto& c = f.config;
  std::string versions;
  for (const auto& n : profile_names()) append_item(versions, n, ", ");
  app.add_option("--replicas", c.replicas, "Number of replicas (1 to 64)")
      ->envname("DTRSIM_REPLICAS")
      ->capture_default_str();
  app.add_option("--bind", c.bind, "Address the replicas listen on")
      ->envname("DTRSIM_BIND")
      ->capture_default_str();
  app.add_flag("--distinct-addresses", c.distinct_addresses,
               "Replica N listens on --bind + (N-1) (127.0.1.1, 127.0.1.2, ...), all on the same "
               "two ports, like real DTR nodes");
  app.add_option("--http-port", c.http_port,
                 "HTTP port of replica 1; replica N uses +N-1 (0: ephemeral)")
      ->envname("DTRSIM_HTTP_PORT")
      ->capture_default_str();
  app.add_option("--https-port", c.https_port,
                 "HTTPS port of replica 1; replica N uses +N-1 (0: ephemeral)")
      ->envname("DTRSIM_HTTPS_PORT")
      ->capture_default_str();
  app.add_option("--dtr-version", c.dtr_version, "DTR version profile: " + versions)
      ->envname("DTRSIM_DTR_VERSION")
      ->capture_default_str();
  app.add_option("--dtr-fqdn", c.dtr_fqdn, "Name in the replicas' certificates")
      ->capture_default_str();
  app.add_option("--replica-ids", f.replica_ids,
                 "Comma-separated 12-hex-character replica ids (default: random)");
  app.add_flag("--sequential-ids", c.sequential_ids, "Ids 000000000001, 000000000002, ...");
  app.add_option("--heartbeat", f.heartbeat,
                 "How often each replica writes its health into the cluster's cache")
      ->capture_default_str();
  app.add_option("--admin", f.admin, "Admin credentials for cluster_status, USER:PASS")
      ->envname("DTRSIM_ADMIN")
      ->capture_default_str();
  app.add_option("--user", f.users, "A non-admin user USER:PASS (repeatable)");
  app.add_option("--tls-cert", c.tls_cert, "PEM certificate (and chain) for every replica")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", c.tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
  app.add_option("--tls-ca", c.tls_ca, "PEM CA served at /ca (with --tls-cert)")
      ->check(CLI::ExistingFile);
  app.add_option("--seed", f.seed, "Seed for ids, fault probabilities and jitter (default: random)")
      ->envname("DTRSIM_SEED");
  app.add_flag("--no-replica-header", f.no_replica_header,
               "Do not add X-Dtrsim-Replica to responses");
  app.add_option("--max-hang", f.max_hang, "Longest time a hang fault holds a request")
      ->capture_default_str();
  app.add_option("--keep-alive-timeout", f.keep_alive_timeout,
                 "How long replicas keep idle connections open")
      ->capture_default_str();
  app.add_option("--journal-size", c.journal_size, "Journal entries kept per replica")
      ->capture_default_str();
  app.add_option("--max-connections", c.max_connections, "Open connections per process")
      ->capture_default_str();
}

ClusterConfig to_config(const ClusterFlags& f) {
  ClusterConfig c = f.config;
  std::vector<std::string> errors;
  auto duration = [&](const char* flag, const std::string& text, Millis& out) {
    if (auto d = parse_duration(text)) out = *d;
    else errors.push_back(std::string("--") + flag + ": \"" + text + "\" " + duration_problem(text));
  };
  duration("heartbeat", f.heartbeat, c.heartbeat);
  duration("max-hang", f.max_hang, c.max_hang);
  duration("keep-alive-timeout", f.keep_alive_timeout, c.keep_alive_timeout);
  if (auto a = Accounts::parse(f.admin, true)) c.admin = *a;
  else errors.push_back("--admin: \"" + f.admin + "\" is not USER:PASS");
  for (const auto& u : f.users) {
    if (auto a = Accounts::parse(u, false)) c.users.push_back(*a);
    else errors.push_back("--user: \"" + u + "\" is not USER:PASS");
  }
  if (!f.replica_ids.empty()) {
    std::stringstream ss(f.replica_ids);
    std::string id;
    while (std::getline(ss, id, ',')) c.replica_ids.push_back(id);
  }
  if (f.seed >= 0) c.seed = static_cast<std::uint64_t>(f.seed);
  c.replica_header = !f.no_replica_header;
  for (auto& e : validate_config(c)) errors.push_back(std::move(e));
  if (!errors.empty()) {
    std::string msg;
    for (const auto& e : errors) msg += (msg.empty() ? "dtrsim: " : "\ndtrsim: ") + e;
    throw ExitRequest{usage, msg};
  }
  return c;
}

} // namespace dtrsim::cli
