#pragma once
// The replicated health cache behind cluster_status: each running replica with quorum writes its
// health and the time into the copy of every replica it reaches. Stopped, partitioned-away or
// quorum-less replicas stop writing, so the others keep their last report with an old timestamp.

#include "dtrsim/state.hpp"

namespace dtrsim {

// One heartbeat of replica `number` at `now` (no-op when it is stopped or has no quorum).
void record_heartbeat(ClusterState& state, int number, SysTime now);

// A heartbeat of every replica.
void record_heartbeats(ClusterState& state, SysTime now);

// Replica `number` (re)joins: its copy takes the newest entries of the replicas it reaches.
void sync_cache(ClusterState& state, int number);

} // namespace dtrsim
