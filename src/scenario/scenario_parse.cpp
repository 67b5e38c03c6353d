// Parsing and full validation of scenario files: structure, types, durations, order, and a pure
// replay of the timeline that checks every replica reference against the cluster at that step.
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>

#include "dtrsim/apply.hpp"
#include "dtrsim/fault_registry.hpp"
#include "dtrsim/profile.hpp"
#include "dtrsim/scenario.hpp"
#include "dtrsim/state.hpp"
#include "json_reader.hpp"

namespace dtrsim {

// expectation_parse.cpp
std::optional<Expectation> parse_expectation(const nlohmann::json& j, const std::string& path,
                                             Errors& errors);
// The replica references of an expectation, with their JSON paths.
std::vector<std::pair<ReplicaSelector, std::string>> expectation_replicas(const Expectation& e,
                                                                          const std::string& path);

namespace {

using nlohmann::json;

const char* kClusterKeys =
    "replicas, bind, distinct_addresses, http_port, https_port, dtr_version, dtr_fqdn, "
    "replica_ids, sequential_ids, heartbeat, admin, users, seed, tls_cert, tls_key, tls_ca, "
    "replica_header, keep_alive_timeout, max_hang, journal_size, max_connections";

std::string resolve_path(const std::string& base_dir, const std::string& p) {
  if (p.empty() || p.front() == '/') return p;
  return base_dir + "/" + p;
}

// `replicas_known` tells whether the replicas the timeline starts from (how many, their ids, their
// version profile) are the file's, so that replica references can be checked even when other
// fields are wrong.
ClusterConfig parse_cluster(const json* j, const std::string& base_dir, Errors& errors, bool& replicas_known) {
  ClusterConfig c;
  c.http_port = 0;  // scenarios default to ephemeral ports: load balancers get them as variables
  c.https_port = 0;
  replicas_known = true;
  if (!j) return c;
  size_t before = errors.size();
  JsonReader r(*j, "cluster", errors);
  if (auto v = r.integer("replicas", 1, 64)) c.replicas = static_cast<int>(*v);
  replicas_known = errors.size() == before;
  if (auto v = r.string("bind")) c.bind = *v;
  if (auto v = r.boolean("distinct_addresses")) c.distinct_addresses = *v;
  if (auto v = r.integer("http_port", 0, 65535)) c.http_port = static_cast<int>(*v);
  if (auto v = r.integer("https_port", 0, 65535)) c.https_port = static_cast<int>(*v);
  if (auto v = r.string("dtr_version")) c.dtr_version = *v;
  if (auto v = r.string("dtr_fqdn")) c.dtr_fqdn = *v;
  size_t before_ids = errors.size();
  if (auto v = r.strings("replica_ids")) c.replica_ids = *v;
  if (auto v = r.boolean("sequential_ids")) c.sequential_ids = *v;
  replicas_known = replicas_known && errors.size() == before_ids;
  if (auto v = r.duration("heartbeat")) c.heartbeat = *v;
  if (auto v = r.string("admin")) {
    if (auto a = Accounts::parse(*v, true)) c.admin = *a;
    else errors.add("cluster.admin", "\"" + *v + "\" is not USER:PASS");
  }
  if (auto v = r.strings("users"))
    for (size_t i = 0; i < v->size(); ++i) {
      if (auto a = Accounts::parse((*v)[i], false)) c.users.push_back(*a);
      else errors.add("cluster.users[" + std::to_string(i) + "]", "\"" + (*v)[i] + "\" is not USER:PASS");
    }
  if (auto v = r.integer("seed", 0, (1LL << 62))) c.seed = static_cast<std::uint64_t>(*v);
  if (auto v = r.string("tls_cert")) c.tls_cert = resolve_path(base_dir, *v);
  if (auto v = r.string("tls_key")) c.tls_key = resolve_path(base_dir, *v);
  if (auto v = r.string("tls_ca")) c.tls_ca = resolve_path(base_dir, *v);
  if (auto v = r.boolean("replica_header")) c.replica_header = *v;
  if (auto v = r.duration("keep_alive_timeout")) c.keep_alive_timeout = *v;
  if (auto v = r.duration("max_hang")) c.max_hang = *v;
  if (auto v = r.integer("journal_size", 1, 10'000'000)) c.journal_size = static_cast<size_t>(*v);
  if (auto v = r.integer("max_connections", 1, 100'000)) c.max_connections = static_cast<size_t>(*v);
  r.finish(kClusterKeys);
  // The checks across fields, when every field could be read: a field left at its default would
  // make them report what the file does not say.
  if (errors.size() == before)
    for (std::string e : validate_config(c, "cluster.")) {
      // validate_config names flags (http-port); scenario keys use underscores (http_port).
      size_t colon = e.find(':');
      for (size_t i = 0; i < colon; ++i)
        if (e[i] == '-') e[i] = '_';
      for (const char* key :
           {"cluster.replicas:", "cluster.replica_ids:", "cluster.sequential_ids:", "cluster.dtr_version:"})
        if (e.rfind(key, 0) == 0) replicas_known = false;
      errors.add("", e);
    }
  return c;
}

std::optional<LoadBalancerSpec> parse_load_balancer(const json* j, Errors& errors) {
  if (!j) return std::nullopt;
  LoadBalancerSpec lb;
  JsonReader r(*j, "load_balancer", errors);
  if (!r.ok()) return std::nullopt;
  if (auto v = r.strings("command", true)) lb.command = *v;
  if (auto v = r.string("cwd")) lb.cwd = *v;
  for (auto [key, scheme, out] : {std::tuple{"http", "http", &lb.http_url}, {"https", "https", &lb.https_url}})
    if (auto v = r.string(key)) {
      *out = *v;  // kept when wrong, so that the steps on that port are not reported as well
      if (!parse_lb_url(*v, scheme, true)) errors.add(r.path(key), lb_url_problem(*v, scheme, true));
    }
  if (lb.http_url.empty() && lb.https_url.empty() && !r.get("http") && !r.get("https"))
    errors.add("load_balancer", "needs \"http\" or \"https\": where the load balancer listens");
  if (auto v = r.duration("ready_timeout")) lb.ready_timeout = *v;
  if (const json* t = r.get("templates")) {
    if (!t->is_array()) errors.add("load_balancer.templates", "must be an array of {\"from\", \"to\"}");
    else
      for (size_t i = 0; i < t->size(); ++i) {
        JsonReader tr((*t)[i], "load_balancer.templates[" + std::to_string(i) + "]", errors);
        auto from = tr.string("from", true), to = tr.string("to", true);
        tr.finish("from, to");
        if (from && to) lb.templates.push_back({*from, *to});
      }
  }
  if (const json* e = r.get("env")) {
    if (!e->is_object()) errors.add("load_balancer.env", "must be an object of strings");
    else
      for (const auto& [k, v] : e->items()) {
        if (v.is_string()) lb.env[k] = v.get<std::string>();
        else errors.add("load_balancer.env." + k, "must be a string (got " + short_json(v) + ")");
      }
  }
  r.finish("command, cwd, http, https, ready_timeout, templates, env");
  return lb;
}

std::optional<Step> parse_step(const json& j, size_t index, Errors& errors) {
  std::string path = "steps[" + std::to_string(index) + "]";
  if (!j.is_object()) {
    errors.add(path, "must be an object with \"at\" and \"do\" or \"expect\"");
    return std::nullopt;
  }
  Step step;
  step.index = index;
  step.source = j;
  size_t before = errors.size();
  JsonReader r(j, path, errors);
  auto at = r.duration("at", true);
  auto within = r.duration("within");
  auto note = r.string("note");
  bool has_do = j.contains("do"), has_expect = j.contains("expect");
  if (has_do && has_expect) {
    errors.add(path, "has both \"do\" and \"expect\": a step is one or the other");
    return std::nullopt;
  }
  if (!has_do && !has_expect) {
    errors.add(path, "needs \"do\" (a command) or \"expect\" (an expectation)");
    return std::nullopt;
  }
  if (has_do) {
    json command = j;
    command.erase("within");  // reported here; "at" and "note" are keys the command parser allows
    if (j.contains("within")) errors.add(path + ".within", "only expectations poll; a command happens once");
    std::vector<CommandError> problems;
    std::optional<Command> c = parse_command(command, problems, {"at", "note"});
    for (const auto& e : problems) errors.add(e.under(path).path(), e.message());
    if (c) {
      step.action = *c;
      // The fault envelope is checked where the cluster checks it, but now: it depends on no
      // other step.
      if (const auto* f = std::get_if<cmd::Fault>(&*c)) try {
          parse_fault(f->fault);
        } catch (const CommandError& e) {
          errors.add(e.under("fault").under(path).path(), e.message());
        }
    }
  } else {
    r.get("expect");
    r.finish("at, within, note, do or expect");
    if (auto e = parse_expectation(j["expect"], path + ".expect", errors)) step.action = *e;
  }
  if (errors.size() != before) return std::nullopt;
  step.at = *at;
  step.within = within;
  step.note = note.value_or("");
  return step;
}

// A via-lb step needs a URL for its port: the scenario's load balancer's, or --lb-http/--lb-https.
void check_lb_url(const Step& step, const std::optional<LoadBalancerSpec>& lb, const ScenarioCheck& check,
                  Errors& errors) {
  if (step.is_command() || !std::holds_alternative<expect::ViaLb>(std::get<Expectation>(step.action))) return;
  Port port = std::get<expect::ViaLb>(std::get<Expectation>(step.action)).port;
  std::string path = "steps[" + std::to_string(step.index) + "].expect";
  if (!lb && check.lb_http.empty() && check.lb_https.empty()) {
    errors.add(path + ".via", "needs a load balancer: add \"load_balancer\" to the scenario or pass "
                              "--lb-http/--lb-https");
    return;
  }
  bool https = port == Port::https;
  if (!(lb ? (https ? lb->https_url : lb->http_url) : std::string()).empty() ||
      !(https ? check.lb_https : check.lb_http).empty())
    return;
  std::string name(port_name(port));
  errors.add(path + ".port", "no load balancer URL for " + name +
                                 (step.source["expect"].contains("port") ? "" : " (the default port)") + ": " +
                                 (lb ? "add \"" + name + "\" to \"load_balancer\" or pass --lb-" + name
                                     : "pass --lb-" + name));
}

// A replica cannot be both reached and avoided, however each list spells it (2, "replica-2", its
// id). References that do not resolve are reported by the caller.
void check_reaches_avoids(const ClusterState& state, const expect::ViaLb& lb, const std::string& path,
                          Errors& errors) {
  auto number = [&](const ReplicaSelector& sel) -> std::optional<int> {
    try {
      return resolve_replicas(state, sel).front();
    } catch (const CommandError&) {
      return std::nullopt;
    }
  };
  std::set<int> reached;
  for (const auto& sel : lb.reaches)
    if (auto n = number(sel)) reached.insert(*n);
  for (size_t i = 0; i < lb.avoids.size(); ++i)
    if (auto n = number(lb.avoids[i]); n && reached.count(*n))
      errors.add(path + ".avoids[" + std::to_string(i) + "]",
                 state.find(*n)->name + " is also in \"reaches\": it cannot both answer and not answer");
}

// Whether later steps can depend on what a command did: which replicas exist (join, remove),
// their faults' names (fault, clear, reset) or the partition a join needs healed. The others
// only set flags no check depends on.
bool later_steps_depend_on(const json& step) {
  static const std::set<std::string> flags_only = {"fail", "recover", "stop", "start", "readonly"};
  if (!step.is_object() || !step.contains("do")) return false;  // an expectation changes nothing
  const json& name = step["do"];
  return !(name.is_string() && flags_only.count(name.get<std::string>()));
}

// Replays the commands on the cluster the scenario starts with, so that a step naming
// "replica-4" before the join that creates it is reported. The replay stops at `stop_at`, a step
// that could not be parsed and whose effect later steps may depend on, and at a command of that
// kind that fails: past it, the replay would report what the file does not say.
void check_timeline(const Scenario& s, const ClusterConfig& cluster, size_t stop_at, Errors& errors) {
  ClusterState state = initial_state(cluster, [&](int n) {
    if (auto id = configured_id(cluster, n)) return *id;
    return std::string("random-id-") + std::to_string(n);  // not a valid id: cannot be named
  });
  SysTime start{};
  ApplyEnv env{start, cluster, [&](int n) {
                 if (auto id = configured_id(cluster, n)) return *id;
                 char buf[16];
                 std::snprintf(buf, sizeof buf, "f%011x", n);
                 return std::string(buf);
               }, 1};
  for (const Step& step : s.steps) {
    if (step.index >= stop_at) return;
    std::string path = "steps[" + std::to_string(step.index) + "]";
    env.now = start + step.at;
    if (step.is_command()) {
      std::vector<std::string> warnings;
      ClusterState next = state;
      try {
        apply_command(next, std::get<Command>(step.action), env, warnings);
        state = std::move(next);
      } catch (const CommandError& e) {
        errors.add(e.under(path).path(), e.message());
        if (later_steps_depend_on(step.source)) return;
      }
      continue;
    }
    const Expectation& e = std::get<Expectation>(step.action);
    for (const auto& [sel, where] : expectation_replicas(e, path + ".expect"))
      try {
        resolve_replicas(state, sel, where);
      } catch (const CommandError& error) {
        errors.add(error.path(), error.message());
      }
    if (const auto* lb = std::get_if<expect::ViaLb>(&e)) check_reaches_avoids(state, *lb, path + ".expect", errors);
  }
}

} // namespace

LoadedScenario parse_scenario(const json& j, const std::string& file, const std::string& base_dir,
                              const ScenarioCheck& check) {
  LoadedScenario out;
  Errors errors(file);
  Scenario s;
  s.file = file;
  s.base_dir = base_dir;
  JsonReader r(j, "", errors);
  if (!r.ok()) {
    out.errors = errors.list();
    return out;
  }
  if (auto v = r.string("name", true)) {
    s.name = *v;
    if (v->empty()) errors.add("name", "must not be empty (reports and JUnit name the run by it)");
  }
  if (auto v = r.string("description", true)) s.description = *v;
  bool replicas_known = false;
  s.cluster = parse_cluster(r.get("cluster"), base_dir, errors, replicas_known);
  s.load_balancer = parse_load_balancer(r.get("load_balancer"), errors);
  const json* steps = r.get("steps");
  size_t replay_until = SIZE_MAX;
  if (!steps) errors.add("steps", "is required");
  else if (!steps->is_array() || steps->empty())
    errors.add("steps", "must be a non-empty array of steps");
  else {
    std::optional<Millis> last;
    for (size_t i = 0; i < steps->size(); ++i) {
      auto step = parse_step((*steps)[i], i, errors);
      if (!step) {
        if (later_steps_depend_on((*steps)[i])) replay_until = std::min(replay_until, i);
        continue;
      }
      if (last && step->at < *last)
        errors.add("steps[" + std::to_string(i) + "].at",
                   format_duration(step->at) + " is before the previous step's " +
                       format_duration(*last) + " (steps run in order)");
      last = step->at;
      if (!check.running_cluster) check_lb_url(*step, s.load_balancer, check, errors);
      s.steps.push_back(std::move(*step));
    }
  }
  r.finish("name, description, cluster, load_balancer, steps");
  // Replica references need the replicas they are made against.
  if (replicas_known || check.running_cluster) check_timeline(s, check.running_cluster.value_or(s.cluster), replay_until, errors);
  out.errors = errors.list();
  if (out.errors.empty()) out.scenario = std::move(s);
  return out;
}

LoadedScenario load_scenario(const std::string& path, const ScenarioCheck& check) {
  LoadedScenario out;
  std::ifstream in(path);
  if (!in) {
    out.errors.push_back(path + ": cannot read the file");
    return out;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  json j;
  try {
    j = json::parse(ss.str());
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    size_t pos = what.find("] ");
    out.errors.push_back(path + ": not valid JSON: " + (pos == std::string::npos ? what : what.substr(pos + 2)));
    return out;
  }
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  return parse_scenario(j, path, dir, check);
}

} // namespace dtrsim
