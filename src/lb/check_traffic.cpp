// Traffic through the load balancer: it reaches every healthy replica on both ports, HTTPS is
// passed through (the certificate is a replica's own), and the Host header is not rewritten.
#include <random>

#include "lb_context.hpp"

namespace dtrsim::lb {
namespace {

// Protocol mistakes the replicas saw since the checks began: swapped upstreams show up here.
std::map<std::string, int> events_since_start(Context& c) {
  std::map<std::string, int> out;
  for (const auto& e : c.journal_since_start())
    if (e.contains("event")) ++out[e["event"].get<std::string>()];
  return out;
}

std::string swapped_note(const std::map<std::string, int>& events, Port p) {
  auto n = [&](const char* e) { auto it = events.find(e); return it == events.end() ? 0 : it->second; };
  if (p == Port::https && n("tls_on_http_port"))
    return "; the replicas saw TLS on their HTTP ports " + std::to_string(n("tls_on_http_port")) +
           " times: the HTTPS side of the load balancer points at port 80 (swapped upstreams)";
  if (p == Port::http && n("plain_http_on_https_port"))
    return "; the replicas saw plain HTTP on their HTTPS ports " + std::to_string(n("plain_http_on_https_port")) +
           " times: the HTTP side of the load balancer points at port 443 (swapped upstreams)";
  return "";
}

std::string short_fp(const std::string& fp) {
  return fp.size() > 17 ? fp.substr(0, 11) + "..." + fp.substr(fp.size() - 5) : fp;
}

} // namespace

CheckResult check_traffic(Context& c) {
  CheckResult r = make_result("traffic", "traffic reaches every replica");
  std::string path = c.cluster.value("health_path", std::string("/_ping"));
  std::vector<std::string> problems, parts;
  for (Port p : c.ports()) {
    std::string port(port_name(p));
    // Only a healthy replica's own answer to the health path counts as reaching it: a replica
    // that answers 400 because TLS or plain HTTP arrived on the wrong one of its ports was
    // reached over the wrong protocol (swapped upstreams), not served.
    std::map<std::string, int> tally, failures, wrong;  // replica -> 200s; observed -> n; "replica-1 400" -> n
    for (int i = 0; i < c.options.requests && !c.aborted(); ++i) {
      net::ProbeResult res = c.get(p, path);
      std::string who = c.who(res);
      if (who.empty()) ++failures[std::string(net::observed_name(res.observed))];
      else if (res.status == 200) ++tally[who];
      else ++wrong[who + " " + std::to_string(res.status)];
    }
    std::string part = port + ":";
    for (const auto& [who, n] : tally) part += " " + who + " " + std::to_string(n);
    int failed = 0, not_ok = 0;
    for (const auto& [kind, n] : failures) failed += n, part += " " + kind + " " + std::to_string(n);
    for (const auto& [what, n] : wrong) not_ok += n, part += " " + what + " x" + std::to_string(n);
    parts.push_back(part);
    for (const auto& name : c.healthy)
      if (!tally.count(name)) problems.push_back(name + " got no " + port + " traffic answered 200");
    if (failed) problems.push_back(std::to_string(failed) + " " + port + " requests failed");
    if (not_ok) problems.push_back(std::to_string(not_ok) + " " + port + " answers were not 200");
    r.measured[port] = {{"answered", tally}, {"failed", failures}, {"not_200", wrong}};
  }
  if (c.ports().size() < 2)
    problems.push_back(std::string("no ") + (c.options.lb_http.empty() ? "--lb-http" : "--lb-https") +
                       ": DTR needs ports 80 and 443 balanced");
  auto events = events_since_start(c);
  std::string notes;
  for (Port p : c.ports()) notes += swapped_note(events, p);
  r.detail = std::to_string(c.options.requests) + " requests per port to " + path + ", ";
  for (size_t i = 0; i < parts.size(); ++i) r.detail += (i ? "; " : "") + parts[i];
  for (const auto& pr : problems) r.detail += "; " + pr;
  r.detail += notes;
  if (!problems.empty()) r.verdict = CheckVerdict::fail;
  return r;
}

CheckResult check_tls(Context& c) {
  CheckResult r = make_result("tls", "HTTPS is not terminated");
  if (!c.endpoint(Port::https)) {
    r.verdict = CheckVerdict::skip;
    r.detail = "no --lb-https";
    return r;
  }
  net::ProbeResult res = c.get(Port::https, c.cluster.value("health_path", std::string("/_ping")));
  r.measured = {{"fingerprint", res.fingerprint}, {"observed", std::string(net::observed_name(res.observed))}};
  if (res.fingerprint.empty()) {
    r.verdict = CheckVerdict::fail;
    r.detail = "no TLS handshake through the load balancer: " + res.detail;
    std::map<std::string, int> events;
    for (const auto& e : c.journal_since_start())
      if (e.contains("event")) ++events[e["event"].get<std::string>()];
    r.detail += swapped_note(events, Port::https);
    return r;
  }
  auto it = c.fingerprint_of.find(res.fingerprint);
  if (it != c.fingerprint_of.end()) {
    r.detail = "the certificate through the load balancer is " + it->second + "'s own (SHA-256 " +
               short_fp(res.fingerprint) + "): TLS is passed through";
    r.measured["replica"] = it->second;
    return r;
  }
  r.verdict = CheckVerdict::fail;
  r.detail = "the load balancer presented a certificate no replica has (SHA-256 " + short_fp(res.fingerprint) +
             "): it terminates HTTPS, and DTR needs TCP passthrough";
  return r;
}

CheckResult check_host(Context& c) {
  CheckResult r = make_result("host", "the Host header is forwarded");
  std::mt19937 rng(std::random_device{}());
  std::string sent = "lb-check-" + std::to_string(rng() % 1000000) + ".dtrsim.invalid";
  std::vector<std::string> parts;
  for (Port p : c.ports()) {
    net::ProbeRequest req = c.request(p, "/_dtrsim/echo");
    req.host_header = sent;
    net::ProbeResult res = net::probe(req);
    nlohmann::json echo = nlohmann::json::parse(res.body, nullptr, false);
    std::string port(port_name(p));
    if (res.observed != net::Observed::answered || !echo.is_object() || !echo.contains("host")) {
      r.verdict = CheckVerdict::fail;
      parts.push_back(port + ": no replica echoed the request (" +
                      (res.observed == net::Observed::answered ? "status " + std::to_string(res.status)
                                                               : std::string(net::observed_name(res.observed))) + ")");
      continue;
    }
    std::string seen = echo["host"].is_string() ? echo["host"].get<std::string>() : "(none)";
    r.measured[port] = seen;
    if (seen == sent) parts.push_back(port + ": arrived unchanged");
    else {
      r.verdict = CheckVerdict::fail;
      parts.push_back(port + ": the replica saw Host: " + seen);
    }
  }
  r.detail = "sent Host: " + sent;
  for (const auto& p : parts) r.detail += "; " + p;
  return r;
}

} // namespace dtrsim::lb
