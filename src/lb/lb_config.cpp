// The configurations of DTR's "Use a load balancer" page (DTR 2.5-2.7 / MSR 2.8 text), with the
// cluster's addresses and ports in place of <DTR_REPLICA_N_IP>:80/443.
#include "dtrsim/lb_config.hpp"

#include <stdexcept>

#include "../net/socket.hpp"

namespace dtrsim {
namespace {

std::string node(size_t i) {
  std::string n = std::to_string(i + 1);
  return "node" + (n.size() < 2 ? "0" + n : n);
}

std::string at(const LbTarget& r, int port) { return net::format_endpoint(r.address, port); }

std::string bind_at(const LbConfigInput& in, int port) { return net::format_endpoint(in.listen_address, port); }

// NGINX's documented "listen 443;" means every address; another address is named.
std::string listen_at(const LbConfigInput& in, int port) {
  return in.listen_address == "0.0.0.0" ? std::to_string(port) : net::format_endpoint(in.listen_address, port);
}

std::string haproxy(const LbConfigInput& in) {
  std::string check = "        option httpchk GET " + in.health_path + " HTTP/1.1\\r\\nHost:\\ " + in.dtr_fqdn + "\n";
  std::string out =
      "# DTR's documented HAProxy configuration, for this cluster (dtrsim lb config haproxy).\n"
      "global\n"
      "    log /dev/log    local0\n"
      "    log /dev/log    local1 notice\n"
      "\n"
      "defaults\n"
      "        mode    tcp\n"
      "        option  dontlognull\n"
      "        timeout connect 5s\n"
      "        timeout client 50s\n"
      "        timeout server 50s\n"
      "        timeout tunnel 1h\n"
      "        timeout client-fin 50s\n"
      "### frontends\n"
      "# Optional HAProxy Stats Page accessible at http://<host-ip>:" + std::to_string(in.listen_stats) +
      "/haproxy?stats\n"
      "frontend dtr_stats\n"
      "        mode http\n"
      "        bind " + bind_at(in, in.listen_stats) + "\n"
      "        default_backend dtr_stats\n"
      "frontend dtr_80\n"
      "        mode tcp\n"
      "        bind " + bind_at(in, in.listen_http) + "\n"
      "        default_backend dtr_upstream_servers_80\n"
      "frontend dtr_443\n"
      "        mode tcp\n"
      "        bind " + bind_at(in, in.listen_https) + "\n"
      "        default_backend dtr_upstream_servers_443\n"
      "### backends\n"
      "backend dtr_stats\n"
      "        mode http\n"
      "        option httplog\n"
      "        stats enable\n"
      "        stats admin if TRUE\n"
      "        stats refresh 5m\n"
      "backend dtr_upstream_servers_80\n"
      "        mode tcp\n" + check;
  for (size_t i = 0; i < in.replicas.size(); ++i)
    out += "        server " + node(i) + " " + at(in.replicas[i], in.replicas[i].http_port) + " check weight 100\n";
  out += "backend dtr_upstream_servers_443\n        mode tcp\n" + check;
  for (size_t i = 0; i < in.replicas.size(); ++i)
    out += "        server " + node(i) + " " + at(in.replicas[i], in.replicas[i].https_port) +
           " weight 100 check check-ssl verify none\n";
  return out;
}

std::string nginx(const LbConfigInput& in) {
  std::string out =
      "# DTR's documented NGINX configuration, for this cluster (dtrsim lb config nginx).\n"
      "# Open-source NGINX stream proxying only sees failed connections: a replica whose /_ping\n"
      "# answers 503 stays in the pool (health_check is NGINX Plus only).\n"
      "user  nginx;\n"
      "worker_processes  1;\n"
      "\n"
      "error_log  /var/log/nginx/error.log warn;\n"
      "pid        /var/run/nginx.pid;\n"
      "\n"
      "events {\n"
      "    worker_connections  1024;\n"
      "}\n"
      "\n"
      "stream {\n"
      "    upstream dtr_80 {\n";
  for (const auto& r : in.replicas) out += "        server " + at(r, r.http_port) + "  max_fails=2 fail_timeout=30s;\n";
  out += "    }\n    upstream dtr_443 {\n";
  for (const auto& r : in.replicas) out += "        server " + at(r, r.https_port) + " max_fails=2 fail_timeout=30s;\n";
  out += "    }\n"
         "    server {\n"
         "        listen " + listen_at(in, in.listen_https) + ";\n"
         "        proxy_pass dtr_443;\n"
         "    }\n"
         "\n"
         "    server {\n"
         "        listen " + listen_at(in, in.listen_http) + ";\n"
         "        proxy_pass dtr_80;\n"
         "    }\n"
         "}\n";
  return out;
}

std::string elb(const LbConfigInput& in) {
  int port = in.replicas.empty() ? 443 : in.replicas.front().https_port;
  bool same = true;
  nlohmann::json instances = nlohmann::json::array();
  for (const auto& r : in.replicas) {
    same = same && r.https_port == port;
    instances.push_back({{"InstanceId", r.name}, {"PrivateIpAddress", r.address}});
  }
  nlohmann::json doc = {
      {"Subnets", nlohmann::json::array()},
      {"CanonicalHostedZoneNameID", "Z3DZXE0Q79N41H"},
      {"CanonicalHostedZoneName", "elb-dtr.example.com"},
      {"ListenerDescriptions",
       nlohmann::json::array({{{"Listener", {{"InstancePort", port}, {"LoadBalancerPort", in.listen_https},
                                             {"Protocol", "TCP"}, {"InstanceProtocol", "TCP"}}},
                               {"PolicyNames", nlohmann::json::array()}}})},
      {"HealthCheck", {{"HealthyThreshold", 2}, {"Interval", 10},
                       {"Target", "HTTPS:" + std::to_string(port) + in.health_path},
                       {"Timeout", 2}, {"UnhealthyThreshold", 4}}},
      {"VPCId", "vpc-111c7f7f"},
      {"BackendServerDescriptions", nlohmann::json::array()},
      {"Instances", instances},
      {"DNSName", "elb-dtr.example.com"},
      {"SecurityGroups", nlohmann::json::array()},
      {"Policies", {{"LBCookieStickinessPolicies", nlohmann::json::array()},
                    {"AppCookieStickinessPolicies", nlohmann::json::array()},
                    {"OtherPolicies", nlohmann::json::array()}}},
      {"LoadBalancerName", "ELB-DTR"},
      {"CreatedTime", "2017-02-13T21:40:15.400Z"},
      {"AvailabilityZones", nlohmann::json::array()},
      {"Scheme", "internet-facing"},
      {"SourceSecurityGroup", {{"OwnerAlias", "123456789012"}, {"GroupName", "default"}}}};
  std::string out = doc.dump(4) + "\n";
  if (!same)
    out = "# The replicas use different HTTPS ports; a classic ELB has one InstancePort per listener.\n" + out;
  return out;
}

} // namespace

LbConfigInput lb_input_from(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("replicas") || !j["replicas"].is_array())
    throw std::runtime_error("expected the control API's /v1/cluster or a dtrsim state file");
  LbConfigInput in;
  in.health_path = j.value("health_path", std::string("/_ping"));
  in.dtr_fqdn = j.value("dtr_fqdn", std::string("dtr.example.com"));
  for (const auto& r : j["replicas"])
    in.replicas.push_back({r.value("name", std::string()), r.value("address", std::string()),
                           r.value("http_port", 0), r.value("https_port", 0)});
  return in;
}

std::string lb_config(const std::string& kind, const LbConfigInput& in) {
  if (kind == "haproxy") return haproxy(in);
  if (kind == "nginx") return nginx(in);
  if (kind == "elb") return elb(in);
  throw std::invalid_argument("unknown load balancer \"" + kind + "\" (haproxy, nginx or elb)");
}

} // namespace dtrsim
