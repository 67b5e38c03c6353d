#pragma once
// What a replica's health endpoints report: healthy, unhealthy with an Error text (failed services,
// lost quorum), or a 502 from the front proxy when the api server itself is down.

#include <string>
#include <vector>

#include "dtrsim/state.hpp"

namespace dtrsim {

enum class HealthKind { healthy, unhealthy, bad_gateway };

struct Health {
  HealthKind kind = HealthKind::healthy;
  std::string error;  // "" when healthy; "registry: ...; rethinkdb: ..." otherwise
  int status() const;  // 200, 503 or 502
};

// Whether service `s` of `r` is failed at `now`, and its error text. (Flapping faults make this
// depend on time; an explicit `fail` wins over a flap in either half.)
bool service_failed(const ReplicaState& r, Service s, SysTime now, std::string* error = nullptr);

// The service-stage faults (flap) that hold a service of `r` failed at `now` that no explicit
// `fail` holds failed: the faults a request answered now is journaled and counted with.
std::vector<const ActiveFault*> faults_failing_services(const ReplicaState& r, SysTime now);

Health replica_health(const ClusterState& state, const ReplicaState& r, SysTime now);

} // namespace dtrsim
