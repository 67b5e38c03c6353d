#pragma once
// The request journal: every request each replica served and every protocol mistake it saw, in a
// bounded ring per replica (default the last 10,000), numbered in arrival order.

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "dtrsim/exchange.hpp"

namespace dtrsim {

struct JournalEntry {
  std::uint64_t seq = 0;  // 1, 2, 3 ... across all replicas
  ExchangeRecord record;
};

struct JournalQuery {
  std::optional<int> replica;       // replica number; empty: all
  std::uint64_t after_seq = 0;      // entries with seq > after_seq
  std::optional<SysTime> since;     // entries at or after this time
  size_t limit = 1000;              // at most this many matching entries...
  bool newest = false;              // ...the last ones (a tail) instead of the first ones
};

class Journal {
 public:
  explicit Journal(size_t per_replica = 10000) : per_replica_(per_replica) {}

  void add(ExchangeRecord&& rec);
  std::vector<JournalEntry> query(const JournalQuery& q) const;
  // Removes every entry; returns how many there were.
  size_t clear();
  std::uint64_t last_seq() const;

 private:
  const size_t per_replica_;
  mutable std::mutex m_;
  std::map<int, std::deque<JournalEntry>> rings_;
  std::uint64_t seq_ = 0;
};

nlohmann::json to_json(const JournalEntry& e);

} // namespace dtrsim
