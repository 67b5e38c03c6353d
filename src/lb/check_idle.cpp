// Idle connections: DTR asks for no idle timeout, or more than 10 minutes. A keep-alive
// connection through the load balancer is left idle for --idle, then used again.
#include <thread>

#include "lb_context.hpp"

namespace dtrsim::lb {

using Steady = std::chrono::steady_clock;

struct IdleCheck::Held {
  Port port;
  std::unique_ptr<net::Session> session;
  Steady::time_point since;
  std::string opening;  // why it could not be held, if it could not
};

IdleCheck::IdleCheck(Context& c) : c_(c) {
  if (c.options.skip.count("idle")) return;
  for (Port p : c.ports()) {
    auto h = std::make_unique<Held>();
    h->port = p;
    net::ProbeRequest req = c.request(p, c.cluster.value("health_path", std::string("/_ping")));
    h->session = std::make_unique<net::Session>(req);
    net::ProbeResult first = h->session->request(req, true);
    if (first.observed != net::Observed::answered) h->opening = std::string(net::observed_name(first.observed));
    else if (!h->session->open()) h->opening = "the first answer closed the connection";
    h->since = Steady::now();
    held_.push_back(std::move(h));
  }
}

IdleCheck::~IdleCheck() = default;

CheckResult IdleCheck::finish() {
  CheckResult r = make_result("idle", "idle connections are kept");
  if (c_.options.skip.count("idle")) {
    r.verdict = CheckVerdict::skip;
    r.detail = "skipped";
    return r;
  }
  double idle_ms = static_cast<double>(c_.options.idle.count());
  std::vector<std::string> parts;
  for (auto& h : held_) {
    std::string port(port_name(h->port));
    if (!h->opening.empty()) {
      r.verdict = CheckVerdict::fail;
      parts.push_back(port + ": could not open a keep-alive connection (" + h->opening + ")");
      continue;
    }
    std::optional<double> closed_after;
    while (Steady::now() - h->since < c_.options.idle && !c_.aborted()) {
      if (h->session->closed_by_peer()) {
        closed_after = std::chrono::duration<double, std::milli>(Steady::now() - h->since).count();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!closed_after) {
      net::ProbeResult again = h->session->request(c_.request(h->port, c_.cluster.value("health_path", std::string("/_ping"))), true);
      if (again.observed == net::Observed::answered) {
        parts.push_back(port + ": idle for " + secs(idle_ms) + ", then answered on the same connection");
        r.measured[port] = {{"kept_ms", idle_ms}};
        continue;
      }
      closed_after = idle_ms;
    }
    r.verdict = CheckVerdict::fail;
    r.measured[port] = {{"closed_after_ms", *closed_after}};
    parts.push_back(port + ": the load balancer closed the idle connection after " + secs(*closed_after));
  }
  r.detail = parts.empty() ? "no load balancer URL" : "";
  for (size_t i = 0; i < parts.size(); ++i) r.detail += (i ? "; " : "") + parts[i];
  if (r.verdict == CheckVerdict::pass && c_.options.idle < std::chrono::minutes(10))
    r.detail += " (DTR asks for more than 10 minutes: --idle 601s checks that)";
  if (r.verdict == CheckVerdict::fail) r.detail += " (DTR asks for no idle timeout, or more than 10 minutes)";
  return r;
}

} // namespace dtrsim::lb
