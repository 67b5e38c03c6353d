#pragma once
// Scenario files: a cluster, an optional load balancer to start, and a timeline of steps, each a
// command (the same vocabulary as the control API) or an expectation, at an offset from the start.
// The schema users' editors check is scenarios/schema.json; the parser here agrees with it.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dtrsim/command.hpp"
#include "dtrsim/config.hpp"
#include "dtrsim/http.hpp"
#include "dtrsim/port.hpp"

namespace dtrsim {

struct TemplateSpec {
  std::string from;  // relative to the scenario file
  std::string to;    // relative to the run directory
};

// A load balancer process dtrsim starts after the replicas listen and stops at the end.
struct LoadBalancerSpec {
  std::vector<std::string> command;  // ${VARIABLES} substituted
  std::string cwd = ".";             // relative to the scenario file
  std::string http_url, https_url;   // where it listens; port 0: dtrsim picks a free one
  Millis ready_timeout = std::chrono::seconds(10);
  std::vector<TemplateSpec> templates;
  std::map<std::string, std::string> env;
};

namespace expect {

// A request straight to one replica.
struct Direct {
  ReplicaSelector replica;
  Port port = Port::https;
  std::string method = "GET";
  std::string path = "/_ping";
  std::optional<int> status;
  std::optional<nlohmann::json> json;  // a subset the body must contain
  std::optional<std::string> body_contains;
  // What the client observes: answered, refused, connect_timeout, reset, empty_reply, timeout,
  // not_http or tls_failed.
  std::string outcome = "answered";
  std::optional<long> min_ms, max_ms;  // bounds on the whole exchange
  long timeout_ms = 5000;              // how long the client waits for the response
  std::optional<std::string> tls_verify;  // ok, expired, wrong_host or untrusted
};

// Requests through the load balancer, attributed to replicas by X-Dtrsim-Replica.
struct ViaLb {
  Port port = Port::https;
  std::string path = "/_ping";
  int requests = 10;
  std::vector<ReplicaSelector> reaches;  // each answers at least once
  std::vector<ReplicaSelector> avoids;   // none answers
  std::optional<int> status;             // every answer has it
  int max_failures = 0;                  // failed requests allowed
  int min_failures = 0;                  // failed requests required (the cluster is down)
};

// What the journal recorded (e.g. the load balancer's health checks).
struct Journal {
  std::optional<ReplicaSelector> replica;
  std::optional<Port> port;
  std::optional<std::string> method, path, event;
  std::optional<int> status;
  int min_count = 1;
  std::optional<int> max_count;
  std::optional<Millis> max_interval;  // between matching entries, and since the last one
  bool since_step = false;             // only entries since this step started
  bool include_own = false;            // also count the requests the scenario sent itself
};

struct HealthMatch {
  std::optional<std::string> equals;
  std::optional<std::string> contains;
};

// cluster_status as one replica sees it.
struct ClusterStatus {
  ReplicaSelector replica;
  int status = 200;
  std::vector<std::pair<ReplicaSelector, HealthMatch>> replica_health;
  std::vector<ReplicaSelector> stale;  // last report older than 3 heartbeats
  std::vector<ReplicaSelector> fresh;
};

// HAProxy's own view of a server, from its stats socket ("show stat").
struct Haproxy {
  std::string socket;  // ${VARIABLES} substituted
  std::string backend, server;
  std::string status;  // UP, DOWN, MAINT, ... (the first word of HAProxy's status)
};

} // namespace expect

using Expectation = std::variant<expect::Direct, expect::ViaLb, expect::Journal,
                                 expect::ClusterStatus, expect::Haproxy>;

struct Step {
  size_t index = 0;                // position in "steps"
  Millis at{0};
  std::optional<Millis> within;    // poll until it holds, at most this long
  std::string note;
  std::variant<Command, Expectation> action;
  nlohmann::json source;

  bool is_command() const { return action.index() == 0; }
  std::string summary() const;     // "fail replica 2 rethinkdb", "expect lb https /_ping avoids [2]"
};

struct Scenario {
  std::string file;  // as given
  std::string base_dir;
  std::string name, description;
  ClusterConfig cluster;
  std::optional<LoadBalancerSpec> load_balancer;
  std::vector<Step> steps;
};

struct ScenarioCheck {
  // --lb-http/--lb-https (checked with check_lb_flags): where via-lb expectations send their
  // requests on a port for which the scenario's load_balancer has no URL.
  std::string lb_http, lb_https;
  // dtrsim run --scenario: check the steps against this running cluster instead of the file's.
  // The file's load_balancer is not started there, so a via-lb step without a URL is reported as
  // not checkable when it is played, not rejected.
  std::optional<ClusterConfig> running_cluster;
};

struct LoadedScenario {
  std::optional<Scenario> scenario;
  std::vector<std::string> errors;  // "<file>: <json path>: <problem>", all of them
};

// A load balancer's address: "https://127.0.0.1:8443", "http://[::1]:80", "http://localhost:8080".
struct LbUrl {
  std::string host;  // without brackets
  int port = 0;
};

// SCHEME://ADDRESS:PORT with ADDRESS an IPv4 address, [IPv6] or localhost and PORT 1-65535, or 0
// (pick a free port) when `allow_port_0`; nullopt for anything else.
std::optional<LbUrl> parse_lb_url(const std::string& url, std::string_view scheme, bool allow_port_0);
// What is wrong with `url`, for error messages: "\"x\" is not https://ADDRESS:PORT (...)".
std::string lb_url_problem(const std::string& url, std::string_view scheme, bool allow_port_0);
// The errors of --lb-http/--lb-https values ("" is fine: not given), one per bad flag.
std::vector<std::string> check_lb_flags(const std::string& http, const std::string& https);

LoadedScenario load_scenario(const std::string& path, const ScenarioCheck& check = {});
LoadedScenario parse_scenario(const nlohmann::json& j, const std::string& file,
                              const std::string& base_dir, const ScenarioCheck& check = {});

} // namespace dtrsim
