// The shared context of the load-balancer checks.
#include "lb_context.hpp"

#include <cstdio>

#include "dtrsim/clock.hpp"

namespace dtrsim::lb {
namespace {

std::optional<Endpoint> parse(const std::string& url, const std::string& scheme) {
  if (url.empty()) return std::nullopt;
  std::string prefix = scheme + "://";
  if (url.rfind(prefix, 0) != 0) throw std::runtime_error("\"" + url + "\" does not start with " + prefix);
  std::string rest = url.substr(prefix.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos) rest += scheme == "https" ? ":443" : ":80", colon = rest.rfind(':');
  Endpoint e;
  e.address = rest.substr(0, colon);
  if (e.address.size() > 2 && e.address.front() == '[') e.address = e.address.substr(1, e.address.size() - 2);
  if (e.address == "localhost") e.address = "127.0.0.1";
  try {
    e.port = std::stoi(rest.substr(colon + 1));
  } catch (...) {
    throw std::runtime_error("\"" + url + "\" has no port number");
  }
  return e;
}

} // namespace

std::string secs(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fs", ms / 1000.0);
  return buf;
}

Context::Context(const LbCheckOptions& o, ControlClient& ctl) : options(o), control(ctl) {
  parse(o.lb_http, "http");
  parse(o.lb_https, "https");
  cluster = control.cluster();
  started_at = format_rfc3339(std::chrono::system_clock::now(), true);
  for (const auto& r : cluster["replicas"]) {
    name_of_id[r["id"]] = r["name"];
    fingerprint_of[r.value("fingerprint", "")] = r["name"];
    if (r["running"].get<bool>() && r["health"]["status"] == 200) healthy.push_back(r["name"]);
  }
}

std::optional<Endpoint> Context::endpoint(Port p) const {
  return p == Port::http ? parse(options.lb_http, "http") : parse(options.lb_https, "https");
}

std::vector<Port> Context::ports() const {
  std::vector<Port> out;
  if (!options.lb_http.empty()) out.push_back(Port::http);
  if (!options.lb_https.empty()) out.push_back(Port::https);
  return out;
}

net::ProbeRequest Context::request(Port p, const std::string& path) const {
  Endpoint e = *endpoint(p);
  net::ProbeRequest r;
  r.address = e.address;
  r.port = e.port;
  r.tls = p == Port::https;
  r.path = path;
  r.host_header = cluster.value("dtr_fqdn", std::string("dtr.example.com"));
  r.headers = {{"User-Agent", kUserAgent}};
  r.connect_timeout = std::chrono::seconds(3);
  r.read_timeout = std::chrono::seconds(5);
  return r;
}

net::ProbeResult Context::get(Port p, const std::string& path) const { return net::probe(request(p, path)); }

std::string Context::who(const net::ProbeResult& r) const {
  if (r.observed != net::Observed::answered) return "";
  std::string id = r.header("x-dtrsim-replica");
  auto it = name_of_id.find(id);
  return it != name_of_id.end() ? it->second : "unknown";
}

nlohmann::json Context::journal_since_start() const {
  return control.journal("since=" + started_at + "&limit=100000")["entries"];
}

} // namespace dtrsim::lb
