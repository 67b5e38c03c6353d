#pragma once
// The replicas' route table: DTR's endpoints as a pure function of the request, the cluster state
// and the port it arrived on. No sockets here; the transport calls respond() for every request.
//
//   /_ping /health /load_balancer_status   health, per version profile
//   /nginx_status /ca                      answered on both ports
//   /api/v0/meta/cluster_status            basic auth, as observed by this replica
//   /v2/                                   401 with the registry's token challenge
//   /_dtrsim/echo, /_dtrsim/upload         dtrsim's own probes for `lb check` (not DTR's)
//   anything else on the HTTP port         301 to the HTTPS port

#include <cstdint>
#include <string>
#include <string_view>

#include "dtrsim/auth.hpp"
#include "dtrsim/http.hpp"
#include "dtrsim/port.hpp"
#include "dtrsim/state.hpp"

namespace dtrsim {

// NGINX stub_status counters of one replica (both ports), counted by the transport.
struct NginxCounters {
  std::uint64_t accepts = 0, handled = 0, requests = 0;
  std::uint64_t reading = 0, writing = 0, waiting = 0;
  std::uint64_t active() const { return reading + writing + waiting; }
};

// When the body of the request arrived, measured from the end of its head (for /_dtrsim/upload).
struct BodyTiming {
  std::uint64_t bytes = 0;
  double first_byte_ms = -1;  // -1: no body
  double last_byte_ms = -1;
};

struct ReplicaContext {
  const ClusterState& state;
  const ReplicaState& replica;
  Port port;
  SysTime now;
  const std::string& ca_pem;
  const Accounts& accounts;
  NginxCounters nginx;
  std::string peer;  // the client's address:port
  BodyTiming body;
};

HttpResponse respond(const HttpRequest& req, const ReplicaContext& ctx);

// {"Error":"...","Healthy":...}: keys in DTR's order, compact.
std::string health_json(bool healthy, const std::string& error);

// NGINX's own 502 page, sent when the api server is down.
std::string nginx_error_page(int status);

// {"errors":[{"code":..., "message":...}]}: the error body of DTR's API.
std::string api_errors_json(std::string_view code, std::string_view message);

} // namespace dtrsim
