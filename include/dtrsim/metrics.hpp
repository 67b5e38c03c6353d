#pragma once
// Counters for GET /metrics (Prometheus text format): requests by replica, port, path and status;
// protocol events; faults applied. Gauges (up, healthy, quorum, connections) are read from the
// cluster when the page is rendered.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "dtrsim/exchange.hpp"

namespace dtrsim {

class Metrics {
 public:
  void count(const ExchangeRecord& rec);
  // Counters as Prometheus text, labelled by replica name.
  std::string render_counters() const;
  std::uint64_t requests_of(int replica) const;

  // The path label: DTR's known paths as they are, everything else "other" (bounded cardinality).
  static std::string path_label(const std::string& path);

 private:
  mutable std::mutex m_;
  std::map<std::tuple<int, std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::pair<int, std::string>, std::uint64_t> events_;
  std::map<std::pair<int, std::string>, std::uint64_t> faults_;
  std::map<int, std::uint64_t> per_replica_;
};

} // namespace dtrsim
