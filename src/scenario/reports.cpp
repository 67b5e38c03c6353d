// Console lines, the summary table, JUnit XML, JSON and the HTML timeline of a play.
#include <cstdio>
#include <sstream>

#include "dtrsim/player.hpp"
#include "utf8.hpp"

namespace dtrsim {
namespace {

std::string seconds(double ms, int decimals = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*fs", decimals, ms / 1000.0);
  return buf;
}

// Text for XML and HTML: valid UTF-8, markup escaped, and nothing XML 1.0 forbids (control
// characters, U+FFFE, U+FFFF).
std::string xml_escape(const std::string& s) {
  std::string out;
  std::string text = valid_utf8(s);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += ' ';
        } else if (text.compare(i, 2, "\xEF\xBF") == 0 && i + 2 < text.size() &&
                   (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
          out += "\xEF\xBF\xBD";  // U+FFFE and U+FFFF are not XML characters
          i += 2;
        } else {
          out += c;
        }
    }
  }
  return out;
}

// JSON text that cannot throw: invalid UTF-8 in any string becomes U+FFFD.
std::string json_text(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string verdict(const StepReport& s) {
  if (s.is_command) return s.ok ? "ok" : "ERROR";
  return s.ok ? "PASS" : "FAIL";
}

std::string took(const StepReport& s) {
  if (s.is_command) return "late " + std::to_string(static_cast<long>(s.lateness_ms)) + "ms";
  if (!s.within) return "";
  return (s.ok ? "after " : "gave up after ") + seconds(s.elapsed_ms);
}

} // namespace

std::string step_line(const StepReport& s) {
  char head[64];
  std::snprintf(head, sizeof head, "[%8s] #%-3zu ", seconds(s.started_ms, 3).c_str(), s.index);
  std::string line = head + s.summary + "  " + verdict(s);
  std::string t = took(s);
  if (!t.empty()) line += " (" + t + ")";
  if (!(s.is_command && s.ok && s.detail == "done")) line += ": " + s.detail;
  if (!s.note.empty()) line += "  -- " + s.note;
  return line;
}

std::string summary_table(const PlayReport& r) {
  std::ostringstream out;
  out << "\nScenario " << r.name << " (" << r.file << "): ";
  if (!r.run_error().empty()) out << "ERROR: " << r.run_error() << "\n";
  else out << (r.passed() ? "PASSED" : "FAILED") << " in " << seconds(r.duration_ms) << "\n";
  char line[256];
  std::snprintf(line, sizeof line, "  %-6s %-5s %-9s %-11s %s\n", "RESULT", "STEP", "AT", "TOOK", "WHAT");
  out << line;
  for (const auto& s : r.steps) {
    if (s.is_command && s.ok) continue;
    std::string t = s.is_command ? "" : (s.within ? seconds(s.elapsed_ms) : "-");
    std::snprintf(line, sizeof line, "  %-6s #%-4zu %-9s %-11s ", verdict(s).c_str(), s.index,
                  format_duration(s.at).c_str(), t.c_str());
    out << line << s.summary << "\n";
    if (!s.note.empty()) out << "                                      " << s.note << "\n";
    if (!s.ok) out << "                                      " << s.detail << "\n";
  }
  out << "  " << r.expectations() << " expectation(s), " << r.failures() << " failed; "
      << r.steps.size() << " of the scenario's steps ran\n";
  return out.str();
}

std::string junit_xml(const PlayReport& r) {
  std::ostringstream out;
  int tests = 0, failures = 0, errors = 0;
  for (const auto& s : r.steps) {
    if (s.is_command) {
      if (!s.ok) ++tests, ++errors;
    } else {
      ++tests;
      failures += !s.ok;
    }
  }
  std::string run_error = r.run_error();
  if (!run_error.empty()) ++tests, ++errors;
  std::string suite = xml_escape(r.name);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"dtrsim\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"" << errors << "\" time=\"" << r.duration_ms / 1000.0 << "\">\n";
  out << "  <testsuite name=\"" << suite << "\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"" << errors << "\" time=\"" << r.duration_ms / 1000.0 << "\" timestamp=\""
      << format_rfc3339(r.started_at).substr(0, 19) << "\">\n";
  for (const auto& s : r.steps) {
    if (s.is_command && s.ok) continue;
    out << "    <testcase classname=\"dtrsim." << suite << "\" name=\"steps[" << s.index << "] "
        << xml_escape(s.summary) << "\" time=\"" << s.elapsed_ms / 1000.0 << "\">\n";
    if (!s.ok)
      out << "      <" << (s.is_command ? "error" : "failure") << " message=\""
          << xml_escape(s.detail) << "\">" << xml_escape(s.detail + "\n" + json_text(s.measured, 2))
          << "</" << (s.is_command ? "error" : "failure") << ">\n";
    else
      out << "      <system-out>" << xml_escape(s.detail) << "</system-out>\n";
    out << "    </testcase>\n";
  }
  if (!run_error.empty())  // a run that did not complete is an error, whatever its steps said
    out << "    <testcase classname=\"dtrsim." << suite << "\" name=\"run\" time=\"" << r.duration_ms / 1000.0
        << "\">\n      <error message=\"" << xml_escape(run_error) << "\"/>\n    </testcase>\n";
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

std::string report_json(const PlayReport& r) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : r.steps) {
    nlohmann::json j = {{"index", s.index},
                        {"kind", s.is_command ? "command" : "expect"},
                        {"summary", s.summary},
                        {"at_ms", s.at.count()},
                        {"started_ms", s.started_ms},
                        {"lateness_ms", s.lateness_ms},
                        {"elapsed_ms", s.elapsed_ms},
                        {"attempts", s.attempts},
                        {"ok", s.ok},
                        {"detail", s.detail},
                        {"measured", s.measured}};
    if (s.within) j["within_ms"] = s.within->count();
    if (!s.note.empty()) j["note"] = s.note;
    steps.push_back(j);
  }
  nlohmann::json out = {{"scenario", r.name},
                        {"file", r.file},
                        {"description", r.description},
                        {"started_at", format_rfc3339(r.started_at, true)},
                        {"duration_ms", r.duration_ms},
                        {"result", !r.runtime_error.empty() ? "error" : r.aborted ? "interrupted"
                                                               : r.passed()       ? "passed"
                                                                                  : "failed"},
                        {"expectations", r.expectations()},
                        {"failures", r.failures()},
                        {"steps", steps}};
  if (!r.run_error().empty()) out["error"] = r.run_error();
  return json_text(out, 2) + "\n";
}

std::string html_timeline(const PlayReport& r) {
  const double width = 900, row = 26, left = 110;
  double total = std::max(r.duration_ms, 1.0);
  auto x = [&](double ms) { return left + ms / total * width; };
  auto color = [](int status) {
    return status == 200 ? "#3c9a4a" : status == 503 ? "#d04437" : status == 502 ? "#e08a1e" : "#b0b0b0";
  };
  std::ostringstream svg;
  double height = row * (static_cast<double>(r.replicas.size()) * 2 + 3);
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << left + width + 20 << "\" height=\""
      << height << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  for (size_t i = 0; i < r.replicas.size(); ++i) {
    double y = row * static_cast<double>(i) + 10;
    svg << "<text x=\"4\" y=\"" << y + 14 << "\">" << xml_escape(r.replicas[i]) << " health</text>\n";
    for (size_t k = 0; k < r.health.size(); ++k) {
      double from = r.health[k].first, to = k + 1 < r.health.size() ? r.health[k + 1].first : r.duration_ms;
      auto it = r.health[k].second.find(r.replicas[i]);
      int status = it == r.health[k].second.end() ? 0 : it->second;
      svg << "<rect x=\"" << x(from) << "\" y=\"" << y << "\" width=\"" << std::max(0.5, x(to) - x(from))
          << "\" height=\"18\" fill=\"" << color(status) << "\"><title>" << seconds(from) << ": "
          << (status ? std::to_string(status) : "stopped") << "</title></rect>\n";
    }
  }
  double base = row * static_cast<double>(r.replicas.size()) + 20;
  for (size_t i = 0; i < r.replicas.size(); ++i) {
    double y = base + row * static_cast<double>(i);
    svg << "<text x=\"4\" y=\"" << y + 14 << "\">" << xml_escape(r.replicas[i]) << " LB share</text>\n";
    for (const auto& [t, answers] : r.traffic) {
      int all = 0;
      for (const auto& [who, n] : answers) all += n;
      auto it = answers.find(r.replicas[i]);
      double share = all && it != answers.end() ? static_cast<double>(it->second) / all : 0;
      svg << "<rect x=\"" << x(t) - 3 << "\" y=\"" << y + 18 * (1 - share) << "\" width=\"6\" height=\""
          << 18 * share + 0.5 << "\" fill=\"#2f6fb3\"><title>" << seconds(t) << ": "
          << static_cast<int>(share * 100) << "% of " << all << "</title></rect>\n";
    }
  }
  double axis = base + row * static_cast<double>(r.replicas.size()) + 4;
  for (const auto& s : r.steps) {
    svg << "<line x1=\"" << x(s.started_ms) << "\" x2=\"" << x(s.started_ms) << "\" y1=\"4\" y2=\"" << axis
        << "\" stroke=\"" << (s.ok ? "#999" : "#d04437") << "\" stroke-dasharray=\"2,3\"><title>#" << s.index
        << " " << xml_escape(s.summary) << "</title></line>\n";
  }
  svg << "<text x=\"" << left << "\" y=\"" << axis + 16 << "\">0s</text><text x=\"" << left + width - 30
      << "\" y=\"" << axis + 16 << "\">" << seconds(total, 1) << "</text>\n</svg>\n";

  std::ostringstream html;
  html << "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
       << xml_escape(r.name) << "</title>\n<style>body{font:14px sans-serif;margin:1.5em}"
       << "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}table{border-collapse:collapse}"
       << ".FAIL,.ERROR{color:#b00}.PASS{color:#276}</style></head><body>\n<h1>" << xml_escape(r.name)
       << "</h1>\n<p>" << xml_escape(r.description) << "</p>\n<p>"
       << (!r.run_error().empty() ? "Error: " + xml_escape(r.run_error()) + ";" : r.passed() ? "Passed" : "Failed")
       << " in " << seconds(r.duration_ms) << ". Health: green 200, red 503, orange 502, grey stopped. "
       << "LB share: the part of each batch of requests through the load balancer that the replica "
       << "answered.</p>\n" << svg.str() << "<table><tr><th>step</th><th>at</th><th>what</th>"
       << "<th>result</th><th>took</th><th>detail</th></tr>\n";
  for (const auto& s : r.steps)
    html << "<tr><td>#" << s.index << "</td><td>" << format_duration(s.at) << "</td><td>"
         << xml_escape(s.summary) << "</td><td class=\"" << verdict(s) << "\">" << verdict(s)
         << "</td><td>" << xml_escape(took(s)) << "</td><td>" << xml_escape(s.detail) << "</td></tr>\n";
  html << "</table>\n</body></html>\n";
  return html.str();
}

} // namespace dtrsim
