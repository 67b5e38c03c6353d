// Request, event and fault counters in Prometheus text format.
#include "dtrsim/metrics.hpp"

namespace dtrsim {
namespace {

std::string replica_label(int n) { return "replica=\"replica-" + std::to_string(n) + "\""; }

std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

} // namespace

std::string Metrics::path_label(const std::string& path) {
  for (const char* known : {"/_ping", "/health", "/load_balancer_status", "/nginx_status", "/ca",
                            "/api/v0/meta/cluster_status", "/v2/", "/"})
    if (path == known) return path;
  if (path.rfind("/_dtrsim/", 0) == 0) return path;
  return "other";
}

void Metrics::count(const ExchangeRecord& rec) {
  std::lock_guard<std::mutex> lock(m_);
  if (!rec.method.empty()) {
    ++requests_[{rec.replica, std::string(port_name(rec.port)), path_label(rec.path), rec.status}];
    ++per_replica_[rec.replica];
  }
  if (!rec.event.empty()) ++events_[{rec.replica, rec.event}];
  for (const auto& name : rec.applied) ++faults_[{rec.replica, name}];
}

std::uint64_t Metrics::requests_of(int replica) const {
  std::lock_guard<std::mutex> lock(m_);
  auto it = per_replica_.find(replica);
  return it == per_replica_.end() ? 0 : it->second;
}

std::string Metrics::render_counters() const {
  std::lock_guard<std::mutex> lock(m_);
  std::string out;
  out += "# HELP dtrsim_requests_total Requests answered by a replica.\n"
         "# TYPE dtrsim_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [replica, port, path, status] = key;
    out += "dtrsim_requests_total{" + replica_label(replica) + ",port=\"" + port + "\",path=\"" +
           escape(path) + "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) +
           "\n";
  }
  out += "# HELP dtrsim_protocol_events_total Protocol mistakes seen by a replica.\n"
         "# TYPE dtrsim_protocol_events_total counter\n";
  for (const auto& [key, n] : events_)
    out += "dtrsim_protocol_events_total{" + replica_label(key.first) + ",event=\"" +
           key.second + "\"} " + std::to_string(n) + "\n";
  out += "# HELP dtrsim_faults_applied_total Requests or connections a fault acted on.\n"
         "# TYPE dtrsim_faults_applied_total counter\n";
  for (const auto& [key, n] : faults_)
    out += "dtrsim_faults_applied_total{" + replica_label(key.first) + ",fault=\"" +
           escape(key.second) + "\"} " + std::to_string(n) + "\n";
  return out;
}

} // namespace dtrsim
