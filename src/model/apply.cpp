// The effect of each command on the cluster state.
#include "dtrsim/apply.hpp"

#include <algorithm>
#include <set>

#include "dtrsim/fault_registry.hpp"
#include "dtrsim/health_cache.hpp"

namespace dtrsim {
namespace {

int parse_index(const std::string& s) {
  if (s.empty() || s.size() > 6) return -1;
  for (char c : s)
    if (c < '0' || c > '9') return -1;
  return std::stoi(s);
}

ReplicaState& replica(ClusterState& s, int number) { return *s.find(number); }

void start_replica(ClusterState& s, int number, SysTime now) {
  replica(s, number).running = true;
  sync_cache(s, number);
  record_heartbeat(s, number, now);
}

template <class F>
void for_each_selected(ClusterState& s, const ReplicaSelector& sel, F&& f) {
  for (int n : resolve_replicas(s, sel)) f(replica(s, n));
}

void apply_partition(ClusterState& s, const cmd::Partition& p) {
  std::vector<std::vector<int>> groups;
  std::set<int> seen;
  for (size_t g = 0; g < p.groups.size(); ++g) {
    std::vector<int> group;
    for (size_t k = 0; k < p.groups[g].size(); ++k) {
      std::string path = "groups[" + std::to_string(g) + "][" + std::to_string(k) + "]";
      for (int n : resolve_replicas(s, p.groups[g][k], path)) {
        if (!seen.insert(n).second)
          throw CommandError(path, replica(s, n).name + " is in more than one group");
        group.push_back(n);
      }
    }
    groups.push_back(std::move(group));
  }
  for (const auto& r : s.replicas)
    if (!seen.count(r.number))
      throw CommandError("groups", r.name + " is in no group (every replica must be in exactly one)");
  s.partitions = std::move(groups);
}

void heal(ClusterState& s, SysTime now) {
  s.partitions.clear();
  for (const auto& r : s.replicas)
    if (r.running) sync_cache(s, r.number);
  for (const auto& r : s.replicas) record_heartbeat(s, r.number, now);
}

void apply_join(ClusterState& s, const cmd::Join& j, const ApplyEnv& env,
                std::vector<std::string>& warnings) {
  if (!s.partitions.empty())
    throw CommandError("do", "join needs to reach the existing replicas: heal the partition first");
  if (s.replicas.size() >= 64) throw CommandError("do", "a cluster has at most 64 replicas");
  std::string id = j.id ? *j.id : env.new_id(s.next_number);
  if (!is_replica_id(id))
    throw CommandError("id", "\"" + id + "\" is not 12 lowercase hex characters");
  for (const auto& r : s.replicas)
    if (r.id == id) throw CommandError("id", "\"" + id + "\" is already " + r.name + "'s id");
  ReplicaState r;
  r.number = s.next_number++;
  r.id = id;
  r.name = "replica-" + std::to_string(r.number);
  r.address = replica_address(env.config, r.number);
  r.http_port = j.http_port ? *j.http_port : replica_http_port(env.config, r.number);
  r.https_port = j.https_port ? *j.https_port : replica_https_port(env.config, r.number);
  if (r.http_port > 65535 || r.https_port > 65535)
    throw CommandError("http_port", "the next ports for " + r.name + " pass 65535; give ports");
  for (const auto& other : s.replicas)
    if (other.address == r.address && r.http_port != 0 &&
        (other.http_port == r.http_port || other.https_port == r.http_port ||
         other.http_port == r.https_port || other.https_port == r.https_port))
      throw CommandError(j.http_port || j.https_port ? "http_port" : "do",
                         r.name + " would share a port with " + other.name + " on " + r.address);
  int number = r.number;
  s.replicas.push_back(std::move(r));
  start_replica(s, number, env.now);
  if (s.replicas.size() % 2 == 0) warnings.push_back(even_replicas_warning(static_cast<int>(s.replicas.size())));
}

void apply_remove(ClusterState& s, const cmd::Remove& r) {
  if (r.replica.all()) throw CommandError("replica", "remove takes one replica, not \"*\"");
  int number = resolve_replicas(s, r.replica).front();
  if (s.replicas.size() == 1)
    throw CommandError("replica", "cannot remove the last replica of the cluster");
  s.replicas.erase(std::remove_if(s.replicas.begin(), s.replicas.end(),
                                  [&](const ReplicaState& x) { return x.number == number; }),
                   s.replicas.end());
  for (auto& g : s.partitions) g.erase(std::remove(g.begin(), g.end(), number), g.end());
  s.partitions.erase(std::remove_if(s.partitions.begin(), s.partitions.end(),
                                    [](const auto& g) { return g.empty(); }),
                     s.partitions.end());
  if (s.partitions.size() < 2) s.partitions.clear();
  s.health_cache.erase(number);
  for (auto& [observer, view] : s.health_cache) view.erase(number);
}

std::uint64_t fault_key(std::uint64_t seed, const std::string& replica_id,
                        const std::string& name) {
  std::uint64_t h = seed ^ 0xcbf29ce484222325ULL;
  for (char c : replica_id + "/" + name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

// The certificates of tls_expired_cert and tls_wrong_host are signed by dtrsim's own CA: with the
// user's certificate (--tls-cert) we have no key of the user's CA to sign them with.
std::optional<std::string> own_ca_warning(const ActiveFault& f, const ClusterConfig& config) {
  if (config.tls_cert.empty() || (f.type != "tls_expired_cert" && f.type != "tls_wrong_host"))
    return std::nullopt;
  return f.type + ": the replicas present your own certificate (--tls-cert), but this fault's "
                  "certificate is signed by dtrsim's CA, not yours (dtrsim has no key of your "
                  "CA): clients that trust only your CA report an unknown issuer instead of " +
         (f.type == "tls_expired_cert" ? "an expired certificate" : "a host name mismatch");
}

void apply_fault(ClusterState& s, const cmd::Fault& c, const ApplyEnv& env,
                 std::vector<std::string>& warnings) {
  ActiveFault parsed;
  try {
    parsed = parse_fault(c.fault);
  } catch (const CommandError& e) {
    throw e.under("fault");
  }
  if (auto w = own_ca_warning(parsed, env.config)) warnings.push_back(*w);
  for (int n : resolve_replicas(s, c.replica)) {
    ReplicaState& r = replica(s, n);
    for (const auto& f : r.faults)
      if (f.name == parsed.name)
        throw CommandError("fault.name", r.name + " already has a fault named \"" + f.name +
                                             "\" (clear it first, or give this one a name)");
    ActiveFault f = parsed;
    f.id = s.next_fault_id++;
    f.added_at = env.now;
    f.draws = std::make_shared<ActiveFault::Draws>();
    f.draws->key = fault_key(env.seed, r.id, f.name);
    r.faults.push_back(std::move(f));
  }
}

void apply_clear(ClusterState& s, const cmd::Clear& c) {
  bool found = false;
  for (int n : resolve_replicas(s, c.replica)) {
    auto& faults = replica(s, n).faults;
    size_t before = faults.size();
    faults.erase(std::remove_if(faults.begin(), faults.end(),
                                [&](const ActiveFault& f) { return !c.name || f.name == *c.name; }),
                 faults.end());
    found = found || faults.size() != before || !c.name;
  }
  if (!found)
    throw CommandError("name", "no fault named \"" + *c.name + "\" on " +
                                   (c.replica.all() ? std::string("any replica") : c.replica.text()));
}

} // namespace

bool expire_faults(ClusterState& state, SysTime now) {
  bool changed = false;
  for (auto& r : state.replicas) {
    size_t before = r.faults.size();
    r.faults.erase(std::remove_if(r.faults.begin(), r.faults.end(),
                                  [&](const ActiveFault& f) { return !f.active_at(now); }),
                   r.faults.end());
    changed = changed || r.faults.size() != before;
  }
  return changed;
}

std::optional<SysTime> next_fault_expiry(const ClusterState& state) {
  std::optional<SysTime> next;
  for (const auto& r : state.replicas)
    for (const auto& f : r.faults)
      if (f.duration && (!next || f.added_at + *f.duration < *next)) next = f.added_at + *f.duration;
  return next;
}

std::string even_replicas_warning(int count) {
  return "There are currently " + std::to_string(count) +
         " replicas in your Docker Trusted Registry cluster. You currently have an even number "
         "of replicas which can impact cluster availability. It is recommended that you have 3, "
         "5 or 7 replicas in your cluster.";
}

std::vector<int> resolve_replicas(const ClusterState& state, const ReplicaSelector& sel,
                                  const std::string& path) {
  if (sel.all()) {
    std::vector<int> all;
    for (const auto& r : state.replicas) all.push_back(r.number);
    return all;
  }
  int number = -1;
  if (sel.value.is_number_integer()) {
    number = sel.value.get<int>();
  } else {
    std::string text = sel.value.get<std::string>();
    if (text.rfind("replica-", 0) == 0) number = parse_index(text.substr(8));
    else if (is_replica_id(text)) {
      for (const auto& r : state.replicas)
        if (r.id == text) return {r.number};
      throw CommandError(path, "no replica with id \"" + text + "\"");
    } else {
      number = parse_index(text);
    }
    if (number < 0)
      throw CommandError(path, "no replica \"" + text +
                                   "\" (use an index, replica-N, a 12-hex id or \"*\")");
  }
  if (state.find(number)) return {number};
  if (number >= 1 && number < state.next_number)
    throw CommandError(path, "replica-" + std::to_string(number) + " was removed");
  throw CommandError(path, "no replica \"" + sel.text() + "\"" +
                               (sel.value.is_number_integer() ? " (replicas are numbered from 1)" : ""));
}

void apply_command(ClusterState& s, const Command& c, const ApplyEnv& env,
                   std::vector<std::string>& warnings) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, cmd::Fail>) {
          for_each_selected(s, v.replica, [&](ReplicaState& r) {
            ServiceState& st = r.service(v.service);
            st.failed = true;
            st.error = v.error ? *v.error : default_service_error(v.service, r.number);
          });
        } else if constexpr (std::is_same_v<T, cmd::Recover>) {
          for_each_selected(s, v.replica, [&](ReplicaState& r) {
            for (Service svc : kAllServices)
              if (!v.service || *v.service == svc) r.service(svc) = ServiceState{};
          });
        } else if constexpr (std::is_same_v<T, cmd::Fault>) {
          apply_fault(s, v, env, warnings);
        } else if constexpr (std::is_same_v<T, cmd::Clear>) {
          apply_clear(s, v);
        } else if constexpr (std::is_same_v<T, cmd::Stop>) {
          for_each_selected(s, v.replica, [](ReplicaState& r) { r.running = false; });
        } else if constexpr (std::is_same_v<T, cmd::Start>) {
          for (int n : resolve_replicas(s, v.replica))
            if (!replica(s, n).running) start_replica(s, n, env.now);
        } else if constexpr (std::is_same_v<T, cmd::Join>) {
          apply_join(s, v, env, warnings);
        } else if constexpr (std::is_same_v<T, cmd::Remove>) {
          apply_remove(s, v);
        } else if constexpr (std::is_same_v<T, cmd::Partition>) {
          apply_partition(s, v);
        } else if constexpr (std::is_same_v<T, cmd::Heal>) {
          heal(s, env.now);
        } else if constexpr (std::is_same_v<T, cmd::Readonly>) {
          for_each_selected(s, v.replica, [&](ReplicaState& r) { r.readonly = v.on; });
        } else if constexpr (std::is_same_v<T, cmd::Reset>) {
          for (auto& r : s.replicas) {
            for (auto& st : r.services) st = ServiceState{};
            r.faults.clear();
            r.readonly = false;
            r.running = true;
          }
          heal(s, env.now);
        }
      },
      c);
}

} // namespace dtrsim
