#pragma once
// What the replicas report about each request they served (or each protocol mistake they saw):
// the raw material of the journal and the metrics.

#include <string>
#include <vector>

#include "dtrsim/clock.hpp"
#include "dtrsim/endpoints.hpp"

namespace dtrsim {

// Protocol mistakes a load balancer can make, reported rather than hidden.
namespace events {
inline constexpr const char* tls_on_http_port = "tls_on_http_port";
inline constexpr const char* plain_http_on_https_port = "plain_http_on_https_port";
inline constexpr const char* missing_host = "missing_host";
inline constexpr const char* bad_request = "bad_request";
inline constexpr const char* tls_handshake_failed = "tls_handshake_failed";
inline constexpr const char* empty_connection = "empty_connection";  // closed before any byte
} // namespace events

struct ExchangeRecord {
  SysTime time;             // when the request head was complete
  int replica = 0;          // replica number
  std::string replica_id;
  Port port = Port::http;
  std::string method;       // "" for connection-level events
  std::string path;
  std::string host;         // Host header, "" when absent
  std::string user_agent;   // User-Agent header, "" when absent
  std::string peer;         // client address:port (the load balancer)
  int status = 0;           // 0: no response was sent
  std::string fault;        // names of the faults acting on it, comma-separated
  // The faults this entry counts in dtrsim_faults_applied_total: request faults and flaps on each
  // request they hit; handshake faults once per connection, on the handshake's own entry;
  // bandwidth once per connection, on the next entry after it first throttled bytes;
  // accept_stall once per listener it stalls.
  std::vector<std::string> applied;
  double duration_ms = 0;   // request head complete -> response written
  std::string event;        // one of events::*, or ""
  std::string detail;       // what the event was about
};

class ExchangeSink {
 public:
  virtual ~ExchangeSink() = default;
  // Called from connection threads, concurrently.
  virtual void record(ExchangeRecord&& rec) = 0;
};

} // namespace dtrsim
