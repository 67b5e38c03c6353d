#pragma once
// GET /api/v0/meta/cluster_status as observed by one replica: replica_health and
// replica_timestamp from its copy of the health cache, replica_readonly, gc_lock_holder, and
// rethink_system_tables shaped like RethinkDB's system tables for the replicas that exist.

#include <nlohmann/json.hpp>

#include "dtrsim/state.hpp"

namespace dtrsim {

nlohmann::json cluster_status_json(const ClusterState& state, const ReplicaState& observer,
                                   SysTime now);

// The seven RethinkDB system tables (cluster_config, current_issues, db_config, server_status,
// stats, table_config, table_status) as `observer` sees them: servers it cannot reach are
// disconnected.
nlohmann::json rethink_system_tables(const ClusterState& state, const ReplicaState& observer,
                                     SysTime now);

// A stable UUID-shaped string derived from `seed` (RethinkDB ids are UUIDs).
std::string stable_uuid(const std::string& seed);

} // namespace dtrsim
