// A replica's health report: the single source for /_ping, /health, /load_balancer_status and the
// health cache.
#include "dtrsim/health.hpp"

#include <algorithm>

#include "dtrsim/quorum.hpp"

namespace dtrsim {

int Health::status() const {
  switch (kind) {
    case HealthKind::healthy: return 200;
    case HealthKind::unhealthy: return 503;
    case HealthKind::bad_gateway: return 502;
  }
  return 500;
}

namespace {

// The first service-stage fault (flap) that holds `s` failed at `now`, with its override.
const ActiveFault* failing_fault(const ReplicaState& r, Service s, SysTime now, ServiceOverride* out) {
  for (const auto& f : r.faults) {
    if (f.stage != FaultStage::service || !f.active_at(now)) continue;
    auto o = f.impl->service_override(std::chrono::duration_cast<Millis>(now - f.added_at));
    if (!o || o->service != s || !o->failed) continue;
    if (out) *out = *o;
    return &f;
  }
  return nullptr;
}

} // namespace

bool service_failed(const ReplicaState& r, Service s, SysTime now, std::string* error) {
  // An explicit `fail` wins over a flap, whichever half the flap is in.
  if (r.service(s).failed) {
    if (error) *error = r.service(s).error;
    return true;
  }
  ServiceOverride o{};
  if (!failing_fault(r, s, now, &o)) return false;
  if (error) *error = o.error.empty() ? default_service_error(s, r.number) : o.error;
  return true;
}

std::vector<const ActiveFault*> faults_failing_services(const ReplicaState& r, SysTime now) {
  std::vector<const ActiveFault*> out;
  for (Service s : kAllServices) {
    if (r.service(s).failed) continue;
    const ActiveFault* f = failing_fault(r, s, now, nullptr);
    if (f && std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  }
  return out;
}

Health replica_health(const ClusterState& state, const ReplicaState& r, SysTime now) {
  Health h;
  std::string text;
  if (service_failed(r, Service::api, now, &text)) {
    h.kind = HealthKind::bad_gateway;
    h.error = "api: " + text;
    return h;
  }
  Quorum q = quorum_of(state, r, now);
  if (!q.ok()) {
    h.kind = HealthKind::unhealthy;
    h.error = "internal server error: quorum lost (" + std::to_string(q.reachable) + " of " +
              std::to_string(q.size) + " replicas reachable, " + std::to_string(q.needed) +
              " needed)";
  }
  for (Service s : kAllServices) {
    if (s == Service::api || !service_failed(r, s, now, &text)) continue;
    h.kind = HealthKind::unhealthy;
    if (!h.error.empty()) h.error += "; ";
    h.error += std::string(service_name(s)) + ": " + text;
  }
  return h;
}

} // namespace dtrsim
