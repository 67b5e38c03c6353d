#pragma once
// The cluster as data: replicas, their services and faults, partitions and the replicated health
// cache.
// Every change builds a new ClusterState; servers read immutable snapshots of it.

#include <array>
#include <map>
#include <string>
#include <vector>

#include "dtrsim/clock.hpp"
#include "dtrsim/fault.hpp"
#include "dtrsim/profile.hpp"
#include "dtrsim/service.hpp"

namespace dtrsim {

struct ServiceState {
  bool failed = false;
  std::string error;  // set when failed: the user's text or our default
};

struct ReplicaState {
  int number = 0;        // N of "replica-N": 1-based join order, never reused
  std::string id;        // 12 lowercase hex characters
  std::string name;      // "replica-N"
  std::string address;   // bind address
  int http_port = 0;     // actual ports once bound
  int https_port = 0;
  bool running = true;
  bool readonly = false;
  std::array<ServiceState, kAllServices.size()> services{};
  std::vector<ActiveFault> faults;  // in the order they were added

  const ServiceState& service(Service s) const { return services[static_cast<size_t>(s)]; }
  ServiceState& service(Service s) { return services[static_cast<size_t>(s)]; }
};

// One replica's last report, as another replica sees it in the replicated cache.
struct CacheEntry {
  std::string health;  // "OK" or the error text
  SysTime at;
};

struct ClusterState {
  Profile profile;
  std::vector<ReplicaState> replicas;        // in join order
  std::vector<std::vector<int>> partitions;  // groups of replica numbers; empty: one network
  // observer number -> subject number -> last report the observer has received
  std::map<int, std::map<int, CacheEntry>> health_cache;
  int next_number = 1;
  std::uint64_t next_fault_id = 1;

  const ReplicaState* find(int number) const;
  ReplicaState* find(int number);
};

// 12 lowercase hex characters.
bool is_replica_id(const std::string& s);

} // namespace dtrsim
