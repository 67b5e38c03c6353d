// Idle connections: DTR asks for no idle timeout, or more than 10 minutes. A keep-alive
// connection through the load balancer is left idle for --idle (watched meanwhile, so that a
// close is timed when it happens), then used again.
#include <optional>
#include <thread>

#include "lb_context.hpp"

namespace dtrsim::lb {

using Steady = std::chrono::steady_clock;

struct IdleCheck::Held {
  Port port;
  std::unique_ptr<net::Session> session;
  Steady::time_point since;
  std::string opening;                  // why it could not be held, if it could not
  std::optional<double> closed_after;   // ms after `since`, when the load balancer closed it
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
  watcher_ = std::thread([this] { watch(); });
}

IdleCheck::~IdleCheck() {
  stop_ = true;
  if (watcher_.joinable()) watcher_.join();
}

// Until --idle has passed for every connection (or the checks end): notes when each is closed.
void IdleCheck::watch() {
  for (;;) {
    bool watching = false;
    for (auto& h : held_) {
      if (!h->opening.empty() || h->closed_after || Steady::now() - h->since >= c_.options.idle) continue;
      watching = true;
      if (h->session->closed_by_peer())
        h->closed_after = std::chrono::duration<double, std::milli>(Steady::now() - h->since).count();
    }
    if (!watching || stop_ || c_.aborted()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

CheckResult IdleCheck::finish() {
  CheckResult r = make_result("idle", "idle connections are kept");
  if (c_.options.skip.count("idle")) {
    r.verdict = CheckVerdict::skip;
    r.detail = "skipped";
    return r;
  }
  if (watcher_.joinable()) watcher_.join();  // it returns once --idle has passed
  double idle_ms = static_cast<double>(c_.options.idle.count());
  std::vector<std::string> parts;
  for (auto& h : held_) {
    std::string port(port_name(h->port));
    if (!h->opening.empty()) {
      r.verdict = CheckVerdict::fail;
      parts.push_back(port + ": could not open a keep-alive connection (" + h->opening + ")");
      continue;
    }
    if (h->closed_after) {
      r.verdict = CheckVerdict::fail;
      r.measured[port] = {{"closed_after_ms", *h->closed_after}};
      parts.push_back(port + ": the load balancer closed the idle connection after " + secs(*h->closed_after));
      continue;
    }
    net::ProbeResult again = h->session->request(c_.request(h->port, c_.cluster.value("health_path", std::string("/_ping"))), true);
    if (again.observed == net::Observed::answered) {
      parts.push_back(port + ": idle for " + secs(idle_ms) + ", then answered on the same connection");
      r.measured[port] = {{"kept_ms", idle_ms}};
      continue;
    }
    // Closed without the watcher seeing it (TLS can leave an alert unread): some time before.
    r.verdict = CheckVerdict::fail;
    r.measured[port] = {{"closed_within_ms", idle_ms}};
    parts.push_back(port + ": the idle connection was closed within " + secs(idle_ms) + " (" +
                    std::string(net::observed_name(again.observed)) + " when used again)");
  }
  r.detail = parts.empty() ? "no load balancer URL" : "";
  for (size_t i = 0; i < parts.size(); ++i) r.detail += (i ? "; " : "") + parts[i];
  if (r.verdict == CheckVerdict::pass && c_.options.idle < std::chrono::minutes(10))
    r.detail += " (DTR asks for more than 10 minutes: --idle 601s checks that)";
  if (r.verdict == CheckVerdict::fail) r.detail += " (DTR asks for no idle timeout, or more than 10 minutes)";
  return r;
}

} // namespace dtrsim::lb
