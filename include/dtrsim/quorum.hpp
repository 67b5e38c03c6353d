#pragma once
// Quorum as DTR defines it: a majority (n/2+1) of the cluster's replicas must be running, have
// rethinkdb healthy and reach each other. Computed per observing replica, from the partitions.

#include "dtrsim/state.hpp"

namespace dtrsim {

struct Quorum {
  int reachable = 0;  // replicas the observer reaches with rethinkdb healthy, itself included
  int size = 0;       // replicas in the cluster (stopped ones count, removed ones do not)
  int needed = 0;     // size / 2 + 1
  bool ok() const { return reachable >= needed; }
};

int quorum_needed(int cluster_size);
int failures_tolerated(int cluster_size);

// True when both replicas run and no partition separates them (a running replica reaches itself).
bool can_reach(const ClusterState& state, int from, int to);

Quorum quorum_of(const ClusterState& state, const ReplicaState& observer, SysTime now);

} // namespace dtrsim
