// Runs the load-balancer checks in order (the idle connections are opened first and measured
// last) and writes their reports.
#include "dtrsim/lb_check.hpp"

#include <sstream>

#include "dtrsim/clock.hpp"
#include "lb_context.hpp"

namespace dtrsim {

std::string_view verdict_name(CheckVerdict v) {
  switch (v) {
    case CheckVerdict::pass: return "PASS";
    case CheckVerdict::warn: return "WARN";
    case CheckVerdict::fail: return "FAIL";
    case CheckVerdict::skip: return "SKIP";
  }
  return "?";
}

const std::vector<std::string>& lb_check_names() {
  static const std::vector<std::string> names = {"traffic", "tls", "host", "buffering", "idle",
                                                 "health-checks", "failover-service", "failover-stop"};
  return names;
}

int LbCheckReport::count(CheckVerdict v) const {
  int n = 0;
  for (const auto& c : checks) n += c.verdict == v;
  return n;
}

LbCheckReport run_lb_check(const LbCheckOptions& o) {
  LbCheckReport report{o.lb_http, o.lb_https, o.control, {}, ""};
  try {
    ControlClient control(o.control, o.control_token);
    lb::Context c(o, control);
    auto record = [&](CheckResult r) {
      report.checks.push_back(r);
      if (o.on_result) o.on_result(report.checks.back());
    };
    auto run = [&](const char* name, CheckResult (*check)(lb::Context&)) {
      if (c.aborted()) return;
      if (o.skip.count(name)) {
        CheckResult r;
        r.name = name;
        r.detail = "skipped";
        record(r);
        return;
      }
      auto t0 = std::chrono::steady_clock::now();
      CheckResult r = check(c);
      r.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      record(r);
    };
    lb::IdleCheck idle(c);
    run("traffic", lb::check_traffic);
    run("tls", lb::check_tls);
    run("host", lb::check_host);
    run("buffering", lb::check_buffering);
    run("health-checks", lb::check_health_checks);
    run("failover-service", lb::check_failover_service);
    run("failover-stop", lb::check_failover_stop);
    if (!c.aborted()) {
      auto t0 = std::chrono::steady_clock::now();
      CheckResult r = idle.finish();
      r.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      record(r);
    }
  } catch (const std::exception& e) {
    report.error = e.what();
  }
  return report;
}

std::string lb_check_line(const CheckResult& r) {
  char head[64];
  std::snprintf(head, sizeof head, "%s  %-17s ", std::string(verdict_name(r.verdict)).c_str(), r.name.c_str());
  return head + r.detail;
}

std::string lb_check_summary(const LbCheckReport& r) {
  std::ostringstream out;
  if (!r.error.empty()) {
    out << "lb check could not run: " << r.error << "\n";
    return out.str();
  }
  out << r.checks.size() << " checks: " << r.count(CheckVerdict::pass) << " PASS, "
      << r.count(CheckVerdict::warn) << " WARN, " << r.count(CheckVerdict::fail) << " FAIL";
  if (int s = r.count(CheckVerdict::skip)) out << ", " << s << " skipped";
  out << "\n";
  return out.str();
}

namespace {
std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}
} // namespace

std::string lb_check_junit(const LbCheckReport& r) {
  std::ostringstream out;
  int fails = r.count(CheckVerdict::fail), skips = r.count(CheckVerdict::skip);
  int tests = static_cast<int>(r.checks.size()) + (r.error.empty() ? 0 : 1);
  double total = 0;
  for (const auto& c : r.checks) total += c.elapsed_ms / 1000.0;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dtrsim lb check\" tests=\"" << tests
      << "\" failures=\"" << fails << "\" errors=\"" << (r.error.empty() ? 0 : 1) << "\" time=\"" << total << "\">\n"
      << "  <testsuite name=\"lb-check\" tests=\"" << tests << "\" failures=\"" << fails << "\" errors=\""
      << (r.error.empty() ? 0 : 1) << "\" skipped=\"" << skips << "\" time=\"" << total << "\">\n";
  for (const auto& c : r.checks) {
    out << "    <testcase classname=\"dtrsim.lb-check\" name=\"" << xml(c.name) << "\" time=\"" << c.elapsed_ms / 1000.0
        << "\">\n";
    if (c.verdict == CheckVerdict::fail)
      out << "      <failure message=\"" << xml(c.detail) << "\">" << xml(c.measured.dump(2)) << "</failure>\n";
    else if (c.verdict == CheckVerdict::skip)
      out << "      <skipped message=\"" << xml(c.detail) << "\"/>\n";
    else
      out << "      <system-out>" << xml(std::string(verdict_name(c.verdict)) + " " + c.detail) << "</system-out>\n";
    out << "    </testcase>\n";
  }
  if (!r.error.empty())
    out << "    <testcase classname=\"dtrsim.lb-check\" name=\"run\" time=\"0\">\n      <error message=\""
        << xml(r.error) << "\"/>\n    </testcase>\n";
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

nlohmann::json lb_check_json(const LbCheckReport& r) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : r.checks)
    checks.push_back({{"name", c.name},
                      {"title", c.title},
                      {"result", verdict_name(c.verdict)},
                      {"detail", c.detail},
                      {"measured", c.measured},
                      {"elapsed_ms", c.elapsed_ms}});
  nlohmann::json out = {{"lb_http", r.lb_http},
                        {"lb_https", r.lb_https},
                        {"control", r.control},
                        {"checks", checks},
                        {"pass", r.count(CheckVerdict::pass)},
                        {"warn", r.count(CheckVerdict::warn)},
                        {"fail", r.count(CheckVerdict::fail)}};
  if (!r.error.empty()) out["error"] = r.error;
  return out;
}

} // namespace dtrsim
