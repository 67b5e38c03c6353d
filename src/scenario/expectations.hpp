// Checking one expectation against the running cluster (and load balancer): the outcome and the
// measurement behind it.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "dtrsim/cluster.hpp"
#include "dtrsim/scenario.hpp"

namespace dtrsim {

struct Outcome {
  bool ok = false;
  std::string detail;         // one line: what was seen
  nlohmann::json measured;    // the numbers behind it
  bool checkable = true;      // false: it cannot be checked at all (no load balancer URL)
};

struct ExpectContext {
  Cluster& cluster;
  std::string lb_http, lb_https;                                  // URLs, "" when none
  SysTime scenario_start, step_start;
  std::function<std::string(const std::string&)> substitute;      // ${VARIABLES}
};

Outcome evaluate(const Expectation& e, ExpectContext& ctx);

// "dtrsim-scenario/<version>": the User-Agent of every request the expectations send, to a
// replica or through the load balancer, by which journal expectations tell them apart from the
// load balancer's own (its health checks).
extern const char* const kScenarioUserAgent;

// True when every key of `subset` is in `whole` with an equal (or, for objects, included) value.
bool json_contains(const nlohmann::json& whole, const nlohmann::json& subset);

// The status column of one server in HAProxy's "show stat" CSV, or "" when absent.
std::string haproxy_status(const std::string& csv, const std::string& backend,
                           const std::string& server);

} // namespace dtrsim
