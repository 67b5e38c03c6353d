// A replica's health report: the single source for /_ping, /health, /load_balancer_status and the
// health cache.
#include "dtrsim/health.hpp"

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

bool service_failed(const ReplicaState& r, Service s, SysTime now, std::string* error) {
  bool failed = r.service(s).failed;
  std::string text = r.service(s).error;
  for (const auto& f : r.faults) {
    if (f.stage != FaultStage::service || !f.active_at(now)) continue;
    auto o = f.impl->service_override(std::chrono::duration_cast<Millis>(now - f.added_at));
    if (!o || o->service != s) continue;
    failed = o->failed;
    text = o->error.empty() ? default_service_error(s, r.number) : o->error;
  }
  if (failed && error) *error = text;
  return failed;
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
