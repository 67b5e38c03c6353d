// The table of DTR/MSR version profiles (see docs and research/dtr-facts.md §1).
#include "dtrsim/profile.hpp"

namespace dtrsim {
namespace {

std::vector<Profile> all_profiles() {
  std::vector<Profile> out;
  auto add = [&](std::string name, bool ping, bool lb_status, bool etcd, std::string path) {
    out.push_back(Profile{std::move(name), ping, lb_status, etcd, std::move(path)});
  };
  add("2.0", false, true, false, "/load_balancer_status");
  add("2.1", false, true, true, "/health");
  add("2.2", false, true, false, "/health");
  for (const char* v : {"2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "msr-2.8", "msr-2.9",
                        "msr-3"})
    add(v, true, false, false, "/_ping");
  return out;
}

} // namespace

std::optional<Profile> find_profile(std::string_view name) {
  for (auto& p : all_profiles())
    if (p.name == name) return p;
  return std::nullopt;
}

std::vector<std::string> profile_names() {
  std::vector<std::string> out;
  for (auto& p : all_profiles()) out.push_back(p.name);
  return out;
}

} // namespace dtrsim
