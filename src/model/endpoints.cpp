// The data plane's route table (see endpoints.hpp for the list).
#include "dtrsim/endpoints.hpp"

#include <nlohmann/json.hpp>

#include "dtrsim/cluster_status.hpp"
#include "dtrsim/health.hpp"
#include "dtrsim/quorum.hpp"

namespace dtrsim {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain; charset=utf-8";

HttpResponse make(int status, std::string_view type, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.push_back({"Content-Type", std::string(type)});
  r.body = std::move(body);
  return r;
}

std::string host_of(const HttpRequest& req, const ReplicaContext& ctx) {
  if (const std::string* h = req.header("Host"); h && !h->empty()) return *h;
  bool v6 = ctx.replica.address.find(':') != std::string::npos;
  std::string addr = v6 ? "[" + ctx.replica.address + "]" : ctx.replica.address;
  int port = ctx.port == Port::http ? ctx.replica.http_port : ctx.replica.https_port;
  return addr + ":" + std::to_string(port);
}

std::string strip_port(const std::string& host) {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    return close == std::string::npos ? host : host.substr(0, close + 1);
  }
  size_t colon = host.find(':');
  return colon == std::string::npos ? host : host.substr(0, colon);
}

HttpResponse redirect_to_https(const HttpRequest& req, const ReplicaContext& ctx) {
  HttpResponse r = make(301, "text/html", nginx_error_page(301));
  r.set_header("Location", "https://" + strip_port(host_of(req, ctx)) + ":" +
                               std::to_string(ctx.replica.https_port) + req.target);
  return r;
}

HttpResponse health_response(const ReplicaContext& ctx) {
  Health h = replica_health(ctx.state, ctx.replica, ctx.now);
  if (h.kind == HealthKind::bad_gateway) return make(502, "text/html", nginx_error_page(502));
  return make(h.status(), kJson, health_json(h.kind == HealthKind::healthy, h.error));
}

HttpResponse lb_status_response(const ReplicaContext& ctx) {
  Health h = replica_health(ctx.state, ctx.replica, ctx.now);
  if (h.kind == HealthKind::bad_gateway) return make(502, "text/html", nginx_error_page(502));
  std::string table = "SERVICE     STATUS\n";
  for (Service s : kAllServices) {
    if (s == Service::api) continue;
    std::string err;
    std::string name(service_name(s));
    table += name + std::string(12 - name.size(), ' ');
    table += service_failed(ctx.replica, s, ctx.now, &err) ? "failed: " + err : "ok";
    table += '\n';
  }
  Quorum q = quorum_of(ctx.state, ctx.replica, ctx.now);
  table += "quorum      " + std::string(q.ok() ? "ok" : "lost") + " (" +
           std::to_string(q.reachable) + " of " + std::to_string(q.size) +
           " replicas reachable)\n";
  return make(h.status(), kText, std::move(table));
}

HttpResponse nginx_status_response(const ReplicaContext& ctx) {
  const NginxCounters& c = ctx.nginx;
  std::string body = "Active connections: " + std::to_string(c.active()) +
                     " \nserver accepts handled requests\n " + std::to_string(c.accepts) + " " +
                     std::to_string(c.handled) + " " + std::to_string(c.requests) +
                     " \nReading: " + std::to_string(c.reading) +
                     " Writing: " + std::to_string(c.writing) +
                     " Waiting: " + std::to_string(c.waiting) + " \n";
  return make(200, "text/plain", std::move(body));
}

HttpResponse cluster_status_response(const HttpRequest& req, const ReplicaContext& ctx) {
  if (service_failed(ctx.replica, Service::api, ctx.now))
    return make(502, "text/html", nginx_error_page(502));
  AuthResult auth = ctx.accounts.check(req.header("Authorization"));
  if (auth == AuthResult::none || auth == AuthResult::bad_credentials) {
    HttpResponse r = make(401, kJson,
                          api_errors_json("NOT_AUTHENTICATED", "The client is not authenticated."));
    r.set_header("WWW-Authenticate", "Basic realm=\"dtr\"");
    return r;
  }
  if (auth != AuthResult::admin)
    return make(403, kJson, api_errors_json("NOT_AUTHORIZED", "The client is not authorized."));
  Quorum q = quorum_of(ctx.state, ctx.replica, ctx.now);
  if (!q.ok())
    return make(503, kJson,
                api_errors_json("INTERNAL_ERROR",
                                "internal server error: quorum lost (" +
                                    std::to_string(q.reachable) + " of " +
                                    std::to_string(q.size) + " replicas reachable)"));
  return make(200, kJson, cluster_status_json(ctx.state, ctx.replica, ctx.now).dump());
}

HttpResponse registry_challenge(const HttpRequest& req, const ReplicaContext& ctx) {
  HttpResponse r = make(401, kJson,
                        R"({"errors":[{"code":"UNAUTHORIZED","message":"access to the requested )"
                        R"(resource is not authorized","detail":null}]})");
  std::string host = host_of(req, ctx);
  r.set_header("WWW-Authenticate",
               "Bearer realm=\"https://" + host + "/auth/token\",service=\"" + host + "\"");
  r.set_header("Docker-Distribution-Api-Version", "registry/2.0");
  return r;
}

HttpResponse method_not_allowed() {
  HttpResponse r = make(405, kJson, api_errors_json("NOT_ALLOWED", "Method Not Allowed"));
  r.set_header("Allow", "GET, HEAD");
  return r;
}

enum class Route { none, health, lb_status, nginx_status, ca, cluster_status, registry, echo, upload };

Route route_of(const Profile& profile, std::string_view path) {
  if ((path == "/_ping" && profile.serves_ping) || path == "/health") return Route::health;
  if (path == "/load_balancer_status" && profile.serves_lb_status) return Route::lb_status;
  if (path == "/nginx_status") return Route::nginx_status;
  if (path == "/ca") return Route::ca;
  if (path == "/api/v0/meta/cluster_status") return Route::cluster_status;
  if (path == "/v2/" || path == "/v2") return Route::registry;
  if (path == "/_dtrsim/echo") return Route::echo;
  if (path == "/_dtrsim/upload") return Route::upload;
  return Route::none;
}

// Paths the HTTP port answers itself instead of redirecting ("can also be used for unencrypted
// health checks").
bool served_on_http(Route r) {
  return r == Route::health || r == Route::lb_status || r == Route::nginx_status || r == Route::ca ||
         r == Route::echo || r == Route::upload;
}

// What reached the replica: the Host header (null when absent), the other headers, the peer.
HttpResponse echo_response(const HttpRequest& req, const ReplicaContext& ctx) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& h : req.headers) headers[h.name] = h.value;
  const std::string* host = req.header("Host");
  nlohmann::json body = {{"replica", ctx.replica.id},
                         {"port", port_name(ctx.port)},
                         {"method", req.method},
                         {"host", host ? nlohmann::json(*host) : nlohmann::json(nullptr)},
                         {"peer", ctx.peer},
                         {"headers", headers}};
  return make(200, kJson, body.dump());
}

// How the body of an upload arrived: a load balancer that buffers requests delivers it at once.
HttpResponse upload_response(const ReplicaContext& ctx) {
  const BodyTiming& b = ctx.body;
  nlohmann::json body = {{"replica", ctx.replica.id},
                         {"bytes", b.bytes},
                         {"first_byte_ms", b.first_byte_ms},
                         {"last_byte_ms", b.last_byte_ms},
                         {"span_ms", b.bytes ? b.last_byte_ms - b.first_byte_ms : 0.0}};
  return make(200, kJson, body.dump());
}

} // namespace

std::string_view port_name(Port p) { return p == Port::http ? "http" : "https"; }

std::string health_json(bool healthy, const std::string& error) {
  return "{\"Error\":" + nlohmann::json(error).dump() + ",\"Healthy\":" +
         (healthy ? "true" : "false") + "}";
}

std::string nginx_error_page(int status) {
  std::string title = std::to_string(status) + " " + std::string(reason_phrase(status));
  return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
         "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
}

std::string api_errors_json(std::string_view code, std::string_view message) {
  nlohmann::json body = {
      {"errors", nlohmann::json::array({{{"code", code}, {"message", message}}})}};
  return body.dump();
}

namespace {

HttpResponse answer(const HttpRequest& req, const ReplicaContext& ctx) {
  Route route = route_of(ctx.state.profile, req.path);
  if (ctx.port == Port::http && !served_on_http(route)) return redirect_to_https(req, ctx);
  if (route == Route::none)
    return make(404, kJson, api_errors_json("NOT_FOUND", "no such path: " + req.path));
  bool head = req.method == "HEAD";
  if (route == Route::upload) {
    if (req.method != "POST" && req.method != "PUT") {
      HttpResponse r = method_not_allowed();
      r.set_header("Allow", "POST, PUT");
      return r;
    }
    return upload_response(ctx);
  }
  if (route == Route::echo) return echo_response(req, ctx);
  if (req.method != "GET" && !head) return method_not_allowed();

  HttpResponse res;
  switch (route) {
    case Route::health: res = health_response(ctx); break;
    case Route::lb_status: res = lb_status_response(ctx); break;
    case Route::nginx_status: res = nginx_status_response(ctx); break;
    case Route::ca:
      res = service_failed(ctx.replica, Service::api, ctx.now)
                ? make(502, "text/html", nginx_error_page(502))
                : make(200, "application/x-pem-file", ctx.ca_pem);
      break;
    case Route::cluster_status: res = cluster_status_response(req, ctx); break;
    case Route::registry: res = registry_challenge(req, ctx); break;
    case Route::echo:
    case Route::upload:
    case Route::none: break;
  }
  return res;
}

} // namespace

HttpResponse respond(const HttpRequest& req, const ReplicaContext& ctx) {
  HttpResponse res = answer(req, ctx);
  res.omit_body = req.method == "HEAD";  // every answer to HEAD: its headers, no body
  return res;
}

} // namespace dtrsim
