// Failover: fail a service on one replica (or stop it) and measure, through the load balancer,
// how long until it stops sending requests there (the send time of the first request from which
// on every request went elsewhere and succeeded); then recover it and measure how long until it
// answers again. The replica is always restored, also when the checks are interrupted.
#include <deque>
#include <list>
#include <functional>
#include <mutex>
#include <thread>

#include "lb_context.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim::lb {
namespace {

using Steady = std::chrono::steady_clock;

// A steady stream of requests through the load balancer, one every `interval` on its own
// connection and thread, so that one slow request does not hold up the measurement.
class Sampler {
 public:
  struct Sample {
    double sent_ms = 0;
    bool done = false;
    std::string who;      // "" when the request failed
    std::string failure;  // what the client observed then
  };

  Sampler(Context& c, Port p, std::string path, Steady::time_point t0)
      : c_(c), port_(p), path_(std::move(path)), t0_(t0), thread_([this] { run(); }) {}
  ~Sampler() {
    stop_ = true;
    thread_.join();
    for (auto& [index, t] : requests_) t.join();
  }

  // The send time of the first request from which on `n` or more requests, all finished, all
  // went to other replicas without failing.
  std::optional<double> clean_since(const std::string& target, size_t n) {
    std::lock_guard<std::mutex> lock(m_);
    size_t run = 0;
    std::optional<double> since;
    for (const auto& s : samples_) {
      if (!s.done) return run >= n ? since : std::nullopt;
      if (s.who.empty() || s.who == target) {
        run = 0;
        since.reset();
      } else if (run++ == 0) {
        since = s.sent_ms;
      }
    }
    return run >= n ? since : std::nullopt;
  }

  // The send time of the first request the target answered.
  std::optional<double> first_to(const std::string& target) {
    std::lock_guard<std::mutex> lock(m_);
    for (const auto& s : samples_)
      if (s.done && s.who == target) return s.sent_ms;
    return std::nullopt;
  }

  void tally(const std::string& target, int& to_target, int& total, std::map<std::string, int>& failures) {
    std::lock_guard<std::mutex> lock(m_);
    for (const auto& s : samples_) {
      if (!s.done) continue;
      ++total;
      if (s.who == target) ++to_target;
      if (s.who.empty()) ++failures[s.failure];
    }
  }

 private:
  void run() {
    while (!stop_) {
      join_finished();
      size_t index;
      {
        std::lock_guard<std::mutex> lock(m_);
        index = samples_.size();
        Sample s;
        s.sent_ms = std::chrono::duration<double, std::milli>(Steady::now() - t0_).count();
        samples_.push_back(s);
      }
      requests_.emplace_back(index, [this, index] {
        net::ProbeRequest req = c_.request(port_, path_);
        req.connect_timeout = std::chrono::seconds(2);
        req.read_timeout = std::chrono::seconds(3);
        net::ProbeResult res = net::probe(req);
        std::lock_guard<std::mutex> lock(m_);
        samples_[index].who = c_.who(res);
        samples_[index].failure = std::string(net::observed_name(res.observed));
        samples_[index].done = true;
      });
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  void join_finished() {
    for (auto it = requests_.begin(); it != requests_.end();) {
      bool done;
      {
        std::lock_guard<std::mutex> lock(m_);
        done = samples_[it->first].done;
      }
      if (!done) {
        ++it;
        continue;
      }
      it->second.join();
      it = requests_.erase(it);
    }
  }

  Context& c_;
  Port port_;
  std::string path_;
  Steady::time_point t0_;
  std::mutex m_;
  std::deque<Sample> samples_;
  std::list<std::pair<size_t, std::thread>> requests_;  // still running
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string pick_target(Context& c) {
  if (c.options.replica.empty()) return c.healthy.empty() ? "" : c.healthy.back();
  for (const auto& r : c.cluster["replicas"]) {
    std::string name = r["name"], id = r["id"];
    if (c.options.replica == name || c.options.replica == id || c.options.replica == std::to_string(r["number"].get<int>()))
      return name;
  }
  return "";
}

// Sends `restore` when it goes out of scope unless it was sent already.
struct Restore {
  Context& c;
  nlohmann::json command;
  bool done = false;
  void now() {
    if (!done) c.control.commands(command);
    done = true;
  }
  ~Restore() {
    try {
      now();
    } catch (...) {
    }
  }
};

CheckResult failover(Context& c, std::string name, std::string title, const std::string& what,
                     const nlohmann::json& apply, const nlohmann::json& restore_cmd,
                     const std::string& target) {
  CheckResult r = make_result(std::move(name), std::move(title));
  std::string path = c.cluster.value("health_path", std::string("/_ping"));
  int n = std::max(2, 2 * static_cast<int>(c.healthy.size()));
  double limit = static_cast<double>(c.options.failover_timeout.count());
  std::map<std::string, double> out_ms, back_ms;
  std::map<std::string, int> failures;
  int to_target_while_failed = 0, total_while_failed = 0;
  auto elapsed = [](Steady::time_point t0) {
    return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
  };

  Restore restore{c, restore_cmd};
  auto wait_for = [&](Steady::time_point t0, const std::function<bool()>& done) {
    while (!done() && elapsed(t0) < limit && !c.aborted())
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  };
  {
    auto t0 = Steady::now();
    std::map<std::string, std::unique_ptr<Sampler>> samplers;
    for (Port p : c.ports()) samplers[std::string(port_name(p))] = std::make_unique<Sampler>(c, p, path, t0);
    c.control.commands(apply);
    wait_for(t0, [&] {
      for (auto& [port, s] : samplers)
        if (auto t = s->clean_since(target, static_cast<size_t>(n))) out_ms[port] = *t;
      return out_ms.size() == samplers.size();
    });
    for (auto& [port, s] : samplers) s->tally(target, to_target_while_failed, total_while_failed, failures);
  }
  {
    auto t1 = Steady::now();
    std::map<std::string, std::unique_ptr<Sampler>> samplers;
    for (Port p : c.ports()) samplers[std::string(port_name(p))] = std::make_unique<Sampler>(c, p, path, t1);
    restore.now();
    wait_for(t1, [&] {
      for (auto& [port, s] : samplers)
        if (auto t = s->first_to(target)) back_ms[port] = *t;
      return back_ms.size() == samplers.size();
    });
    int ignored_a = 0, ignored_b = 0;
    for (auto& [port, s] : samplers) s->tally(target, ignored_a, ignored_b, failures);
  }

  auto times = [&](const std::map<std::string, double>& m) {
    std::string s;
    for (Port p : c.ports()) {
      std::string port(port_name(p));
      append_item(s, (m.count(port) ? secs(m.at(port)) : "not within " + secs(limit)) + " (" + port + ")", ", ");
    }
    return s;
  };
  int failed = 0;
  std::string kinds;
  for (const auto& [k, v] : failures) failed += v, append_item(kinds, k, ", ");
  std::string meanwhile =
      failed ? "; " + std::to_string(failed) + " request(s) failed meanwhile (" + kinds + ")" : "";
  if (out_ms.empty()) {
    r.verdict = CheckVerdict::fail;
    r.detail = what + ": for " + secs(limit) + " the load balancer kept sending it " +
               std::to_string(to_target_while_failed) + " of " + std::to_string(total_while_failed) +
               " requests" + meanwhile + " (does it act on " + path + "?)";
  } else {
    r.detail = what + ": out of the pool after " + times(out_ms) + "; back " + times(back_ms) +
               " after recovery" + meanwhile;
    if (out_ms.size() < c.ports().size() || back_ms.size() < c.ports().size()) r.verdict = CheckVerdict::fail;
  }
  r.measured = {{"replica", target}, {"out_ms", out_ms}, {"back_ms", back_ms}, {"failures", failures}};
  return r;
}

std::optional<CheckResult> precondition(Context& c, const std::string& name, const std::string& title,
                                        const std::string& target) {
  if (c.healthy.size() < 2)
    return make_result(name, title, CheckVerdict::skip, "needs at least two healthy replicas");
  if (target.empty())
    return make_result(name, title, CheckVerdict::fail, "no replica \"" + c.options.replica + "\" in the cluster");
  return std::nullopt;
}

} // namespace

CheckResult check_failover_service(Context& c) {
  std::string target = pick_target(c);
  const char* title = "a failed service is taken out and back";
  if (auto skip = precondition(c, "failover-service", title, target)) return *skip;
  return failover(c, "failover-service", title, c.options.service + " failed on " + target,
                  {{"do", "fail"}, {"replica", target}, {"service", c.options.service},
                   {"error", "failed by dtrsim lb check"}},
                  {{"do", "recover"}, {"replica", target}, {"service", c.options.service}}, target);
}

CheckResult check_failover_stop(Context& c) {
  std::string target = pick_target(c);
  const char* title = "a stopped replica is taken out and back";
  if (auto skip = precondition(c, "failover-stop", title, target)) return *skip;
  return failover(c, "failover-stop", title, target + " stopped", {{"do", "stop"}, {"replica", target}},
                  {{"do", "start"}, {"replica", target}}, target);
}

} // namespace dtrsim::lb
