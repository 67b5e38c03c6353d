// The bounded request journal.
#include "dtrsim/journal.hpp"

#include <algorithm>

namespace dtrsim {

void Journal::add(ExchangeRecord&& rec) {
  std::lock_guard<std::mutex> lock(m_);
  auto& ring = rings_[rec.replica];
  ring.push_back(JournalEntry{++seq_, std::move(rec)});
  if (ring.size() > per_replica_) ring.pop_front();
}

std::vector<JournalEntry> Journal::query(const JournalQuery& q) const {
  std::vector<JournalEntry> out;
  std::lock_guard<std::mutex> lock(m_);
  for (const auto& [number, ring] : rings_) {
    if (q.replica && *q.replica != number) continue;
    auto it = std::upper_bound(ring.begin(), ring.end(), q.after_seq,
                               [](std::uint64_t s, const JournalEntry& e) { return s < e.seq; });
    for (; it != ring.end(); ++it)
      if (!q.since || it->record.time >= *q.since) out.push_back(*it);
  }
  std::sort(out.begin(), out.end(),
            [](const JournalEntry& a, const JournalEntry& b) { return a.seq < b.seq; });
  if (out.size() > q.limit) {
    if (q.newest) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(q.limit));
    else out.resize(q.limit);
  }
  return out;
}

size_t Journal::clear() {
  std::lock_guard<std::mutex> lock(m_);
  size_t n = 0;
  for (auto& [number, ring] : rings_) n += ring.size();
  rings_.clear();
  return n;
}

std::uint64_t Journal::last_seq() const {
  std::lock_guard<std::mutex> lock(m_);
  return seq_;
}

nlohmann::json to_json(const JournalEntry& e) {
  const ExchangeRecord& r = e.record;
  nlohmann::json j = {{"seq", e.seq},
                      {"time", format_rfc3339(r.time, true)},
                      {"replica", r.replica_id},
                      {"name", "replica-" + std::to_string(r.replica)},
                      {"port", port_name(r.port)},
                      {"method", r.method},
                      {"path", r.path},
                      {"host", r.host},
                      {"user_agent", r.user_agent},
                      {"peer", r.peer},
                      {"status", r.status},
                      {"fault", r.fault},
                      {"duration_ms", static_cast<double>(static_cast<long long>(r.duration_ms * 1000)) / 1000}};
  if (!r.event.empty()) j["event"] = r.event;
  // Connection-level entries without an event (an accept stall, a fault's handshake, a client
  // that gave up during a fault) still say what happened.
  if (!r.event.empty() || !r.detail.empty()) j["detail"] = r.detail;
  return j;
}

} // namespace dtrsim
