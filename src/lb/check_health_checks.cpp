// The load balancer's own health checks, as the replicas' journal saw them: which path, how
// often, on which port. Problems here are warnings: traffic still flows, but a failing replica
// may stay in the pool (the failover checks measure whether it does). TCP checks that complete a
// connection show up as empty connections; HAProxy's (SYN, SYN-ACK, RST) cannot be seen at all.
//
// Other clients may check the same replicas (a monitoring system, a second load balancer), so a
// request counts as the load balancer's check only when it comes from an address the load
// balancer used for the requests it proxied for lb check since the checks began. The limit: a
// client on the load balancer's own address (a second HAProxy on the same host) cannot be told
// apart from it.
#include <algorithm>
#include <set>
#include <thread>

#include "dtrsim/clock.hpp"
#include "lb_context.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim::lb {
namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string address_of(const std::string& peer) { return peer.substr(0, peer.rfind(':')); }

struct Seen {
  std::map<std::string, std::vector<double>> times;  // replica -> arrival (ms since epoch)
  std::set<int> statuses;
  std::set<std::string> peers;
};

double ms_of(const nlohmann::json& e) {
  SysTime t;
  parse_rfc3339(e["time"].get<std::string>(), t);
  return std::chrono::duration<double, std::milli>(t.time_since_epoch()).count();
}

} // namespace

CheckResult check_health_checks(Context& c) {
  CheckResult r = make_result("health-checks", "the load balancer checks the documented path");
  SysTime started;
  parse_rfc3339(c.started_at, started);
  auto until = started + c.options.observe;
  while (std::chrono::system_clock::now() < until && !c.aborted())
    std::this_thread::sleep_for(std::chrono::milliseconds(50));

  std::string documented = c.cluster.value("health_path", std::string("/_ping"));
  std::string profile = c.cluster.value("profile", std::string("?"));
  auto entries = c.journal_since_start();
  std::set<std::string> lb_addresses;  // where the requests proxied for lb check came from
  for (const auto& e : entries)
    if (e.value("user_agent", "") == kUserAgent) lb_addresses.insert(address_of(e["peer"]));
  std::map<std::string, int> others;  // address -> requests and connections not from the LB
  std::map<std::string, std::map<std::string, Seen>> by_port;  // port -> "GET /_ping" -> seen
  std::map<std::string, std::map<std::string, std::vector<double>>> tcp;  // port -> replica -> times
  for (const auto& e : entries) {
    std::string peer = address_of(e["peer"]);
    if (e.value("user_agent", "") == kUserAgent) continue;
    bool empty = e.value("event", "") == "empty_connection";
    if (!empty && e["method"].get<std::string>().empty()) continue;
    if (!lb_addresses.empty() && !lb_addresses.count(peer)) {
      ++others[peer];
      continue;
    }
    std::string port = e["port"];
    if (empty) {
      tcp[port][e["name"]].push_back(ms_of(e));
      continue;
    }
    Seen& s = by_port[port][e["method"].get<std::string>() + " " + e["path"].get<std::string>()];
    s.times[e["name"]].push_back(ms_of(e));
    s.statuses.insert(e["status"].get<int>());
    s.peers.insert(peer);
  }

  std::vector<std::string> parts;
  auto warn = [&](const std::string& why) {
    r.verdict = CheckVerdict::warn;
    parts.push_back(why);
  };
  for (const char* port : {"http", "https"}) {
    auto checks = by_port.find(port);
    if (checks == by_port.end() || checks->second.empty()) {
      auto t = tcp.find(port);
      if (t != tcp.end() && !t->second.empty()) {
        std::vector<double> gaps;
        for (const auto& [who, times] : t->second)
          for (size_t i = 1; i < times.size(); ++i) gaps.push_back(times[i] - times[i - 1]);
        warn(std::string(port) + ": TCP checks only (connect and close" +
             (gaps.empty() ? "" : ", every " + secs(median(gaps))) +
             "): a replica whose " + documented + " answers 503 stays in the pool");
        r.measured[port] = {{"tcp_checks", true}};
      } else {
        // HAProxy's layer-4 checks (SYN, SYN-ACK, RST) never reach an application, so "none"
        // also covers TCP-only checking.
        warn(std::string(port) + ": no HTTP health checks seen in " +
             secs(static_cast<double>(c.options.observe.count())) +
             " (TCP-level checks, if any, cannot read " + documented + "): a replica whose " + documented +
             " answers 503 stays in the pool");
      }
      continue;
    }
    for (const auto& [what, s] : checks->second) {
      std::vector<double> gaps;
      for (const auto& [who, times] : s.times)
        for (size_t i = 1; i < times.size(); ++i) gaps.push_back(times[i] - times[i - 1]);
      std::string peers;
      for (const auto& p : s.peers) append_item(peers, p, ", ");
      std::string line = std::string(port) + ": " + what + (gaps.empty() ? " seen" : " every " + secs(median(gaps))) +
                         " to " + std::to_string(s.times.size()) + " replica(s) from " + peers;
      std::string path = what.substr(what.find(' ') + 1);
      r.measured[port][what] = {{"interval_ms", median(gaps)}, {"replicas", s.times.size()},
                                {"statuses", s.statuses}};
      if (path == "/api/v0/meta/cluster_status")
        warn(line + ": cluster_status needs admin credentials and returns about 45 KB; DTR's docs say it "
                    "is not for load balancers, use " + documented);
      else if (s.statuses.count(404))
        warn(line + ": it answers 404 on DTR " + profile + " (use " + documented + ")");
      else if (std::any_of(s.statuses.begin(), s.statuses.end(), [](int st) { return st >= 300 && st < 400; }))
        warn(line + ": it is redirected to HTTPS, and HAProxy counts a 3xx as a passing check");
      else if (path == documented)
        parts.push_back(line);
      else if (path == "/health")
        warn(line + ": /health works, but DTR " + profile + " documents " + documented);
      else
        warn(line + ": not a health path (DTR " + profile + " documents " + documented + ")");
    }
  }
  std::string lb, other;
  for (const auto& a : lb_addresses) append_item(lb, a, ", ");
  for (const auto& [a, n] : others) append_item(other, std::to_string(n) + " from " + a, ", ");
  if (lb_addresses.empty())
    parts.push_back("no request of lb check's reached a replica, so the load balancer's address is unknown: "
                    "requests from every client were counted");
  else if (!others.empty())
    parts.push_back("not counted, as they did not come from the load balancer's address (" + lb + "): " + other);
  r.measured["lb_addresses"] = lb_addresses;
  r.measured["other_clients"] = others;
  for (size_t i = 0; i < parts.size(); ++i) r.detail += (i ? "; " : "") + parts[i];
  return r;
}

} // namespace dtrsim::lb
