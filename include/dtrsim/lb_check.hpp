#pragma once
// `dtrsim lb check`: puts a running load balancer in front of a running dtrsim to the test of
// DTR's "use a load balancer" requirements, and reports each as PASS, WARN or FAIL with the
// measurement behind it:
//
//   traffic           requests on both ports reach every healthy replica
//   tls               HTTPS is not terminated: the certificate through the LB is a replica's
//   host              the Host header arrives unchanged
//   buffering         a slow chunked upload reaches the replica while it is being sent
//   idle              an idle connection survives --idle (DTR: more than 10 minutes)
//   health-checks     the LB's own checks in the journal: path, interval, port
//   failover-service  a failed service: seconds until the LB stops sending, and comes back
//   failover-stop     a stopped replica: the same

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "dtrsim/duration.hpp"

namespace dtrsim {

enum class CheckVerdict { pass, warn, fail, skip };
std::string_view verdict_name(CheckVerdict v);  // "PASS", "WARN", "FAIL", "SKIP"

struct CheckResult {
  std::string name;   // "traffic"
  std::string title;  // "traffic reaches every replica"
  CheckVerdict verdict = CheckVerdict::skip;
  std::string detail;
  nlohmann::json measured = nlohmann::json::object();
  double elapsed_ms = 0;
};

struct LbCheckOptions {
  std::string lb_http, lb_https;     // URLs; one may be empty
  std::string control = "http://127.0.0.1:7070", control_token;
  Millis idle = std::chrono::seconds(601);
  Millis observe = std::chrono::seconds(6);  // how long to watch for the LB's health checks
  Millis failover_timeout = std::chrono::seconds(30);
  int requests = 30;                 // per port, for the traffic check
  std::string replica;               // the one failed and stopped; default: the last
  std::string service = "registry";  // the one failed
  std::set<std::string> skip;
  std::function<void(const CheckResult&)> on_result;
  const std::atomic<bool>* abort = nullptr;
};

struct LbCheckReport {
  std::string lb_http, lb_https, control;
  std::vector<CheckResult> checks;
  std::string error;  // the checks could not run at all (control API or LB unreachable)
  int count(CheckVerdict v) const;
};

const std::vector<std::string>& lb_check_names();

LbCheckReport run_lb_check(const LbCheckOptions& options);

std::string lb_check_line(const CheckResult& r);
std::string lb_check_summary(const LbCheckReport& r);
std::string lb_check_junit(const LbCheckReport& r);
nlohmann::json lb_check_json(const LbCheckReport& r);

} // namespace dtrsim
