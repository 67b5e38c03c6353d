// Lookups on the cluster state.
#include "dtrsim/state.hpp"

namespace dtrsim {

const ReplicaState* ClusterState::find(int number) const {
  for (const auto& r : replicas)
    if (r.number == number) return &r;
  return nullptr;
}

ReplicaState* ClusterState::find(int number) {
  for (auto& r : replicas)
    if (r.number == number) return &r;
  return nullptr;
}

bool is_replica_id(const std::string& s) {
  if (s.size() != 12) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

} // namespace dtrsim
