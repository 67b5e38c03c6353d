// Validation of a cluster configuration and the address/port rule per replica.
#include "dtrsim/config.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <set>

#include "dtrsim/profile.hpp"
#include "dtrsim/state.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim {

std::optional<std::string> ipv4_add(const std::string& base, int offset) {
  in_addr a{};
  if (inet_pton(AF_INET, base.c_str(), &a) != 1) return std::nullopt;
  uint32_t v = ntohl(a.s_addr);
  uint64_t next = static_cast<uint64_t>(v) + static_cast<uint64_t>(offset);
  if (next > 0xffffffffULL || (next >> 24) != (v >> 24)) return std::nullopt;
  a.s_addr = htonl(static_cast<uint32_t>(next));
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return std::string(buf);
}

std::string replica_address(const ClusterConfig& c, int number) {
  if (!c.distinct_addresses) return c.bind;
  return ipv4_add(c.bind, number - 1).value_or(c.bind);
}

static int offset_port(int base, const ClusterConfig& c, int number) {
  if (base == 0 || c.distinct_addresses) return base;
  return base + number - 1;
}

int replica_http_port(const ClusterConfig& c, int number) {
  return offset_port(c.http_port, c, number);
}
int replica_https_port(const ClusterConfig& c, int number) {
  return offset_port(c.https_port, c, number);
}

std::optional<std::string> configured_id(const ClusterConfig& c, int number) {
  if (!c.replica_ids.empty() && number <= static_cast<int>(c.replica_ids.size()))
    return c.replica_ids[static_cast<size_t>(number - 1)];
  if (c.sequential_ids) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%012x", number);
    return std::string(buf);
  }
  return std::nullopt;
}

ClusterState initial_state(const ClusterConfig& c, const std::function<std::string(int)>& new_id) {
  ClusterState state;
  state.profile = *find_profile(c.dtr_version);
  for (int n = 1; n <= c.replicas; ++n) {
    ReplicaState r;
    r.number = n;
    r.id = new_id(n);
    r.name = "replica-" + std::to_string(n);
    r.address = replica_address(c, n);
    r.http_port = replica_http_port(c, n);
    r.https_port = replica_https_port(c, n);
    state.replicas.push_back(std::move(r));
  }
  state.next_number = c.replicas + 1;
  return state;
}

std::vector<std::string> validate_config(const ClusterConfig& c, const std::string& p) {
  std::vector<std::string> errors;
  if (c.replicas < 1 || c.replicas > 64)
    errors.push_back(p + "replicas: " + std::to_string(c.replicas) + " is not between 1 and 64");
  if (!find_profile(c.dtr_version)) {
    std::string names;
    for (const auto& n : profile_names()) append_item(names, n, ", ");
    errors.push_back(p + "dtr-version: unknown version \"" + c.dtr_version + "\" (one of " +
                     names + ")");
  }
  for (auto [name, port] : {std::pair{"http-port", c.http_port}, {"https-port", c.https_port}}) {
    int last = port == 0 || c.distinct_addresses ? port : port + std::max(c.replicas, 1) - 1;
    if (port < 0 || last > 65535)
      errors.push_back(p + name + ": " + std::to_string(port) + " leaves ports 0-65535 for " +
                       std::to_string(c.replicas) + " replicas");
  }
  if (c.http_port != 0 && c.http_port == c.https_port)
    errors.push_back(p + "https-port: must differ from http-port");
  else if (c.http_port != 0 && c.https_port != 0 && !c.distinct_addresses &&
           std::abs(c.http_port - c.https_port) < c.replicas)
    errors.push_back(p + "https-port: the ranges " + std::to_string(c.http_port) + "+" +
                     std::to_string(c.replicas) + " and " + std::to_string(c.https_port) + "+" +
                     std::to_string(c.replicas) + " overlap");
  in_addr a4{};
  in6_addr a6{};
  bool v4 = inet_pton(AF_INET, c.bind.c_str(), &a4) == 1;
  if (!v4 && inet_pton(AF_INET6, c.bind.c_str(), &a6) != 1 && c.bind != "localhost")
    errors.push_back(p + "bind: \"" + c.bind + "\" is not an IP address");
  else if (c.distinct_addresses && (!v4 || !ipv4_add(c.bind, c.replicas - 1)))
    errors.push_back(p + "distinct-addresses: needs an IPv4 --bind with room for " +
                     std::to_string(c.replicas) + " consecutive addresses");
  if (!c.replica_ids.empty()) {
    std::set<std::string> seen;
    if (static_cast<int>(c.replica_ids.size()) != c.replicas)
      errors.push_back(p + "replica-ids: " + std::to_string(c.replica_ids.size()) +
                       " ids for " + std::to_string(c.replicas) + " replicas");
    for (const auto& id : c.replica_ids) {
      if (!is_replica_id(id))
        errors.push_back(p + "replica-ids: \"" + id + "\" is not 12 lowercase hex characters");
      else if (!seen.insert(id).second)
        errors.push_back(p + "replica-ids: \"" + id + "\" appears twice");
    }
    if (c.sequential_ids)
      errors.push_back(p + "sequential-ids: cannot be combined with replica-ids");
  }
  if (c.heartbeat < std::chrono::milliseconds(10))
    errors.push_back(p + "heartbeat: must be at least 10ms");
  if (c.admin.user.empty()) errors.push_back(p + "admin: needs USER:PASS");
  if (c.tls_cert.empty() != c.tls_key.empty())
    errors.push_back(p + "tls-cert: --tls-cert and --tls-key go together");
  if (!c.tls_ca.empty() && c.tls_cert.empty())
    errors.push_back(p + "tls-ca: goes with --tls-cert and --tls-key (without them the replicas' "
                         "generated CA is served at /ca)");
  if (c.journal_size == 0) errors.push_back(p + "journal-size: must be at least 1");
  return errors;
}

} // namespace dtrsim
