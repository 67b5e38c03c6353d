// Cluster start-up and shutdown: initial state, certificates, listeners.
#include "dtrsim/cluster.hpp"

#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>

#include "../net/replica_server.hpp"
#include "../net/socket.hpp"
#include "dtrsim/tls.hpp"

namespace dtrsim {

std::string make_url(const std::string& scheme, const std::string& address, int port) {
  return scheme + "://" + net::format_endpoint(address, port);
}

struct Cluster::Impl {
  Impl(ClusterConfig c, std::shared_ptr<const Clock> clk)
      : config(std::move(c)),
        clock(clk ? std::move(clk) : std::make_shared<SystemClock>()),
        seed(config.seed ? *config.seed : std::random_device{}()),
        rng(seed),
        ca(CertificateAuthority::generate("dtrsim CA")),
        store(ClusterState{}),
        pool(config.max_connections),
        env{store, *clock, {}, {}, {}, nullptr, pool} {}

  ClusterConfig config;
  std::shared_ptr<const Clock> clock;
  std::uint64_t seed;
  std::mt19937_64 rng;
  CertificateAuthority ca;
  CredentialPtr user_cert;
  std::string ca_pem;
  StateStore store;
  net::WorkerPool pool;
  net::ServerEnv env;
  std::mutex command_m;  // serializes every change of state and of the listeners
  std::map<int, std::unique_ptr<net::ReplicaServer>> servers;
  bool started = false;

  std::string new_replica_id(int number) {
    if (config.sequential_ids) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%012x", number);
      return buf;
    }
    static const char* hex = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 12; ++i) id += hex[rng() & 15];
    return id;
  }

  net::ReplicaCredentials credentials_for(const ReplicaState& r) const {
    CertSpec spec;
    spec.common_name = config.dtr_fqdn;
    spec.dns_names = {config.dtr_fqdn, "localhost"};
    if (r.address == "0.0.0.0" || r.address == "localhost")
      spec.ip_addresses = {"127.0.0.1"};
    else if (r.address == "::")
      spec.ip_addresses = {"::1"};
    else
      spec.ip_addresses = {r.address};
    net::ReplicaCredentials creds;
    creds.normal = user_cert ? user_cert : ca.issue(spec);
    CertSpec expired = spec;
    expired.not_before_seconds = -2L * 24 * 3600;
    expired.not_after_seconds = -1L * 24 * 3600;
    creds.expired = ca.issue(expired);
    CertSpec wrong = spec;
    wrong.common_name = "wrong-host.dtrsim.invalid";
    wrong.dns_names = {"wrong-host.dtrsim.invalid"};
    wrong.ip_addresses = {"192.0.2.254"};
    creds.wrong_host = ca.issue(wrong);
    creds.untrusted = self_signed(spec);
    return creds;
  }

  ReplicaState new_replica(int number, std::string id) {
    ReplicaState r;
    r.number = number;
    r.id = std::move(id);
    r.name = "replica-" + std::to_string(number);
    r.address = replica_address(config, number);
    r.http_port = replica_http_port(config, number);
    r.https_port = replica_https_port(config, number);
    return r;
  }

  void make_server(const ReplicaState& r) {
    auto tls = std::make_shared<const net::TlsContexts>(credentials_for(r));
    servers[r.number] = std::make_unique<net::ReplicaServer>(env, r.number, r.id, std::move(tls));
  }

  // Opens replica r's listeners and records the ports actually bound.
  void open_server(ReplicaState& r) {
    auto& server = servers.at(r.number);
    try {
      server->open(r.address, r.http_port, r.https_port);
    } catch (const net::BindError& e) {
      throw StartError("cannot listen for " + r.name + " on " + e.what());
    }
    r.http_port = server->http_port();
    r.https_port = server->https_port();
  }
};

Cluster::Cluster(ClusterConfig config, std::shared_ptr<const Clock> clock) {
  auto errors = validate_config(config);
  if (!errors.empty()) {
    std::string msg;
    for (const auto& e : errors) msg += (msg.empty() ? "" : "; ") + e;
    throw StartError(msg);
  }
  impl_ = std::make_unique<Impl>(std::move(config), std::move(clock));
  Impl& m = *impl_;
  try {
    if (!m.config.tls_cert.empty()) m.user_cert = load_credential(m.config.tls_cert, m.config.tls_key);
    m.ca_pem = !m.config.tls_ca.empty() ? read_text_file(m.config.tls_ca)
               : m.user_cert             ? m.user_cert->cert_pem
                                         : m.ca.pem();
  } catch (const TlsError& e) {
    throw StartError(e.what());
  }
  m.env.ca_pem = m.ca_pem;
  std::vector<Account> accounts{m.config.admin};
  for (const auto& u : m.config.users) accounts.push_back(u);
  m.env.accounts = Accounts(std::move(accounts));
  m.env.options.keep_alive_timeout = m.config.keep_alive_timeout;
  m.env.options.max_hang = m.config.max_hang;
  m.env.options.replica_header = m.config.replica_header;

  ClusterState state;
  state.profile = *find_profile(m.config.dtr_version);
  for (int n = 1; n <= m.config.replicas; ++n) {
    std::string id = m.config.replica_ids.empty() ? m.new_replica_id(n) : m.config.replica_ids[n - 1];
    state.replicas.push_back(m.new_replica(n, std::move(id)));
  }
  state.next_number = m.config.replicas + 1;
  for (const auto& r : state.replicas) m.make_server(r);
  m.store.publish(std::move(state));
}

Cluster::~Cluster() {
  if (impl_) stop();
}

void Cluster::start() {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.command_m);
  if (m.started) return;
  std::signal(SIGPIPE, SIG_IGN);
  ClusterState next = *m.store.snapshot();
  try {
    for (auto& r : next.replicas) m.open_server(r);
  } catch (...) {
    for (auto& [n, s] : m.servers) s->close();
    throw;
  }
  m.started = true;
  m.store.publish(std::move(next));
}

void Cluster::stop() {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.command_m);
  for (auto& [n, s] : m.servers) s->close();
  m.started = false;
}

StatePtr Cluster::state() const { return impl_->store.snapshot(); }
StateStore& Cluster::store() { return impl_->store; }
const ClusterConfig& Cluster::config() const { return impl_->config; }
std::uint64_t Cluster::seed() const { return impl_->seed; }
const std::string& Cluster::ca_pem() const { return impl_->ca_pem; }

std::vector<ReplicaInfo> Cluster::replicas() const {
  std::vector<ReplicaInfo> out;
  StatePtr s = state();
  for (const auto& r : s->replicas) {
    ReplicaInfo info;
    info.number = r.number;
    info.id = r.id;
    info.name = r.name;
    info.address = r.address;
    info.http_port = r.http_port;
    info.https_port = r.https_port;
    info.http_url = make_url("http", r.address, r.http_port);
    info.https_url = make_url("https", r.address, r.https_port);
    info.running = r.running;
    auto it = impl_->servers.find(r.number);
    if (it != impl_->servers.end()) info.fingerprint = it->second->tls().fingerprint();
    out.push_back(std::move(info));
  }
  return out;
}

NginxCounters Cluster::counters(int number) const {
  auto it = impl_->servers.find(number);
  return it == impl_->servers.end() ? NginxCounters{} : it->second->counters();
}

} // namespace dtrsim
