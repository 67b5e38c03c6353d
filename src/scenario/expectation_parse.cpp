// Parsing of the five kinds of expectation, and the one-line summaries reports print for steps.
#include <algorithm>

#include "dtrsim/scenario.hpp"
#include "json_reader.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim {

namespace {

using nlohmann::json;

std::optional<ReplicaSelector> selector(JsonReader& r, const char* key, bool required) {
  const json* v = r.get(key);
  if (!v) {
    if (required) r.errors().add(r.path(key), "is required");
    return std::nullopt;
  }
  if (!(v->is_number_integer() || v->is_string())) {
    r.errors().add(r.path(key), "must be a replica index, name or id (got " + short_json(*v) + ")");
    return std::nullopt;
  }
  return ReplicaSelector{*v};
}

std::vector<ReplicaSelector> selectors(JsonReader& r, const char* key) {
  std::vector<ReplicaSelector> out;
  const json* v = r.get(key);
  if (!v) return out;
  if (!v->is_array()) {
    r.errors().add(r.path(key), "must be an array of replicas, e.g. [1, \"replica-3\"]");
    return out;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    if (item.is_number_integer() || (item.is_string() && item != "*")) out.push_back(ReplicaSelector{item});
    else
      r.errors().add(r.path(key) + "[" + std::to_string(i) + "]",
                     "must be a replica index, name or id (got " + short_json(item) + ")");
  }
  return out;
}

std::optional<Port> port_of(JsonReader& r) {
  auto p = r.string("port");
  if (!p) return std::nullopt;
  if (*p == "http") return Port::http;
  if (*p == "https") return Port::https;
  r.errors().add(r.path("port"), "must be \"http\" or \"https\" (got \"" + *p + "\")");
  return std::nullopt;
}

std::optional<std::string> path_of(JsonReader& r) {
  auto p = r.string("path");
  if (p && (p->empty() || p->front() != '/')) {
    r.errors().add(r.path("path"), "\"" + *p + "\" must start with /");
    return std::nullopt;
  }
  return p;
}

expect::Direct direct(JsonReader& r) {
  expect::Direct d;
  if (auto s = selector(r, "replica", true)) d.replica = *s;
  if (auto p = port_of(r)) d.port = *p;
  if (auto m = r.string("method")) d.method = *m;
  if (auto p = path_of(r)) d.path = *p;
  if (auto s = r.integer("status", 100, 599)) d.status = static_cast<int>(*s);
  if (const json* j = r.get("json")) d.json = *j;
  d.body_contains = r.string("body_contains");
  static const std::vector<std::string> outcomes = {"answered", "refused", "connect_timeout", "reset",
                                                    "empty_reply", "timeout", "not_http", "tls_failed"};
  if (auto c = r.string("outcome")) {
    if (std::find(outcomes.begin(), outcomes.end(), *c) != outcomes.end()) d.outcome = *c;
    else
      r.errors().add(r.path("outcome"), "\"" + *c + "\" is not one of answered, refused, connect_timeout, "
                                        "reset, empty_reply, timeout, not_http, tls_failed");
  }
  if (auto v = r.integer("min_ms", 0, 86'400'000)) d.min_ms = static_cast<long>(*v);
  if (auto v = r.integer("max_ms", 0, 86'400'000)) d.max_ms = static_cast<long>(*v);
  if (d.min_ms && d.max_ms && *d.min_ms > *d.max_ms)
    r.errors().add(r.path("min_ms"), std::to_string(*d.min_ms) + " is more than max_ms (" +
                                         std::to_string(*d.max_ms) + "): it could never hold");
  if (auto v = r.integer("timeout_ms", 1, 3'600'000)) d.timeout_ms = static_cast<long>(*v);
  if (auto v = r.string("tls_verify")) {
    if (*v == "ok" || *v == "expired" || *v == "wrong_host" || *v == "untrusted") d.tls_verify = *v;
    else r.errors().add(r.path("tls_verify"), "\"" + *v + "\" is not one of ok, expired, wrong_host, untrusted");
  }
  if (d.tls_verify && d.port != Port::https)
    r.errors().add(r.path("tls_verify"), "needs \"port\": \"https\"");
  r.finish("replica, port, method, path, status, json, body_contains, outcome, min_ms, max_ms, timeout_ms, "
           "tls_verify");
  return d;
}

expect::ViaLb via_lb(JsonReader& r) {
  expect::ViaLb v;
  if (auto via = r.string("via"); via && *via != "lb")
    r.errors().add(r.path("via"), "must be \"lb\" (got \"" + *via + "\")");
  if (auto p = port_of(r)) v.port = *p;
  if (auto p = path_of(r)) v.path = *p;
  if (auto n = r.integer("requests", 1, 10000)) v.requests = static_cast<int>(*n);
  v.reaches = selectors(r, "reaches");
  v.avoids = selectors(r, "avoids");
  if (auto s = r.integer("status", 100, 599)) v.status = static_cast<int>(*s);
  auto max = r.integer("max_failures", 0, 10000), min = r.integer("min_failures", 0, 10000);
  if (max) v.max_failures = static_cast<int>(*max);
  if (min) v.min_failures = static_cast<int>(*min);
  if (v.min_failures > v.requests)
    r.errors().add(r.path("min_failures"), "is more than the " + std::to_string(v.requests) + " requests");
  else if (min && max && *min > *max)
    r.errors().add(r.path("min_failures"), std::to_string(*min) + " is more than max_failures (" +
                                               std::to_string(*max) + "): it could never hold");
  else if (v.min_failures > 0 && !max)
    v.max_failures = v.requests;  // "at least N fail" alone lets any number fail
  r.finish("via, port, path, requests, reaches, avoids, status, max_failures, min_failures");
  return v;
}

expect::Journal journal(JsonReader& r) {
  expect::Journal e;
  e.replica = selector(r, "replica", false);
  e.port = port_of(r);
  e.method = r.string("method");
  e.path = path_of(r);
  e.event = r.string("event");
  if (auto s = r.integer("status", 0, 599)) e.status = static_cast<int>(*s);
  auto min_count = r.integer("min_count", 0, 100'000'000);
  if (auto n = r.integer("max_count", 0, 100'000'000)) {
    e.max_count = static_cast<int>(*n);
    e.min_count = 0;  // "at most N" alone does not also mean "at least one"
  }
  if (min_count) e.min_count = static_cast<int>(*min_count);
  if (min_count && e.max_count && *min_count > *e.max_count)
    r.errors().add(r.path("min_count"), std::to_string(*min_count) + " is more than max_count (" +
                                            std::to_string(*e.max_count) + "): it could never hold");
  e.max_interval = r.duration("max_interval");
  if (auto since = r.string("since")) {
    if (*since == "step") e.since_step = true;
    else if (*since != "start")
      r.errors().add(r.path("since"), "must be \"start\" or \"step\" (got \"" + *since + "\")");
  }
  if (auto own = r.boolean("include_own")) e.include_own = *own;
  r.finish("replica, port, method, path, event, status, min_count, max_count, max_interval, since, include_own");
  return e;
}

expect::ClusterStatus cluster_status(JsonReader& r) {
  expect::ClusterStatus c;
  if (auto s = selector(r, "replica", true)) c.replica = *s;
  if (auto s = r.integer("status", 100, 599)) c.status = static_cast<int>(*s);
  if (const json* h = r.get("replica_health")) {
    if (!h->is_object()) r.errors().add(r.path("replica_health"), "must be an object: replica -> \"OK\" or {\"contains\": text}");
    else
      for (const auto& [key, value] : h->items()) {
        expect::HealthMatch m;
        if (value.is_string()) m.equals = value.get<std::string>();
        else if (value.is_object() && value.size() == 1 && value.contains("contains") && value["contains"].is_string())
          m.contains = value["contains"].get<std::string>();
        else {
          r.errors().add(r.path("replica_health") + "." + key, "must be a string or {\"contains\": text}");
          continue;
        }
        json sel = key;
        if (!key.empty() && key.size() < 7 && key.find_first_not_of("0123456789") == std::string::npos)
          sel = std::stoi(key);
        c.replica_health.push_back({ReplicaSelector{sel}, m});
      }
  }
  c.stale = selectors(r, "stale");
  c.fresh = selectors(r, "fresh");
  r.finish("replica, status, replica_health, stale, fresh");
  return c;
}

expect::Haproxy haproxy(JsonReader& r) {
  expect::Haproxy h;
  for (auto [key, out] : {std::pair{"socket", &h.socket}, {"backend", &h.backend}, {"server", &h.server}, {"status", &h.status}})
    if (auto v = r.string(key, true)) *out = *v;
  r.finish("socket, backend, server, status");
  return h;
}

std::string replica_text(const ReplicaSelector& s) { return s.text(); }

std::string list_text(const std::vector<ReplicaSelector>& v) {
  std::string out;
  for (const auto& s : v) append_item(out, replica_text(s), ",");
  return "[" + out + "]";
}

} // namespace

std::optional<Expectation> parse_expectation(const json& j, const std::string& path, Errors& errors) {
  size_t before = errors.size();
  Expectation out;
  if (!j.is_object()) {
    errors.add(path, "must be an object");
    return std::nullopt;
  }
  if (j.contains("via")) {
    JsonReader r(j, path, errors);
    out = via_lb(r);
  } else if (j.contains("journal") || j.contains("cluster_status") || j.contains("haproxy")) {
    if (j.size() != 1) {
      errors.add(path, "a journal, cluster_status or haproxy expectation is an object with that one key");
      return std::nullopt;
    }
    auto first = j.begin();
    const std::string key = first.key();
    const json& inner = first.value();
    JsonReader r(inner, path + "." + key, errors);
    if (!r.ok()) return std::nullopt;
    if (key == "journal") out = journal(r);
    else if (key == "cluster_status") out = cluster_status(r);
    else out = haproxy(r);
  } else {
    JsonReader r(j, path, errors);
    out = direct(r);
  }
  if (errors.size() != before) return std::nullopt;
  return out;
}

std::vector<std::pair<ReplicaSelector, std::string>> expectation_replicas(const Expectation& e,
                                                                          const std::string& path) {
  std::vector<std::pair<ReplicaSelector, std::string>> out;
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, expect::Direct>) {
          out.push_back({v.replica, path + ".replica"});
        } else if constexpr (std::is_same_v<T, expect::ViaLb>) {
          for (size_t i = 0; i < v.reaches.size(); ++i)
            out.push_back({v.reaches[i], path + ".reaches[" + std::to_string(i) + "]"});
          for (size_t i = 0; i < v.avoids.size(); ++i)
            out.push_back({v.avoids[i], path + ".avoids[" + std::to_string(i) + "]"});
        } else if constexpr (std::is_same_v<T, expect::Journal>) {
          if (v.replica) out.push_back({*v.replica, path + ".journal.replica"});
        } else if constexpr (std::is_same_v<T, expect::ClusterStatus>) {
          out.push_back({v.replica, path + ".cluster_status.replica"});
          for (const auto& [sel, m] : v.replica_health)
            out.push_back({sel, path + ".cluster_status.replica_health." + sel.text()});
          for (const auto& s : v.stale) out.push_back({s, path + ".cluster_status.stale"});
          for (const auto& s : v.fresh) out.push_back({s, path + ".cluster_status.fresh"});
        }
      },
      e);
  return out;
}

std::string Step::summary() const {
  if (is_command()) {
    json c = to_json(std::get<Command>(action));
    std::string out = c["do"];
    auto add = [&out](const std::string& k, const json& v) {
      out += " " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    };
    if (c.contains("replica")) add("replica", c["replica"]);
    for (const auto& [k, v] : c.items()) {
      if (k == "do" || k == "replica") continue;
      if (k != "fault") {
        add(k, v);
        continue;
      }
      add("type", v["type"]);  // a fault reads as its type, then its attributes
      for (const auto& [fk, fv] : v.items())
        if (fk != "type") add(fk, fv);
    }
    return out;
  }
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, expect::Direct>) {
          std::string s = "expect replica " + replica_text(v.replica) + " " +
                          std::string(port_name(v.port)) + " " + v.method + " " + v.path;
          if (v.outcome != "answered") return s + " -> " + v.outcome;
          if (v.status) s += " status " + std::to_string(*v.status);
          if (v.tls_verify) s += " cert " + *v.tls_verify;
          return s;
        } else if constexpr (std::is_same_v<T, expect::ViaLb>) {
          std::string s = "expect lb " + std::string(port_name(v.port)) + " " + v.path + " x" +
                          std::to_string(v.requests);
          if (!v.reaches.empty()) s += " reaches " + list_text(v.reaches);
          if (!v.avoids.empty()) s += " avoids " + list_text(v.avoids);
          if (v.min_failures) s += " fails >= " + std::to_string(v.min_failures);
          return s;
        } else if constexpr (std::is_same_v<T, expect::Journal>) {
          std::string s = "expect journal";
          if (v.replica) s += " replica " + replica_text(*v.replica);
          if (v.port) s += " " + std::string(port_name(*v.port));
          if (v.path) s += " " + *v.path;
          if (v.event) s += " event " + *v.event;
          if (v.max_interval) s += " every <= " + format_duration(*v.max_interval);
          if (v.include_own) s += " including dtrsim's own";
          return s;
        } else if constexpr (std::is_same_v<T, expect::ClusterStatus>) {
          return "expect cluster_status from replica " + replica_text(v.replica) + " status " +
                 std::to_string(v.status);
        } else {
          return "expect haproxy " + v.backend + "/" + v.server + " " + v.status;
        }
      },
      std::get<Expectation>(action));
}

} // namespace dtrsim
