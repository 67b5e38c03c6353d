#pragma once
// What each command does to the cluster state, as a pure function: no sockets, time and new ids
// passed in. The runtime opens and closes listeners to match the resulting state.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dtrsim/command.hpp"
#include "dtrsim/config.hpp"
#include "dtrsim/state.hpp"

namespace dtrsim {

struct ApplyEnv {
  SysTime now;
  const ClusterConfig& config;              // where joined replicas listen
  std::function<std::string(int number)> new_id;  // a fresh 12-hex id for replica-N
  std::uint64_t seed = 0;                           // seeds each fault's draws
};

// Replica numbers a selector names. Throws CommandError at `path`:
// `no replica "replica-9"`, `replica-2 was removed`.
std::vector<int> resolve_replicas(const ClusterState& state, const ReplicaSelector& sel,
                                  const std::string& path = "replica");

// Applies `c` to `state`. Throws CommandError, leaving `state` unspecified (callers apply to a
// copy). Warnings (an even number of replicas after a join) are appended to `warnings`.
void apply_command(ClusterState& state, const Command& c, const ApplyEnv& env,
                   std::vector<std::string>& warnings);

// Removes faults whose duration has passed. True when something was removed.
bool expire_faults(ClusterState& state, SysTime now);

// When the next fault expires, if any does.
std::optional<SysTime> next_fault_expiry(const ClusterState& state);

// DTR's warning when a join leaves an even number of replicas.
std::string even_replicas_warning(int count);

} // namespace dtrsim
