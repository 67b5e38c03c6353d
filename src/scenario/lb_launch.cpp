// Rendering a load balancer's configuration and starting it.
#include "lb_launch.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "../net/socket.hpp"
#include "dtrsim/state_file.hpp"

namespace dtrsim {
namespace {

struct Endpoint {
  std::string scheme, host;
  int port = 0;
  std::string url() const { return scheme + "://" + net::format_endpoint(host, port); }
};

// Free ports picked for the load balancer, held bound until just before it starts: two picks
// must never return the same port (HAProxy, which binds with SO_REUSEPORT, would then serve both
// frontends on one port), nor may another process take one meanwhile.
class PortReservations {
 public:
  PortReservations() = default;
  PortReservations(const PortReservations&) = delete;
  PortReservations& operator=(const PortReservations&) = delete;
  ~PortReservations() { release(); }
  int pick(const std::string& host) {
    int fd = net::listen_on(host, 0, 1);
    fds_.push_back(fd);
    return net::local_port(fd);
  }
  void release() {
    for (int fd : fds_) ::close(fd);
    fds_.clear();
  }

 private:
  std::vector<int> fds_;
};

// `url` was checked by the scenario's validation; port 0 becomes a free port.
Endpoint parse_url(const std::string& url, std::string_view scheme, PortReservations& ports) {
  std::optional<LbUrl> u = parse_lb_url(url, scheme, true);
  if (!u) throw std::runtime_error(lb_url_problem(url, scheme, true));
  Endpoint e{std::string(scheme), u->host, u->port};
  if (e.port == 0) e.port = ports.pick(e.host);
  return e;
}

std::string join_path(const std::string& dir, const std::string& p) {
  return !p.empty() && p.front() == '/' ? p : dir + "/" + p;
}

} // namespace

TemplateVars cluster_variables(const Cluster& cluster) {
  TemplateVars v;
  auto& g = v.global;
  g["DTRSIM_DTR_FQDN"] = cluster.config().dtr_fqdn;
  auto replicas = cluster.replicas();
  g["DTRSIM_REPLICAS"] = std::to_string(replicas.size());
  for (const auto& r : replicas) {
    std::string p = "DTRSIM_REPLICA_" + std::to_string(r.number) + "_";
    g[p + "ADDRESS"] = r.address;
    g[p + "HTTP_PORT"] = std::to_string(r.http_port);
    g[p + "HTTPS_PORT"] = std::to_string(r.https_port);
    g[p + "ID"] = r.id;
    g[p + "NAME"] = r.name;
    v.replicas.push_back({{"REPLICA_N", std::to_string(r.number)},
                          {"REPLICA_ADDRESS", r.address},
                          {"REPLICA_HTTP_PORT", std::to_string(r.http_port)},
                          {"REPLICA_HTTPS_PORT", std::to_string(r.https_port)},
                          {"REPLICA_ID", r.id},
                          {"REPLICA_NAME", r.name}});
  }
  return v;
}

LbLaunch::LbLaunch(const Cluster& cluster, const LoadBalancerSpec& spec, const std::string& base_dir,
                   const std::string& run_dir, const std::string& ca_file, const std::atomic<bool>* abort)
    : vars_(cluster_variables(cluster)) {
  auto& g = vars_.global;
  g["DTRSIM_RUN_DIR"] = run_dir;
  g["DTRSIM_SCENARIO_DIR"] = base_dir;
  g["DTRSIM_CA_FILE"] = ca_file;
  std::vector<std::pair<std::string, int>> endpoints;
  PortReservations ports;
  if (!spec.http_url.empty()) {
    Endpoint e = parse_url(spec.http_url, "http", ports);
    g["DTRSIM_LB_HTTP_ADDRESS"] = e.host;
    g["DTRSIM_LB_HTTP_PORT"] = std::to_string(e.port);
    http_url_ = e.url();
    endpoints.push_back({e.host, e.port});
  }
  if (!spec.https_url.empty()) {
    Endpoint e = parse_url(spec.https_url, "https", ports);
    g["DTRSIM_LB_HTTPS_ADDRESS"] = e.host;
    g["DTRSIM_LB_HTTPS_PORT"] = std::to_string(e.port);
    https_url_ = e.url();
    endpoints.push_back({e.host, e.port});
  }
  std::map<std::string, std::string> env = g;
  for (const auto& [k, v] : spec.env) env[k] = g[k] = substitute(v, g);
  for (const auto& t : spec.templates) {
    std::string from = join_path(base_dir, t.from);
    std::ifstream in(from);
    if (!in) throw std::runtime_error("cannot read the template " + from);
    std::stringstream text;
    text << in.rdbuf();
    try {
      write_file_atomically(join_path(run_dir, t.to), render_template(text.str(), vars_));
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(from + ": " + e.what());
    }
  }
  std::vector<std::string> argv;
  for (const auto& a : spec.command) argv.push_back(substitute(a, g));
  program_ = argv.front();
  log_ = run_dir + "/load-balancer.log";
  ports.release();
  process_.start(argv, join_path(base_dir, substitute(spec.cwd, g)), env, log_);
  process_.wait_ready(endpoints, spec.ready_timeout, abort);
}

} // namespace dtrsim
