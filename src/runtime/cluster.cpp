// The Cluster: start-up, the command path (pure apply, then listeners to match, then publish),
// the heartbeat ticker, and the descriptions served by the control API.
#include "dtrsim/cluster.hpp"

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "../net/replica_server.hpp"
#include "../net/socket.hpp"
#include "dtrsim/apply.hpp"
#include "dtrsim/fault.hpp"
#include "dtrsim/health.hpp"
#include "dtrsim/health_cache.hpp"
#include "dtrsim/quorum.hpp"
#include "dtrsim/tls.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim {

std::string make_url(const std::string& scheme, const std::string& address, int port) {
  return scheme + "://" + net::format_endpoint(address, port);
}

namespace {

// Feeds what the replicas served into the journal and the metrics.
class Recorder final : public ExchangeSink {
 public:
  Recorder(Journal& j, Metrics& m) : journal_(j), metrics_(m) {}
  void record(ExchangeRecord&& rec) override {
    metrics_.count(rec);
    journal_.add(std::move(rec));
  }

 private:
  Journal& journal_;
  Metrics& metrics_;
};

} // namespace

struct Cluster::Impl {
  Impl(ClusterConfig c, std::shared_ptr<const Clock> clk)
      : config(std::move(c)),
        clock(clk ? std::move(clk) : std::make_shared<SystemClock>()),
        seed(config.seed ? *config.seed : std::random_device{}()),
        rng(seed),
        ca(CertificateAuthority::generate("dtrsim CA")),
        journal(config.journal_size),
        recorder(journal, metrics),
        store(ClusterState{}),
        pool(config.max_connections),
        env{store, *clock, {}, {}, {}, &recorder, pool} {}

  ClusterConfig config;
  std::shared_ptr<const Clock> clock;
  std::uint64_t seed;
  std::mt19937_64 rng;
  CertificateAuthority ca;
  CredentialPtr user_cert;
  std::string ca_pem;
  Journal journal;
  Metrics metrics;
  Recorder recorder;
  StateStore store;
  net::WorkerPool pool;
  net::ServerEnv env;
  std::function<void(const std::string&)> log;

  // The command lock: every change of state and of the listeners happens under it.
  mutable std::mutex command_m;
  std::map<int, std::unique_ptr<net::ReplicaServer>> servers;
  bool started = false;

  std::thread ticker;
  std::condition_variable ticker_cv;
  bool ticker_stop = false;
  bool ticker_poke = false;  // a command changed the faults: recompute the next wake-up

  // Log lines are queued under the command lock and written after it is released, so the log
  // callback never runs with the lock held.
  std::vector<std::string> pending_log;
  void say(const std::string& line) { pending_log.push_back(line); }
  void flush_log() {
    std::vector<std::string> lines;
    {
      std::lock_guard<std::mutex> lock(command_m);
      lines.swap(pending_log);
    }
    if (log)
      for (const auto& l : lines) log(l);
  }

  std::string random_id() {
    static const char* hex = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 12; ++i) id += hex[rng() & 15];
    return id;
  }

  std::string new_id(int number) {
    if (auto id = configured_id(config, number)) return *id;
    return random_id();
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

  // Makes the listeners match `next` (coming from `prev`). Openings come first: if one fails,
  // what this step opened is closed again and nothing was closed yet.
  void reconcile(const ClusterState& prev, ClusterState& next) {
    std::vector<int> opened, created;
    try {
      for (auto& r : next.replicas) {
        const ReplicaState* before = prev.find(r.number);
        if (!before) {
          make_server(r);
          created.push_back(r.number);
        }
        if (r.running && (!before || !before->running)) {
          open_server(r);
          opened.push_back(r.number);
        }
      }
    } catch (...) {
      for (int n : opened) servers.at(n)->close();
      for (int n : created) servers.erase(n);
      throw;
    }
    for (const auto& r : prev.replicas) {
      const ReplicaState* after = next.find(r.number);
      if (!after) {
        servers.at(r.number)->close();
        servers.erase(r.number);
        say("removed " + r.name + " (" + r.id + ")");
      } else if (r.running && !after->running) {
        servers.at(r.number)->close();
      }
    }
    for (int n : created) {
      const ReplicaState* r = next.find(n);
      say("joined " + r->name + " (" + r->id + ") on " + make_url("http", r->address, r->http_port) +
          " and " + make_url("https", r->address, r->https_port));
    }
  }

  // Publishes `next`, brings the listeners' accept stalls in line with its faults, and lets
  // listeners opened for it accept: a connection is never served from an older state.
  void publish(ClusterState next) {
    SysTime now = clock->now();
    for (const auto& r : next.replicas) {
      auto it = servers.find(r.number);
      if (it != servers.end()) it->second->sync_faults(r, now);
    }
    store.publish(std::move(next));
    for (auto& [n, server] : servers) server->accept();
  }

  // Heartbeats every --heartbeat, and clears faults whose duration has passed, on time.
  void run_ticker() {
    using Steady = std::chrono::steady_clock;
    std::unique_lock<std::mutex> lock(command_m);
    auto next_beat = Steady::now() + config.heartbeat;
    while (!ticker_stop) {
      auto wake = next_beat;
      if (auto expiry = next_fault_expiry(*store.snapshot())) {
        auto until = std::chrono::duration_cast<Steady::duration>(*expiry - clock->now());
        wake = std::min(wake, Steady::now() + std::max(until, Steady::duration::zero()));
      }
      ticker_cv.wait_until(lock, wake, [this] { return ticker_stop || ticker_poke; });
      if (ticker_stop) break;
      if (ticker_poke) {
        ticker_poke = false;
        continue;
      }
      ClusterState next = *store.snapshot();
      bool changed = expire_faults(next, clock->now());
      if (Steady::now() >= next_beat) {
        record_heartbeats(next, clock->now());
        next_beat += config.heartbeat;
        changed = true;
      }
      if (changed) publish(std::move(next));
    }
  }
};

Cluster::Cluster(ClusterConfig config, std::shared_ptr<const Clock> clock) {
  auto errors = validate_config(config);
  if (!errors.empty()) {
    std::string msg;
    for (const auto& e : errors) append_item(msg, e, "; ");
    throw StartError(msg);
  }
  impl_ = std::make_unique<Impl>(std::move(config), std::move(clock));
  Impl& m = *impl_;
  try {
    if (!m.config.tls_cert.empty()) m.user_cert = load_credential(m.config.tls_cert, m.config.tls_key);
    m.ca_pem = !m.config.tls_ca.empty() ? load_ca_for(*m.user_cert, m.config.tls_ca)
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

  ClusterState state = initial_state(m.config, [&m](int n) { return m.new_id(n); });
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
  record_heartbeats(next, m.clock->now());
  m.started = true;
  m.ticker_stop = false;
  m.publish(std::move(next));
  m.ticker = std::thread([&m] { m.run_ticker(); });
}

void Cluster::stop() {
  Impl& m = *impl_;
  {
    std::lock_guard<std::mutex> lock(m.command_m);
    m.ticker_stop = true;
  }
  m.ticker_cv.notify_all();
  if (m.ticker.joinable()) m.ticker.join();
  std::lock_guard<std::mutex> lock(m.command_m);
  for (auto& [n, s] : m.servers) s->close();
  m.started = false;
}

std::vector<std::string> Cluster::apply(const nlohmann::json& commands, StatePtr* applied) {
  return apply(parse_commands(commands), applied);
}

std::vector<std::string> Cluster::apply(const std::vector<Command>& commands, StatePtr* applied) {
  struct Flush {
    Impl& m;
    ~Flush() { m.flush_log(); }
  } flush{*impl_};
  Impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.command_m);
  std::vector<std::string> warnings;
  ApplyEnv env{m.clock->now(), m.config, [&m](int number) { return m.new_id(number); }, m.seed};
  // Validate the whole batch first, on copies: a bad command anywhere changes nothing.
  std::vector<ClusterState> steps;
  ClusterState work = *m.store.snapshot();
  for (size_t i = 0; i < commands.size(); ++i) {
    try {
      apply_command(work, commands[i], env, warnings);
    } catch (const CommandError& e) {
      throw commands.size() == 1 ? e : e.under("[" + std::to_string(i) + "]");
    }
    steps.push_back(work);
  }
  // Then make each step real, in order, publishing after each.
  for (size_t i = 0; i < steps.size(); ++i) {
    ClusterState prev = *m.store.snapshot();
    ClusterState& next = steps[i];
    if (m.started) {
      try {
        m.reconcile(prev, next);
      } catch (const StartError& e) {
        std::string where = commands.size() == 1 ? "" : "[" + std::to_string(i) + "]";
        throw CommandFailed(where, std::string(e.what()) +
                                       (i == 0 ? "" : " (the commands before it were applied)"));
      }
      // Ports bound now (ephemeral ones) hold for the later steps too.
      for (const auto& r : next.replicas)
        for (size_t k = i + 1; k < steps.size(); ++k)
          if (ReplicaState* later = steps[k].find(r.number)) {
            later->http_port = r.http_port;
            later->https_port = r.https_port;
          }
    }
    m.publish(std::move(next));
  }
  if (applied) *applied = m.store.snapshot();
  m.ticker_poke = true;
  m.ticker_cv.notify_all();
  for (const auto& w : warnings) m.say("warning: " + w);
  return warnings;
}

StatePtr Cluster::state() const { return impl_->store.snapshot(); }
StateStore& Cluster::store() { return impl_->store; }
const ClusterConfig& Cluster::config() const { return impl_->config; }
std::uint64_t Cluster::seed() const { return impl_->seed; }
const std::string& Cluster::ca_pem() const { return impl_->ca_pem; }
Journal& Cluster::journal() { return impl_->journal; }
const Metrics& Cluster::metrics() const { return impl_->metrics; }
void Cluster::set_log(std::function<void(const std::string&)> log) { impl_->log = std::move(log); }

std::vector<ReplicaInfo> Cluster::replicas() const {
  std::lock_guard<std::mutex> lock(impl_->command_m);
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
  std::lock_guard<std::mutex> lock(impl_->command_m);
  auto it = impl_->servers.find(number);
  return it == impl_->servers.end() ? NginxCounters{} : it->second->counters();
}

nlohmann::json Cluster::describe(StatePtr state_to_describe) const {
  using nlohmann::json;
  StatePtr s = state_to_describe ? std::move(state_to_describe) : state();
  SysTime now = impl_->clock->now();
  auto infos = replicas();
  json replicas = json::array();
  for (const auto& r : s->replicas) {
    json services = json::object();
    for (Service svc : kAllServices) {
      std::string err;
      bool failed = service_failed(r, svc, now, &err);
      services[std::string(service_name(svc))] =
          failed ? json{{"healthy", false}, {"error", err}} : json{{"healthy", true}};
    }
    Health h = replica_health(*s, r, now);
    Quorum q = quorum_of(*s, r, now);
    NginxCounters c = counters(r.number);
    json faults = json::array();
    for (const auto& f : r.faults) faults.push_back(to_json(f, now));
    json item = {{"number", r.number},
                 {"id", r.id},
                 {"name", r.name},
                 {"address", r.address},
                 {"http_port", r.http_port},
                 {"https_port", r.https_port},
                 {"http_url", make_url("http", r.address, r.http_port)},
                 {"https_url", make_url("https", r.address, r.https_port)},
                 {"running", r.running},
                 {"readonly", r.readonly},
                 {"services", services},
                 {"health", {{"status", r.running ? h.status() : 0}, {"error", h.error}}},
                 {"quorum", {{"reachable", q.reachable}, {"size", q.size}, {"needed", q.needed},
                             {"ok", q.ok()}}},
                 {"faults", faults},
                 {"requests", impl_->metrics.requests_of(r.number)},
                 {"connections", {{"active", c.active()}, {"reading", c.reading},
                                  {"writing", c.writing}, {"waiting", c.waiting}}}};
    for (const auto& info : infos)
      if (info.number == r.number) item["fingerprint"] = info.fingerprint;
    replicas.push_back(std::move(item));
  }
  json partitions = json::array();
  for (const auto& g : s->partitions) {
    json group = json::array();
    for (int n : g) group.push_back("replica-" + std::to_string(n));
    partitions.push_back(group);
  }
  int size = static_cast<int>(s->replicas.size());
  return {{"profile", s->profile.name},
          {"health_path", s->profile.documented_health_path},
          {"dtr_fqdn", impl_->config.dtr_fqdn},
          {"replicas", replicas},
          {"partitions", partitions},
          {"failures_tolerated", failures_tolerated(size)}};
}

std::string Cluster::render_metrics() const {
  StatePtr s = state();
  SysTime now = impl_->clock->now();
  std::string out = impl_->metrics.render_counters();
  auto gauge = [&](const char* name, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
  };
  auto label = [](const ReplicaState& r) { return "{replica=\"" + r.name + "\"}"; };
  gauge("dtrsim_replica_up", "1 when the replica's listeners are open.");
  for (const auto& r : s->replicas) out += "dtrsim_replica_up" + label(r) + " " + (r.running ? "1" : "0") + "\n";
  gauge("dtrsim_replica_healthy", "1 when the replica's health paths answer 200.");
  for (const auto& r : s->replicas)
    out += "dtrsim_replica_healthy" + label(r) + " " +
           (r.running && replica_health(*s, r, now).kind == HealthKind::healthy ? "1" : "0") + "\n";
  gauge("dtrsim_replica_quorum", "1 when the replica sees a majority of the cluster.");
  for (const auto& r : s->replicas)
    out += "dtrsim_replica_quorum" + label(r) + " " + (quorum_of(*s, r, now).ok() ? "1" : "0") + "\n";
  gauge("dtrsim_replica_connections", "Open connections of a replica by NGINX state.");
  for (const auto& r : s->replicas) {
    NginxCounters c = counters(r.number);
    for (auto [state, n] : {std::pair{"reading", c.reading}, {"writing", c.writing}, {"waiting", c.waiting}})
      out += "dtrsim_replica_connections{replica=\"" + r.name + "\",state=\"" + state + "\"} " +
             std::to_string(n) + "\n";
  }
  return out;
}

} // namespace dtrsim
