// Request buffering: a chunked upload sent slowly must reach the replica while the client is
// still sending (DTR: "not buffer requests"). The replica's /_dtrsim/upload says over how long
// the body arrived.
#include <thread>

#include "lb_context.hpp"

namespace dtrsim::lb {

CheckResult check_buffering(Context& c) {
  CheckResult r = make_result("buffering", "requests are not buffered");
  const int chunks = 8;
  const auto gap = std::chrono::milliseconds(200);
  const double send_ms = static_cast<double>(gap.count() * (chunks - 1));
  std::vector<std::string> parts;
  for (Port p : c.ports()) {
    std::string port(port_name(p));
    net::ProbeRequest req = c.request(p, "/_dtrsim/upload");
    net::Session s(req);
    if (!s.open()) {
      r.verdict = CheckVerdict::fail;
      parts.push_back(port + ": " + std::string(net::observed_name(s.result().observed)) + " (" + s.result().detail + ")");
      continue;
    }
    bool sent = s.send("POST /_dtrsim/upload HTTP/1.1\r\nHost: " + req.host_header + "\r\nUser-Agent: " + kUserAgent +
                       "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    for (int i = 0; i < chunks && sent; ++i) {
      if (i) std::this_thread::sleep_for(gap);
      sent = s.send("20\r\n" + std::string(32, 'a' + i) + "\r\n");
    }
    sent = sent && s.send("0\r\n\r\n");
    net::ProbeResult res = s.read_response(std::chrono::seconds(10));
    nlohmann::json body = nlohmann::json::parse(res.body, nullptr, false);
    if (!sent || res.observed != net::Observed::answered || !body.is_object() || !body.contains("span_ms")) {
      r.verdict = CheckVerdict::fail;
      parts.push_back(port + ": the upload was not answered by a replica (" +
                      (res.observed == net::Observed::answered ? "status " + std::to_string(res.status)
                                                               : res.detail) + ")");
      continue;
    }
    double span = body["span_ms"].get<double>();
    std::string who = c.name_of_id.count(body["replica"]) ? c.name_of_id.at(body["replica"]) : "a replica";
    r.measured[port] = {{"sent_over_ms", send_ms}, {"received_over_ms", span}, {"bytes", body["bytes"]}};
    if (span >= send_ms * 0.5) {
      parts.push_back(port + ": reached " + who + " over " + secs(span) + " while being sent");
    } else {
      r.verdict = CheckVerdict::fail;
      parts.push_back(port + ": arrived at " + who + " in one piece (over " + secs(span) +
                      "): the load balancer buffers request bodies");
    }
  }
  r.detail = "a chunked upload sent over " + secs(send_ms);
  for (const auto& p : parts) r.detail += "; " + p;
  return r;
}

} // namespace dtrsim::lb
