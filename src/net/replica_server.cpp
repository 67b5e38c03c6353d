// Opening and closing a replica's listeners, and handing accepted sockets to connection threads.
#include "replica_server.hpp"

#include "connection.hpp"
#include "replica_core.hpp"
#include "socket.hpp"

namespace dtrsim::net {

ReplicaServer::ReplicaServer(ServerEnv& env, int number, std::string replica_id,
                             std::shared_ptr<const TlsContexts> tls)
    : core_(std::make_shared<Core>(env, number, std::move(replica_id), std::move(tls))) {}

ReplicaServer::~ReplicaServer() { close(); }

void ReplicaServer::open(const std::string& address, int http_port, int https_port) {
  if (is_open()) return;
  auto http = std::make_unique<Listener>(address, http_port);
  auto https = std::make_unique<Listener>(address, https_port);  // throws: `http` unbinds
  core_->closing = false;
  http_ = std::move(http);
  https_ = std::move(https);
}

void ReplicaServer::accept() {
  if (!is_open() || accepting_) return;
  auto accept_on = [core = core_](Port port) {
    return [core, port](int fd, std::string peer) {
      if (!core->add_connection(fd)) {
        ::close(fd);
        return;
      }
      bool ok = core->env.pool.submit(
          [core, fd, peer = std::move(peer), port]() mutable {
            serve_connection(core, fd, std::move(peer), port);
          });
      if (!ok) core->end_connection(fd, true);  // at the connection limit: refuse loudly
    };
  };
  http_->start(accept_on(Port::http));
  https_->start(accept_on(Port::https));
  accepting_ = true;
}

void ReplicaServer::close() {
  if (!is_open()) return;
  http_->stop();
  https_->stop();
  {
    std::unique_lock<std::mutex> lock(core_->conn_m);
    core_->closing = true;
    for (int fd : core_->fds) ::shutdown(fd, SHUT_RDWR);
  }
  core_->env.store.wake_all();  // wakes connections sleeping in faults
  {
    std::unique_lock<std::mutex> lock(core_->conn_m);
    core_->conn_cv.wait(lock, [this] { return core_->fds.empty(); });
  }
  http_.reset();
  https_.reset();
  accepting_ = false;
  http_stalled_ = https_stalled_ = false;
}

void ReplicaServer::sync_faults(const ReplicaState& replica, SysTime now) {
  if (!is_open()) return;
  for (Port port : {Port::http, Port::https}) {
    const ActiveFault* stall = nullptr;
    for (const auto& f : replica.faults)
      if (f.stage == FaultStage::accept && f.active_at(now) && f.matches_port(port)) stall = &f;
    bool& was = port == Port::http ? http_stalled_ : https_stalled_;
    (port == Port::http ? http_ : https_)->set_stalled(stall != nullptr);
    if (stall && !was && core_->env.sink) {
      ExchangeRecord rec;
      rec.time = now;
      rec.replica = core_->number;
      rec.replica_id = core_->replica_id;
      rec.port = port;
      rec.fault = stall->name;
      rec.applied = {stall->name};
      rec.detail = "the " + std::string(port_name(port)) + " listener stopped accepting";
      core_->env.sink->record(std::move(rec));
    }
    was = stall != nullptr;
  }
}

int ReplicaServer::http_port() const { return http_ ? http_->port() : 0; }
int ReplicaServer::https_port() const { return https_ ? https_->port() : 0; }

NginxCounters ReplicaServer::counters() const {
  NginxCounters c;
  c.accepts = core_->accepts.load();
  c.handled = core_->handled.load();
  c.requests = core_->requests.load();
  c.reading = core_->reading.load();
  c.writing = core_->writing.load();
  c.waiting = core_->waiting.load();
  return c;
}

const TlsContexts& ReplicaServer::tls() const { return *core_->tls; }

} // namespace dtrsim::net
