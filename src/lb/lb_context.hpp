// What every load-balancer check needs: the control API, the cluster as it was when the checks
// began, the load balancer's endpoints, and requests through it that name the replica answering.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <thread>

#include "../net/http_probe.hpp"
#include "dtrsim/control_client.hpp"
#include "dtrsim/lb_check.hpp"
#include "dtrsim/port.hpp"

namespace dtrsim::lb {

inline constexpr const char* kUserAgent = "dtrsim-lb-check";

struct Endpoint {
  std::string address;
  int port = 0;
};

class Context {
 public:
  Context(const LbCheckOptions& options, ControlClient& control);

  const LbCheckOptions& options;
  ControlClient& control;
  nlohmann::json cluster;             // GET /v1/cluster at the start
  std::string started_at;             // RFC 3339 with milliseconds
  std::map<std::string, std::string> name_of_id;  // replica id -> replica-N
  std::map<std::string, std::string> fingerprint_of;  // fingerprint -> replica-N
  std::vector<std::string> healthy;   // names of replicas running with health 200 at the start

  std::optional<Endpoint> endpoint(Port p) const;
  std::vector<Port> ports() const;  // the ports with a URL, http first
  // A request through the load balancer on a fresh connection, as a client would send it.
  net::ProbeRequest request(Port p, const std::string& path) const;
  net::ProbeResult get(Port p, const std::string& path) const;
  // The replica that answered ("replica-2"), "unknown" without X-Dtrsim-Replica, "" on failure.
  std::string who(const net::ProbeResult& r) const;
  // Journal entries since the checks began, matching `query` ("event=..." is not a filter: the
  // caller filters).
  nlohmann::json journal_since_start() const;
  bool aborted() const { return options.abort && options.abort->load(); }
};

inline CheckResult make_result(std::string name, std::string title,
                               CheckVerdict verdict = CheckVerdict::pass, std::string detail = "") {
  CheckResult r;
  r.name = std::move(name);
  r.title = std::move(title);
  r.verdict = verdict;
  r.detail = std::move(detail);
  return r;
}

// Seconds with two decimals: "0.42s".
std::string secs(double ms);

CheckResult check_traffic(Context& c);
CheckResult check_tls(Context& c);
CheckResult check_host(Context& c);
CheckResult check_buffering(Context& c);
CheckResult check_health_checks(Context& c);
CheckResult check_failover_service(Context& c);
CheckResult check_failover_stop(Context& c);

// The idle check opens its connections first, watches them while the other checks run (so that
// the time the load balancer closed one is measured, not the time it was noticed), and
// measures them last.
class IdleCheck {
 public:
  explicit IdleCheck(Context& c);
  ~IdleCheck();
  CheckResult finish();

 private:
  void watch();

  Context& c_;
  struct Held;
  std::vector<std::unique_ptr<Held>> held_;
  std::atomic<bool> stop_{false};
  std::thread watcher_;
};

} // namespace dtrsim::lb
