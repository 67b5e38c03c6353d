// A one-request HTTP(S) client that reports what a client observes, in the terms faults are
// named by: answered, refused, connect timeout, reset, empty reply, read timeout, not HTTP, TLS
// failure. Used by scenario expectations and `dtrsim lb check`.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dtrsim/http.hpp"

namespace dtrsim::net {

enum class Observed {
  answered,
  refused,
  connect_timeout,
  reset,
  empty_reply,
  read_timeout,
  not_http,
  tls_failed,
  error,
};
std::string_view observed_name(Observed o);  // "answered", "refused", "connect_timeout", ...

struct ProbeRequest {
  std::string address;  // numeric IP (or localhost)
  int port = 0;
  bool tls = false;
  std::string method = "GET";
  std::string path = "/_ping";
  std::string host_header;      // default: address:port
  std::vector<Header> headers;  // extra
  std::string body;
  std::chrono::milliseconds connect_timeout{2000}, read_timeout{5000};
  std::string ca_pem;           // verify against this CA (the result is reported, never fatal)
  std::string verify_host;      // host name checked by verification (default: address)
};

struct ProbeResult {
  Observed observed = Observed::error;
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string detail;          // a readable reason when not answered
  double ms = 0;               // connect to response end
  double handshake_ms = 0;
  long verify_result = -1;     // X509_V_OK (0) or X509_V_ERR_*, when ca_pem was given
  std::string verify_error;
  std::string fingerprint;     // SHA-256 of the server certificate (TLS)
  std::string header(const std::string& lower_name) const;
};

ProbeResult probe(const ProbeRequest& request);

// One connection kept open for several requests (keep-alive, slow uploads, idle timeouts).
class Session {
 public:
  // Connects (and handshakes) to request.address:port; result() says how that went.
  explicit Session(const ProbeRequest& request);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  bool open() const { return open_; }
  // The outcome of connecting (observed is `answered` when the connection is up), with the TLS
  // details.
  const ProbeResult& result() const { return connect_result_; }

  // Sends `r` (keeping the connection when `keep_alive`) and reads the response.
  ProbeResult request(const ProbeRequest& r, bool keep_alive);
  // Raw bytes (a streamed upload); false when sending failed.
  bool send(std::string_view bytes);
  ProbeResult read_response(std::chrono::milliseconds timeout, bool head_request = false);
  // Without blocking: has the peer closed (or reset) the connection?
  bool closed_by_peer();

  struct Conn;

 private:
  std::unique_ptr<Conn> conn_;
  bool open_ = false;
  ProbeResult connect_result_;
  std::chrono::steady_clock::time_point started_;
};

} // namespace dtrsim::net
