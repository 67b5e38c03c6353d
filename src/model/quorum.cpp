// Quorum per observing replica.
#include "dtrsim/quorum.hpp"

#include "dtrsim/health.hpp"

namespace dtrsim {
namespace {

int group_of(const ClusterState& state, int number) {
  for (size_t g = 0; g < state.partitions.size(); ++g)
    for (int n : state.partitions[g])
      if (n == number) return static_cast<int>(g);
  return -1;
}

} // namespace

int quorum_needed(int cluster_size) { return cluster_size / 2 + 1; }

int failures_tolerated(int cluster_size) {
  return cluster_size <= 0 ? 0 : cluster_size - quorum_needed(cluster_size);
}

bool can_reach(const ClusterState& state, int from, int to) {
  const ReplicaState* a = state.find(from);
  const ReplicaState* b = state.find(to);
  if (!a || !b || !a->running || !b->running) return false;
  if (state.partitions.empty() || from == to) return true;
  return group_of(state, from) == group_of(state, to);
}

Quorum quorum_of(const ClusterState& state, const ReplicaState& observer, SysTime now) {
  Quorum q;
  q.size = static_cast<int>(state.replicas.size());
  q.needed = quorum_needed(q.size);
  for (const auto& r : state.replicas)
    if (can_reach(state, observer.number, r.number) &&
        !service_failed(r, Service::rethinkdb, now))
      ++q.reachable;
  return q;
}

} // namespace dtrsim
