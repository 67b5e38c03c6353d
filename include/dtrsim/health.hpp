#pragma once
// What a replica's health endpoints report: healthy, unhealthy with an Error text (failed services,
// lost quorum), or a 502 from the front proxy when the api server itself is down.

#include <string>

#include "dtrsim/state.hpp"

namespace dtrsim {

enum class HealthKind { healthy, unhealthy, bad_gateway };

struct Health {
  HealthKind kind = HealthKind::healthy;
  std::string error;  // "" when healthy; "registry: ...; rethinkdb: ..." otherwise
  int status() const;  // 200, 503 or 502
};

// Whether service `s` of `r` is failed at `now`, and its error text. (Flapping faults make this
// depend on time.)
bool service_failed(const ReplicaState& r, Service s, SysTime now, std::string* error = nullptr);

Health replica_health(const ClusterState& state, const ReplicaState& r, SysTime now);

} // namespace dtrsim
