// Heartbeats into the replicated health cache.
#include "dtrsim/health_cache.hpp"

#include "dtrsim/health.hpp"
#include "dtrsim/quorum.hpp"

namespace dtrsim {

void record_heartbeat(ClusterState& state, int number, SysTime now) {
  const ReplicaState* r = state.find(number);
  if (!r || !r->running || !quorum_of(state, *r, now).ok()) return;
  Health h = replica_health(state, *r, now);
  CacheEntry entry{h.kind == HealthKind::healthy ? "OK" : h.error, now};
  for (const auto& observer : state.replicas)
    if (can_reach(state, number, observer.number))
      state.health_cache[observer.number][number] = entry;
}

void record_heartbeats(ClusterState& state, SysTime now) {
  // Compute every report against the same state before writing any of them.
  ClusterState before = state;
  for (const auto& r : before.replicas) {
    if (!r.running || !quorum_of(before, r, now).ok()) continue;
    Health h = replica_health(before, r, now);
    CacheEntry entry{h.kind == HealthKind::healthy ? "OK" : h.error, now};
    for (const auto& observer : before.replicas)
      if (can_reach(before, r.number, observer.number))
        state.health_cache[observer.number][r.number] = entry;
  }
}

void sync_cache(ClusterState& state, int number) {
  auto& mine = state.health_cache[number];
  for (const auto& peer : state.replicas) {
    if (peer.number == number || !can_reach(state, number, peer.number)) continue;
    auto it = state.health_cache.find(peer.number);
    if (it == state.health_cache.end()) continue;
    for (const auto& [subject, entry] : it->second) {
      auto cur = mine.find(subject);
      if (cur == mine.end() || cur->second.at < entry.at) mine[subject] = entry;
    }
  }
}

} // namespace dtrsim
