// Selectors, seeded draws and the JSON view of a fault on a replica.
#include "dtrsim/fault.hpp"

namespace dtrsim {

std::uint64_t ActiveFault::Draws::draw() {
  // splitmix64 over (key, index): the n-th draw depends only on the seed, not on timing.
  std::uint64_t z = key + (next.fetch_add(1) + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

bool ActiveFault::matches_port(Port p) const {
  if (ports == PortSelector::both) return stage != FaultStage::handshake || p == Port::https;
  return (ports == PortSelector::http) == (p == Port::http);
}

bool ActiveFault::matches_path(std::string_view path) const {
  if (paths.empty()) return true;
  for (const auto& p : paths) {
    if (!p.empty() && p.back() == '*') {
      if (path.substr(0, p.size() - 1) == std::string_view(p).substr(0, p.size() - 1)) return true;
    } else if (path == p) {
      return true;
    }
  }
  return false;
}

bool ActiveFault::roll() const {
  if (probability >= 1.0) return true;
  if (probability <= 0.0 || !draws) return false;
  double u = static_cast<double>(draws->draw() >> 11) * (1.0 / 9007199254740992.0);
  return u < probability;
}

nlohmann::json to_json(const ActiveFault& f, SysTime now) {
  nlohmann::json j = f.spec;
  j["added_at"] = format_rfc3339(f.added_at, true);
  if (f.duration) {
    auto left = std::chrono::duration_cast<Millis>(f.added_at + *f.duration - now).count();
    j["remaining_ms"] = left > 0 ? left : 0;
  }
  return j;
}

} // namespace dtrsim
