// Evaluation of expectations over real sockets.
#include "expectations.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "dtrsim/apply.hpp"
#include "dtrsim/auth.hpp"
#include "../net/http_probe.hpp"
#include <openssl/x509_vfy.h>
#include "dtrsim/text.hpp"
#include "utf8.hpp"

namespace dtrsim {

const char* const kScenarioUserAgent = "dtrsim-scenario/" DTRSIM_VERSION;

namespace {

using nlohmann::json;

// The one replica `sel` names ("*" is expanded by every_replica before).
const ReplicaState& replica_of(const ClusterState& s, const ReplicaSelector& sel) {
  return *s.find(resolve_replicas(s, sel).front());
}

// An expectation of one replica that names "*" holds when it holds for each replica of the
// cluster at that moment: it is checked once per replica, with one entry per replica in
// `measured`. `set` points a copy of the expectation at one replica.
template <class T, class Set>
Outcome every_replica(const T& e, const ReplicaSelector* sel, ExpectContext& ctx,
                      Outcome (*check)(const T&, ExpectContext&), Set set) {
  if (!sel || !sel->all()) return check(e, ctx);
  Outcome all{true, "", nlohmann::json::object()};
  for (const auto& r : ctx.cluster.state()->replicas) {
    T one = e;
    set(one, ReplicaSelector{r.number});
    Outcome o = check(one, ctx);
    all.ok = all.ok && o.ok;
    bool named = o.detail.rfind(r.name, 0) == 0 && o.detail.size() > r.name.size() &&
                 (o.detail[r.name.size()] == ' ' || o.detail[r.name.size()] == ':');
    append_item(all.detail, named ? o.detail : r.name + ": " + o.detail, " | ");
    all.measured[r.name] = o.measured;
  }
  return all;
}

std::string body_excerpt(const std::string& body) { return utf8_excerpt(body, 160); }

long verify_code(const std::string& name) {
  if (name == "expired") return X509_V_ERR_CERT_HAS_EXPIRED;
  if (name == "wrong_host") return X509_V_ERR_HOSTNAME_MISMATCH;
  if (name == "untrusted") return X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
  return X509_V_OK;
}

bool verify_matches(long result, const std::string& expected) {
  if (expected == "wrong_host") return result == X509_V_ERR_HOSTNAME_MISMATCH || result == X509_V_ERR_IP_ADDRESS_MISMATCH;
  return result == verify_code(expected);
}

Outcome direct(const expect::Direct& e, ExpectContext& ctx) {
  Outcome o;
  StatePtr state = ctx.cluster.state();
  const ReplicaState& r = replica_of(*state, e.replica);
  net::ProbeRequest req;
  req.address = r.address;
  req.port = e.port == Port::https ? r.https_port : r.http_port;
  req.tls = e.port == Port::https;
  req.method = e.method;
  req.path = e.path;
  req.headers = {{"User-Agent", kScenarioUserAgent}};
  req.ca_pem = ctx.cluster.ca_pem();
  req.connect_timeout = std::chrono::seconds(1);
  req.read_timeout = std::chrono::milliseconds(e.timeout_ms);
  net::ProbeResult res = net::probe(req);
  std::string seen(net::observed_name(res.observed));
  o.measured = {{"outcome", seen}, {"ms", res.ms}};
  std::string target = r.name + " " + std::string(port_name(e.port)) + " " + e.path;
  std::vector<std::string> wrong;
  if (seen != e.outcome) wrong.push_back("expected " + e.outcome);
  if (res.observed == net::Observed::answered) {
    o.measured["status"] = res.status;
    o.measured["body"] = body_excerpt(res.body);
    o.detail = target + " answered " + std::to_string(res.status) + " in " +
               std::to_string(static_cast<long>(res.ms)) + "ms";
    if (e.status && res.status != *e.status)
      wrong.push_back("status " + std::to_string(res.status) + ", expected " + std::to_string(*e.status));
    if (e.json) {
      json body = json::parse(res.body, nullptr, false);
      if (body.is_discarded() || !json_contains(body, *e.json))
        wrong.push_back("body " + body_excerpt(res.body) + " does not contain " + e.json->dump());
    }
    if (e.body_contains && res.body.find(*e.body_contains) == std::string::npos)
      wrong.push_back("body " + body_excerpt(res.body) + " lacks \"" + *e.body_contains + "\"");
  } else {
    o.detail = target + ": " + seen + " (" + res.detail + ") after " +
               std::to_string(static_cast<long>(res.ms)) + "ms";
  }
  if (req.tls && res.verify_result >= 0) {
    o.measured["tls_verify"] = res.verify_error;
    o.detail += "; certificate: " + res.verify_error;
    if (e.tls_verify && !verify_matches(res.verify_result, *e.tls_verify))
      wrong.push_back("certificate check \"" + res.verify_error + "\", expected " + *e.tls_verify);
  } else if (e.tls_verify) {
    wrong.push_back("no certificate was received");
  }
  if (e.min_ms && res.ms < static_cast<double>(*e.min_ms))
    wrong.push_back("took less than " + std::to_string(*e.min_ms) + "ms");
  if (e.max_ms && res.ms > static_cast<double>(*e.max_ms))
    wrong.push_back("took more than " + std::to_string(*e.max_ms) + "ms");
  o.ok = wrong.empty();
  for (const auto& w : wrong) o.detail += "; " + w;
  return o;
}

Outcome via_lb(const expect::ViaLb& e, ExpectContext& ctx) {
  Outcome o;
  const std::string& url = e.port == Port::https ? ctx.lb_https : ctx.lb_http;
  StatePtr state = ctx.cluster.state();
  std::map<std::string, std::string> name_of;  // id -> replica-N
  for (const auto& r : state->replicas) name_of[r.id] = r.name;
  std::map<std::string, int> answered, statuses, errors;
  int failures = 0;
  std::vector<std::string> wrong_status;
  std::string port(port_name(e.port));
  std::optional<LbUrl> lb = parse_lb_url(url, port, false);
  if (!lb) {
    o.checkable = false;
    o.detail = "not checkable: " + (url.empty() ? "no load balancer URL for " + port + " (pass --lb-" + port + ")"
                                                : lb_url_problem(url, port, false));
    return o;
  }
  net::ProbeRequest req;
  req.address = lb->host;
  req.port = lb->port;
  req.tls = e.port == Port::https;
  req.path = e.path;
  req.host_header = ctx.cluster.config().dtr_fqdn;
  req.headers = {{"User-Agent", kScenarioUserAgent}};
  for (int i = 0; i < e.requests; ++i) {
    net::ProbeResult res = net::probe(req);
    if (res.observed != net::Observed::answered) {
      ++failures;
      ++errors[std::string(net::observed_name(res.observed))];
      continue;
    }
    std::string id = res.header("x-dtrsim-replica");
    std::string who = name_of.count(id) ? name_of[id] : (id.empty() ? "unknown" : id);
    ++answered[who];
    ++statuses[std::to_string(res.status)];
    if (e.status && res.status != *e.status) wrong_status.push_back(who + " " + std::to_string(res.status));
  }
  std::vector<std::string> wrong;
  for (const auto& sel : e.reaches) {
    const std::string& name = replica_of(*state, sel).name;
    if (!answered.count(name)) wrong.push_back(name + " got none");
  }
  for (const auto& sel : e.avoids) {
    const std::string& name = replica_of(*state, sel).name;
    if (answered.count(name))
      wrong.push_back(name + " answered " + std::to_string(answered[name]));
  }
  if (!wrong_status.empty())
    wrong.push_back(std::to_string(wrong_status.size()) + " answers were not " + std::to_string(*e.status) +
                    " (" + wrong_status.front() + ")");
  if (failures > e.max_failures)
    wrong.push_back(std::to_string(failures) + " requests failed (" + errors.begin()->first + ")");
  if (failures < e.min_failures)
    wrong.push_back("only " + std::to_string(failures) + " of " + std::to_string(e.requests) +
                    " requests failed, expected at least " + std::to_string(e.min_failures));
  std::string spread;
  for (const auto& [who, n] : answered) append_item(spread, who + " " + std::to_string(n), ", ");
  if (failures) append_item(spread, std::string("failed ") + std::to_string(failures), ", ");
  o.ok = wrong.empty();
  o.detail = std::to_string(e.requests) + " requests: " + (spread.empty() ? "none answered" : spread);
  for (const auto& w : wrong) o.detail += "; " + w;
  o.measured = {{"answered", answered}, {"statuses", statuses}, {"failures", failures}, {"errors", errors}};
  return o;
}

Outcome journal(const expect::Journal& e, ExpectContext& ctx) {
  Outcome o;
  StatePtr state = ctx.cluster.state();
  JournalQuery q;
  q.since = e.since_step ? ctx.step_start : ctx.scenario_start;
  q.limit = 1'000'000;
  if (e.replica) q.replica = resolve_replicas(*state, *e.replica).front();
  std::vector<SysTime> times;
  std::map<std::string, int> peers;
  int own = 0;  // matching requests the scenario sent itself, left out
  for (const auto& entry : ctx.cluster.journal().query(q)) {
    const ExchangeRecord& r = entry.record;
    if ((e.port && r.port != *e.port) || (e.method && r.method != *e.method) ||
        (e.path && r.path != *e.path) || (e.event && r.event != *e.event) ||
        (e.status && r.status != *e.status))
      continue;
    if (!e.include_own && r.user_agent == kScenarioUserAgent) {
      ++own;
      continue;
    }
    times.push_back(r.time);
    ++peers[r.peer.substr(0, r.peer.rfind(':'))];
  }
  int count = static_cast<int>(times.size());
  double max_gap = 0, median = 0;
  std::vector<double> gaps;
  for (size_t i = 1; i < times.size(); ++i)
    gaps.push_back(std::chrono::duration<double, std::milli>(times[i] - times[i - 1]).count());
  if (!gaps.empty()) {
    max_gap = *std::max_element(gaps.begin(), gaps.end());
    std::vector<double> sorted = gaps;
    std::sort(sorted.begin(), sorted.end());
    median = sorted[sorted.size() / 2];
  }
  double since_last = times.empty() ? 0 : std::chrono::duration<double, std::milli>(SysTime(std::chrono::system_clock::now()) - times.back()).count();
  std::vector<std::string> wrong;
  if (count < e.min_count) wrong.push_back("expected at least " + std::to_string(e.min_count));
  if (e.max_count && count > *e.max_count) wrong.push_back("expected at most " + std::to_string(*e.max_count));
  if (e.max_interval && count > 0) {
    double limit = static_cast<double>(e.max_interval->count());
    if (max_gap > limit) wrong.push_back("a gap of " + std::to_string(static_cast<long>(max_gap)) + "ms");
    if (since_last > limit) wrong.push_back("none for the last " + std::to_string(static_cast<long>(since_last)) + "ms");
  }
  o.ok = wrong.empty();
  o.detail = std::to_string(count) + " matching entries";
  if (own) o.detail += " (and " + std::to_string(own) + " of dtrsim's own requests, left out)";
  if (count > 1) o.detail += ", every " + std::to_string(static_cast<long>(median)) + "ms (max gap " +
                             std::to_string(static_cast<long>(max_gap)) + "ms)";
  if (!peers.empty()) {
    std::string from;
    for (const auto& [p, n] : peers) append_item(from, p, ", ");
    o.detail += " from " + from;
  }
  for (const auto& w : wrong) o.detail += "; " + w;
  o.measured = {{"count", count}, {"median_interval_ms", median}, {"max_interval_ms", max_gap}, {"peers", peers},
                {"own_left_out", own}};
  return o;
}

Outcome cluster_status(const expect::ClusterStatus& e, ExpectContext& ctx) {
  Outcome o;
  StatePtr state = ctx.cluster.state();
  const ReplicaState& r = replica_of(*state, e.replica);
  const Account& admin = ctx.cluster.config().admin;
  net::ProbeRequest req;
  req.address = r.address;
  req.port = r.https_port;
  req.tls = true;
  req.path = "/api/v0/meta/cluster_status";
  req.headers = {{"Authorization", "Basic " + base64_encode(admin.user + ":" + admin.password)},
                 {"User-Agent", kScenarioUserAgent}};
  net::ProbeResult res = net::probe(req);
  if (res.observed != net::Observed::answered) {
    o.detail = r.name + ": " + std::string(net::observed_name(res.observed)) + " (" + res.detail + ")";
    return o;
  }
  std::vector<std::string> wrong;
  if (res.status != e.status)
    wrong.push_back("status " + std::to_string(res.status) + ", expected " + std::to_string(e.status));
  json body = json::parse(res.body, nullptr, false);
  json health = body.is_object() ? body.value("replica_health", json::object()) : json::object();
  json stamps = body.is_object() ? body.value("replica_timestamp", json::object()) : json::object();
  for (const auto& [sel, match] : e.replica_health)
    for (int n : resolve_replicas(*state, sel)) {  // "*": every replica
      const ReplicaState& subject = *state->find(n);
      std::string seen = health.contains(subject.id) ? health[subject.id].get<std::string>() : "(absent)";
      if ((match.equals && seen != *match.equals) || (match.contains && seen.find(*match.contains) == std::string::npos))
        wrong.push_back(subject.name + " is \"" + seen + "\"");
    }
  auto age_of = [&](const ReplicaState& subject) -> double {
    SysTime t;
    if (!stamps.contains(subject.id) || !parse_rfc3339(stamps[subject.id].get<std::string>(), t)) return 1e18;
    return std::chrono::duration<double, std::milli>(SysTime(std::chrono::system_clock::now()) - t).count();
  };
  double stale_after = std::max<double>(3.0 * static_cast<double>(ctx.cluster.config().heartbeat.count()), 2000.0);
  for (const auto& sel : e.stale)
    if (age_of(replica_of(*state, sel)) <= stale_after) wrong.push_back(replica_of(*state, sel).name + " is not stale");
  for (const auto& sel : e.fresh)
    if (age_of(replica_of(*state, sel)) > stale_after) wrong.push_back(replica_of(*state, sel).name + " is stale");
  o.ok = wrong.empty();
  o.detail = r.name + " answered " + std::to_string(res.status) + ", replica_health " + health.dump();
  for (const auto& w : wrong) o.detail += "; " + w;
  o.measured = {{"status", res.status}, {"replica_health", health}, {"replica_timestamp", stamps}};
  return o;
}

Outcome haproxy(const expect::Haproxy& e, ExpectContext& ctx) {
  Outcome o;
  std::string path = ctx.substitute ? ctx.substitute(e.socket) : e.socket;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path.c_str());
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    if (fd >= 0) ::close(fd);
    o.detail = "cannot connect to HAProxy's stats socket " + path;
    return o;
  }
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const char cmd[] = "show stat\n";
  ::send(fd, cmd, sizeof cmd - 1, MSG_NOSIGNAL);
  std::string csv;
  char buf[8192];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) csv.append(buf, static_cast<size_t>(n));
  ::close(fd);
  std::string status = haproxy_status(csv, e.backend, e.server);
  std::string first = status.substr(0, status.find(' '));
  o.ok = !status.empty() && iequals(first, e.status);
  o.detail = "HAProxy says " + e.backend + "/" + e.server + " is " + (status.empty() ? "(not found)" : status);
  o.measured = {{"status", status}};
  return o;
}

} // namespace

bool json_contains(const json& whole, const json& subset) {
  if (subset.is_object()) {
    if (!whole.is_object()) return false;
    for (const auto& [k, v] : subset.items())
      if (!whole.contains(k) || !json_contains(whole[k], v)) return false;
    return true;
  }
  return whole == subset;
}

std::string haproxy_status(const std::string& csv, const std::string& backend,
                           const std::string& server) {
  std::stringstream lines(csv);
  std::string line;
  int status_col = -1;
  while (std::getline(lines, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line.rfind("# ", 0) == 0 ? line.substr(2) : line);
    std::string c;
    while (std::getline(ss, c, ',')) cols.push_back(c);
    if (line.rfind("# ", 0) == 0) {
      for (size_t i = 0; i < cols.size(); ++i)
        if (cols[i] == "status") status_col = static_cast<int>(i);
      continue;
    }
    if (status_col >= 0 && cols.size() > static_cast<size_t>(status_col) && cols[0] == backend &&
        cols[1] == server)
      return cols[static_cast<size_t>(status_col)];
  }
  return "";
}

Outcome evaluate(const Expectation& e, ExpectContext& ctx) {
  try {
    return std::visit(
        [&](const auto& v) -> Outcome {
          using T = std::decay_t<decltype(v)>;
          auto point = [](auto& one, ReplicaSelector r) { one.replica = std::move(r); };
          if constexpr (std::is_same_v<T, expect::Direct>) return every_replica(v, &v.replica, ctx, &direct, point);
          else if constexpr (std::is_same_v<T, expect::ViaLb>) return via_lb(v, ctx);
          else if constexpr (std::is_same_v<T, expect::Journal>)
            return every_replica(v, v.replica ? &*v.replica : nullptr, ctx, &journal, point);
          else if constexpr (std::is_same_v<T, expect::ClusterStatus>)
            return every_replica(v, &v.replica, ctx, &cluster_status, point);
          else return haproxy(v, ctx);
        },
        e);
  } catch (const CommandError& err) {
    return Outcome{false, err.message(), nullptr};  // e.g. the replica was removed meanwhile
  }
}

} // namespace dtrsim
