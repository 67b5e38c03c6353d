#pragma once
// DTR version profiles (--dtr-version): which health endpoints a replica serves and which fields
// cluster_status carries, per DTR release.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtrsim {

struct Profile {
  std::string name;                   // "2.7", "msr-3"
  bool serves_ping = true;            // /_ping: 2.3 and later
  bool serves_lb_status = false;      // /load_balancer_status: 2.0 to 2.2
  bool has_etcd_status = false;       // cluster_status.etcd_status: 2.1 only
  std::string documented_health_path; // what DTR's docs tell load balancers to check
};

inline constexpr std::string_view kDefaultProfile = "2.7";

std::optional<Profile> find_profile(std::string_view name);
std::vector<std::string> profile_names();

} // namespace dtrsim
