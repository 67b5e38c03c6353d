#pragma once
// Cluster states built by hand for unit tests of the pure model.

#include "dtrsim/endpoints.hpp"
#include "dtrsim/profile.hpp"
#include "dtrsim/state.hpp"

namespace dtrsim::test {

// n replicas with ids 000000000001..., on 127.0.0.1, HTTP 8080+N-1, HTTPS 8443+N-1.
inline ClusterState make_state(int n, const std::string& profile = "2.7") {
  ClusterState s;
  s.profile = *find_profile(profile);
  for (int i = 1; i <= n; ++i) {
    ReplicaState r;
    r.number = i;
    char id[16];
    std::snprintf(id, sizeof id, "%012x", i);
    r.id = id;
    r.name = "replica-" + std::to_string(i);
    r.address = "127.0.0.1";
    r.http_port = 8080 + i - 1;
    r.https_port = 8443 + i - 1;
    s.replicas.push_back(r);
  }
  s.next_number = n + 1;
  return s;
}

inline void fail(ClusterState& s, int number, Service svc, std::string error = "") {
  auto& st = s.find(number)->service(svc);
  st.failed = true;
  st.error = error.empty() ? default_service_error(svc, number) : error;
}

inline HttpRequest request(const std::string& method, const std::string& target,
                           std::vector<Header> headers = {{"Host", "dtr.example.com"}}) {
  HttpRequest r;
  r.method = method;
  r.target = target;
  r.path = target.substr(0, target.find('?'));
  r.version = "HTTP/1.1";
  r.headers = std::move(headers);
  return r;
}

struct Responder {
  const ClusterState& state;
  SysTime now = SysTime{std::chrono::hours(24 * 365 * 56)};
  std::string ca_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  Accounts accounts{{{"admin", "password", true}, {"alice", "secret", false}}};
  NginxCounters nginx{};

  HttpResponse operator()(int replica, Port port, const HttpRequest& req) const {
    ReplicaContext ctx{state, *state.find(replica), port, now, ca_pem, accounts, nginx, "127.0.0.1:5000", {}};
    return respond(req, ctx);
  }
  HttpResponse get(int replica, Port port, const std::string& path) const {
    return (*this)(replica, port, request("GET", path));
  }
};

} // namespace dtrsim::test
