#pragma once
// One replica on the network: an HTTP and an HTTPS listener, the connections they accepted, and
// its NGINX-style counters. open()/close() are stop/start; the answers come from endpoints.hpp
// against the latest published cluster state.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "dtrsim/auth.hpp"
#include "dtrsim/clock.hpp"
#include "dtrsim/duration.hpp"
#include "dtrsim/endpoints.hpp"
#include "dtrsim/exchange.hpp"
#include "dtrsim/state_store.hpp"
#include "listener.hpp"
#include "tls_context.hpp"
#include "worker_pool.hpp"

namespace dtrsim::net {

struct TransportOptions {
  Millis keep_alive_timeout = std::chrono::minutes(15);  // idle keep-alive connections
  Millis request_timeout = std::chrono::seconds(60);     // a started request must complete
  Millis send_timeout = std::chrono::seconds(60);
  Millis handshake_timeout = std::chrono::seconds(30);
  Millis max_hang = std::chrono::minutes(10);            // the hang fault's bound
  bool replica_header = true;                            // X-Dtrsim-Replica
};

// What every replica of a process shares.
struct ServerEnv {
  StateStore& store;
  const Clock& clock;
  Accounts accounts;
  std::string ca_pem;
  TransportOptions options;
  ExchangeSink* sink = nullptr;
  WorkerPool& pool;
};

class ReplicaServer {
 public:
  ReplicaServer(ServerEnv& env, int number, std::string replica_id,
                std::shared_ptr<const TlsContexts> tls);
  ~ReplicaServer();
  ReplicaServer(const ReplicaServer&) = delete;
  ReplicaServer& operator=(const ReplicaServer&) = delete;

  // Binds both listeners; clients that connect now wait in the kernel's queue until accept()
  // is called. Throws BindError naming the address; on error nothing stays bound.
  void open(const std::string& address, int http_port, int https_port);
  // Starts accepting on the bound listeners. The cluster calls it after publishing the state in
  // which this replica runs, so no connection is ever served from a state that predates it.
  void accept();
  // Closes both listeners and every open connection; returns when all connections have ended.
  void close();
  bool is_open() const { return http_ != nullptr; }
  int http_port() const;
  int https_port() const;

  // Stalls or resumes the listeners to match the replica's accept_stall faults at `now`.
  void sync_faults(const ReplicaState& replica, SysTime now);

  NginxCounters counters() const;
  const TlsContexts& tls() const;

  struct Core;  // shared with connection threads

 private:
  std::shared_ptr<Core> core_;
  std::unique_ptr<Listener> http_, https_;
  bool accepting_ = false;
  bool http_stalled_ = false, https_stalled_ = false;
};

} // namespace dtrsim::net
