// The life of one connection on a replica, and the faults that act on it.
#include "connection.hpp"

#include <openssl/err.h>
#include <sys/socket.h>

#include <cctype>
#include <ctime>
#include <map>
#include <set>

#include "dtrsim/health.hpp"
#include "http_parser.hpp"
#include "replica_core.hpp"
#include "socket.hpp"
#include "stream.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim::net {
namespace {

using Steady = std::chrono::steady_clock;

std::string http_date(SysTime t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

// NGINX's answer to bytes it cannot take on this port (and the replica header, as every answer).
std::string nginx_400(const std::string& title, const std::string& replica_id) {
  std::string body = "<html>\r\n<head><title>400 " + title + "</title></head>\r\n<body>\r\n"
                     "<center><h1>400 Bad Request</h1></center>\r\n<center>" + title +
                     "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
  return "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" +
         (replica_id.empty() ? "" : "X-Dtrsim-Replica: " + replica_id + "\r\n") +
         "Connection: close\r\n\r\n" + body;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) append_item(out, n, ",");
  return out;
}

// Adds `name` to a comma-separated list unless it is there.
void name_in(std::string& list, const std::string& name) {
  if (("," + list + ",").find("," + name + ",") == std::string::npos) append_item(list, name, ",");
}

class Connection;

// What the faults of one stage may do to this connection.
class ConnectionFaults final : public FaultContext {
 public:
  ConnectionFaults(Connection& c, const ActiveFault& f) : conn_(c), fault_(f) {}
  Wake sleep_for(Millis d) override;
  Millis max_hang() const override;
  std::uint64_t random() override { return fault_.draws ? fault_.draws->draw() : 0; }
  void reset_connection() override;
  void close_connection() override;
  void write_and_close(std::string_view bytes) override;
  void replace_response(HttpResponse res) override;
  void throttle_response(long bytes_per_sec) override;
  void throttle_connection(long bytes_per_sec) override;
  void present(Certificate c) override;
  void abort_handshake() override;

 private:
  Connection& conn_;
  const ActiveFault& fault_;
};

class Connection {
 public:
  Connection(std::shared_ptr<ReplicaServer::Core> core, int fd, std::string peer, Port port)
      : core_(std::move(core)), env_(core_->env), fd_(fd), peer_(std::move(peer)), port_(port) {}

  void run() {
    core_->accepts++;
    core_->handled++;
    enter(Phase::waiting);
    tune_connection(fd_, env_.options.send_timeout);
    if (sniff() && handshake())
      while (!core_->closing && serve_one()) {}
    if (!uncounted_.empty() || (client_gone_ && !gone_reported_)) {
      ExchangeRecord rec = base_record();
      if (!client_gone_) rec.detail = "the connection ended before a request was answered";
      record(std::move(rec));
    }
    if (stream_ && ending_ == Ending::orderly) stream_->finish();
    stream_.reset();
    leave();
    core_->end_connection(fd_, ending_ == Ending::reset);
  }

 private:
  friend class ConnectionFaults;
  enum class Phase { none, waiting, reading, writing };
  enum class Ending { orderly, abrupt, reset };

  std::atomic<std::uint64_t>& counter(Phase p) {
    return p == Phase::reading ? core_->reading : p == Phase::writing ? core_->writing
                                                                      : core_->waiting;
  }
  void enter(Phase p) {
    if (phase_ == p) return;
    leave();
    counter(p)++;
    phase_ = p;
  }
  void leave() {
    if (phase_ != Phase::none) counter(phase_)--;
    phase_ = Phase::none;
  }

  ExchangeRecord base_record() const {
    ExchangeRecord rec;
    rec.time = env_.clock.now();
    rec.replica = core_->number;
    rec.replica_id = core_->replica_id;
    rec.port = port_;
    rec.peer = peer_;
    rec.fault = join(connection_faults());
    return rec;
  }

  // The faults acting on the whole connection now: its handshake's, then bandwidth.
  std::vector<std::string> connection_faults() const {
    std::vector<std::string> out = handshake_faults_;
    out.insert(out.end(), bandwidth_faults_.begin(), bandwidth_faults_.end());
    return out;
  }

  // Every entry counts (and names) the connection's faults not counted yet, and says when the
  // client went away during a fault.
  void record(ExchangeRecord&& rec) {
    rec.duration_ms = std::chrono::duration<double, std::milli>(Steady::now() - started_).count();
    for (const auto& name : uncounted_) {
      rec.applied.push_back(name);
      name_in(rec.fault, name);
    }
    uncounted_.clear();
    if (client_gone_ && !gone_reported_) {
      gone_reported_ = true;
      if (!rec.detail.empty()) rec.detail += "; ";
      rec.detail += "the client closed the connection during " + gone_during_;
      name_in(rec.fault, gone_during_);
    }
    if (env_.sink) env_.sink->record(std::move(rec));
  }

  void record_event(const char* event, std::string detail) {
    ExchangeRecord rec = base_record();
    rec.event = event;
    rec.detail = std::move(detail);
    record(std::move(rec));
  }

  // --- faults -------------------------------------------------------------------------------

  // The faults of `stage` that act now on this connection (and request path, for requests).
  // Connection-wide faults roll their probability once per connection.
  template <class F>
  Verdict run_faults(const ReplicaState& r, FaultStage stage, const std::string* path, F&& on_applied) {
    SysTime now = env_.clock.now();
    for (const auto& f : r.faults) {
      if (f.stage != stage || !f.active_at(now) || !f.matches_port(port_)) continue;
      if (path && !f.matches_path(*path)) continue;
      bool acts;
      if (stage == FaultStage::request) {
        acts = f.roll();
      } else {
        auto known = rolled_.find(f.id);
        acts = known != rolled_.end() ? known->second : (rolled_[f.id] = f.roll());
      }
      if (!acts) continue;
      on_applied(f);
      ConnectionFaults ctx(*this, f);
      if (f.impl->apply(ctx) == Verdict::ended || ending_ != Ending::orderly) return Verdict::ended;
    }
    return Verdict::proceed;
  }

  bool fault_present(std::uint64_t id) const {
    StatePtr state = env_.store.snapshot();
    const ReplicaState* r = state->find(core_->number);
    if (!r) return false;
    SysTime now = env_.clock.now();
    for (const auto& f : r->faults)
      if (f.id == id) return f.active_at(now);
    return false;
  }

  // Sleeps for `d` on behalf of fault `fault_id` (named `during`). Wakes when the fault is
  // cleared or the replica closes (both are published), and looks every kPeerCheck for a client
  // that closed its side meanwhile (as NGINX notices a client that gave up: its 499).
  Wake sleep(Millis d, std::uint64_t fault_id, const std::string& during) {
    static constexpr Millis kPeerCheck{50};
    auto deadline = Steady::now() + d;
    Wake why = Wake::elapsed;
    auto woken = [&] {
      if (core_->closing) why = Wake::stopping;
      else if (!fault_present(fault_id)) why = Wake::fault_cleared;
      else return false;
      return true;
    };
    for (;;) {
      if (env_.store.wait_until(std::min(deadline, Steady::now() + kPeerCheck), woken)) return why;
      if (peer_closed(fd_)) {
        client_gone_ = true;
        gone_during_ = during;
        ending_ = Ending::abrupt;
        return Wake::client_gone;
      }
      if (Steady::now() >= deadline) return Wake::elapsed;
    }
  }

  // A rate limit and the fault that set it.
  struct Throttle {
    long rate = 0;  // bytes per second; 0: none
    std::uint64_t fault = 0;
    std::string name;
  };

  // The tighter of the connection's (bandwidth) and the response's (dribble) limits.
  Throttle write_throttle() const {
    if (dribble_.rate > 0 && (bandwidth_.rate == 0 || dribble_.rate < bandwidth_.rate)) return dribble_;
    return bandwidth_;
  }

  // Sleeps long enough that `bytes` moved at `t`'s rate. When `t`'s fault is cleared meanwhile,
  // its limit ends for the rest of the exchange. False when the connection must end. A
  // connection's bandwidth fault counts once, when it first throttles bytes of it.
  bool pace(size_t bytes, Throttle t) {
    if (t.fault == bandwidth_.fault && counted_.insert(t.fault).second) uncounted_.push_back(t.name);
    auto d = std::chrono::duration_cast<Millis>(std::chrono::duration<double>(
        static_cast<double>(bytes) / static_cast<double>(t.rate)));
    Wake w = sleep(d, t.fault, t.name);
    if (w == Wake::fault_cleared) {
      if (dribble_.fault == t.fault) dribble_ = Throttle{};
      if (bandwidth_.fault == t.fault) look_up_connection_faults();
    }
    return connection_goes_on(w);
  }

  long read_in(char* buf, size_t n, Millis timeout) {
    Throttle t = bandwidth_;
    if (t.rate > 0) n = std::min<size_t>(n, static_cast<size_t>(std::max(1L, t.rate / 10)));
    long got = stream_->read_some(buf, n, timeout);
    if (got > 0 && t.rate > 0 && !pace(static_cast<size_t>(got), t)) return Stream::kError;
    return got;
  }

  // Writes `data` in slices paced by the current limits, which a cleared fault lifts mid-way.
  bool write_out(std::string_view data) {
    while (!data.empty()) {
      Throttle t = write_throttle();
      if (t.rate <= 0) return stream_->write_all(data);
      size_t n = std::min(static_cast<size_t>(std::max(1L, t.rate / 10)), data.size());
      if (!stream_->write_all(data.substr(0, n)) || !pace(n, t)) return false;
      data.remove_prefix(n);
    }
    return true;
  }

  // Looks up the connection-wide faults (bandwidth) acting now, so that a cleared one stops
  // acting on connections it already slowed. False when the replica no longer runs.
  bool look_up_connection_faults() {
    bandwidth_ = Throttle{};
    bandwidth_faults_.clear();
    StatePtr state = env_.store.snapshot();
    const ReplicaState* replica = state->find(core_->number);
    if (!replica || !replica->running) return false;
    run_faults(*replica, FaultStage::connection, nullptr,
               [&](const ActiveFault& f) { bandwidth_faults_.push_back(f.name); });
    return true;
  }

  // --- protocol -----------------------------------------------------------------------------

  // Looks at the first byte before choosing a protocol, so that a load balancer sending TLS to
  // the HTTP port (or plain HTTP to the HTTPS port) is answered as NGINX would and reported.
  bool sniff() {
    if (wait_readable(fd_, env_.options.keep_alive_timeout) != 1) return false;
    unsigned char first = 0;
    ssize_t peeked = ::recv(fd_, &first, 1, MSG_PEEK);
    if (peeked != 1) {
      // Connected and closed (or reset, as HAProxy ends its checks) without a byte: a TCP-only
      // health check, for instance.
      if (!core_->closing)
        record_event(events::empty_connection,
                     peeked == 0 ? "closed before sending anything" : "reset before sending anything");
      return false;
    }
    bool tls = first == 0x16;
    if (port_ == Port::http && tls) {
      record_event(events::tls_on_http_port,
                   "a TLS ClientHello arrived on the HTTP port: is an HTTPS upstream pointed at "
                   "port " + std::to_string(local_port(fd_)) + "?");
      PlainStream(fd_).write_all(nginx_400("Bad Request", header_id()));
      return false;
    }
    if (port_ == Port::https && !tls) {
      bool http_like = std::isupper(first) != 0;
      record_event(http_like ? events::plain_http_on_https_port : events::bad_request,
                   http_like ? "plain HTTP arrived on the HTTPS port: is an HTTP upstream "
                               "pointed at port " + std::to_string(local_port(fd_)) + "?"
                             : "bytes that are neither TLS nor HTTP arrived on the HTTPS port");
      if (http_like)
        PlainStream(fd_).write_all(nginx_400("The plain HTTP request was sent to HTTPS port", header_id()));
      return false;
    }
    if (port_ == Port::http) stream_ = std::make_unique<PlainStream>(fd_);
    return true;
  }

  std::string header_id() const { return env_.options.replica_header ? core_->replica_id : ""; }

  bool handshake() {
    if (port_ == Port::http) return true;
    StatePtr state = env_.store.snapshot();
    const ReplicaState* replica = state->find(core_->number);
    if (!replica || !replica->running) return false;
    if (run_faults(*replica, FaultStage::handshake, nullptr, [&](const ActiveFault& f) {
          handshake_faults_.push_back(f.name);
          uncounted_.push_back(f.name);
        }) == Verdict::ended)
      return false;
    SSL_CTX* ctx = abort_handshake_ ? core_->tls->failing() : core_->tls->get(certificate_);
    SSL* ssl = SSL_new(ctx);
    if (!ssl) return false;
    SSL_set_fd(ssl, fd_);
    set_receive_timeout(fd_, env_.options.handshake_timeout);
    int rc = SSL_accept(ssl);
    if (rc != 1) {
      std::string why = openssl_errors();
      SSL_free(ssl);
      if (!core_->closing) record_event(events::tls_handshake_failed, why);
      return false;
    }
    set_receive_timeout(fd_, env_.options.request_timeout);
    stream_ = std::make_unique<TlsStream>(fd_, ssl);
    if (!handshake_faults_.empty()) {
      // Handshake faults count once per connection, here, whether or not a request follows.
      ExchangeRecord rec = base_record();
      rec.detail = "TLS handshake completed";
      record(std::move(rec));
    }
    return true;
  }

  // Reads until a complete request head is buffered. False on close, timeout or a too-large head
  // (then `error` says so).
  bool read_head(std::string& head, std::optional<ParseError>& error) {
    char chunk[16 * 1024];
    for (;;) {
      // Empty lines before a request are ignored (RFC 9112 2.2).
      size_t blank = 0;
      while (blank < buf_.size() && (buf_[blank] == '\n' ||
                                     (buf_[blank] == '\r' && blank + 1 < buf_.size() &&
                                      buf_[blank + 1] == '\n')))
        blank += buf_[blank] == '\n' ? 1 : 2;
      buf_.erase(0, blank);
      size_t end = find_head_end(buf_);
      if (end != std::string::npos) {
        head = buf_.substr(0, end);
        buf_.erase(0, end);
        return true;
      }
      if (buf_.size() > kMaxHeadBytes) {
        error = ParseError{431, "request head larger than " + std::to_string(kMaxHeadBytes) +
                                    " bytes"};
        return false;
      }
      Millis wait = buf_.empty() ? env_.options.keep_alive_timeout : env_.options.request_timeout;
      long n = read_in(chunk, sizeof chunk, wait);
      if (n <= 0) return false;
      if (buf_.empty()) {
        enter(Phase::reading);
        started_ = Steady::now();
      }
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

  // Notes that `bytes` of body arrived now.
  void body_arrived(std::uint64_t bytes) {
    if (bytes == 0) return;
    double at = std::chrono::duration<double, std::milli>(Steady::now() - head_done_).count();
    if (body_.bytes == 0) body_.first_byte_ms = at;
    body_.last_byte_ms = at;
    body_.bytes += bytes;
  }

  // Reads and drops the request body, noting when it arrived. False when the connection cannot
  // continue.
  bool discard_body(const BodyFraming& framing, std::string& error) {
    char chunk[16 * 1024];
    body_ = BodyTiming{};
    head_done_ = Steady::now();
    if (framing.kind == BodyFraming::sized) {
      std::uint64_t left = framing.length;
      size_t from_buf = static_cast<size_t>(std::min<std::uint64_t>(left, buf_.size()));
      buf_.erase(0, from_buf);
      left -= from_buf;
      body_arrived(from_buf);
      while (left > 0) {
        long n = read_in(chunk, std::min<size_t>(sizeof chunk, left), env_.options.request_timeout);
        if (n <= 0) return false;
        left -= static_cast<std::uint64_t>(n);
        body_arrived(static_cast<std::uint64_t>(n));
      }
      return true;
    }
    if (framing.kind == BodyFraming::chunked) {
      ChunkedDecoder dec;
      size_t used = dec.feed(buf_);
      buf_.erase(0, used);
      body_arrived(dec.data_bytes());
      while (!dec.done() && !dec.failed()) {
        long n = read_in(chunk, sizeof chunk, env_.options.request_timeout);
        if (n <= 0) return false;
        std::uint64_t before = dec.data_bytes();
        size_t u = dec.feed(std::string_view(chunk, static_cast<size_t>(n)));
        body_arrived(dec.data_bytes() - before);
        if (dec.done()) buf_.append(chunk + u, static_cast<size_t>(n) - u);
      }
      if (dec.failed()) {
        error = "bad chunked body: " + dec.error();
        return false;
      }
    }
    return true;
  }

  void finalize(HttpResponse& res) {
    res.headers.insert(res.headers.begin(), Header{"Date", http_date(env_.clock.now())});
    res.headers.insert(res.headers.begin(), Header{"Server", "nginx"});
    if (env_.options.replica_header) res.set_header("X-Dtrsim-Replica", core_->replica_id);
  }

  bool send(const HttpResponse& res, bool keep_alive) {
    std::string out = serialize_head(res, keep_alive);
    if (!res.omit_body) out += res.body;
    return write_out(out);
  }

  // Answers a request that cannot be served with `err` and closes; records it first (see
  // answer_and_record).
  void reject(const ParseError& err, ExchangeRecord&& rec, const char* event = events::bad_request) {
    HttpResponse res;
    res.status = err.status;
    res.headers.push_back({"Content-Type", "application/json"});
    res.body = api_errors_json("BAD_REQUEST", err.message);
    finalize(res);
    rec.event = event;
    rec.detail = err.message;
    answer_and_record(res, false, std::move(rec));
  }

  // Sends `res` and records the exchange. A client that has its answer finds it in the journal
  // and the metrics, so the record goes first, unless a dribble or bandwidth fault paces the
  // bytes: then it follows the last byte, so that its duration includes the slow write.
  bool answer_and_record(const HttpResponse& res, bool keep_alive, ExchangeRecord&& rec) {
    rec.status = res.status;
    bool paced = write_throttle().rate > 0;
    if (!paced) record(std::move(rec));
    bool sent = send(res, keep_alive);
    if (paced) record(std::move(rec));
    return sent;
  }

  // One request/response exchange. False when the connection must end.
  bool serve_one() {
    std::string head;
    std::optional<ParseError> error;
    enter(Phase::waiting);
    dribble_ = Throttle{};
    if (!look_up_connection_faults()) return false;
    if (!read_head(head, error)) {
      if (!error) return false;
      reject(*error, base_record());
      return false;
    }
    enter(Phase::writing);
    core_->requests++;
    HttpRequest req;
    ExchangeRecord rec = base_record();
    error = parse_request_head(head, req);
    BodyFraming framing;
    if (!error) error = body_framing(req, framing);
    rec.method = req.method;
    rec.path = req.path;
    if (const std::string* host = req.header("Host")) rec.host = *host;
    if (const std::string* ua = req.header("User-Agent")) rec.user_agent = *ua;
    if (error) {
      reject(*error, std::move(rec));
      return false;
    }
    if (!req.header("Host")) {
      if (req.version == "HTTP/1.1") {
        reject(ParseError{400, "HTTP/1.1 request without a Host header"}, std::move(rec),
               events::missing_host);
        return false;
      }
      rec.event = events::missing_host;
      rec.detail = req.version + " request without a Host header";
    }
    if (const std::string* expect = req.header("Expect");
        expect && iequals(*expect, "100-continue") && framing.kind != BodyFraming::none)
      stream_->write_all("HTTP/1.1 100 Continue\r\n\r\n");
    std::string body_error;
    if (!discard_body(framing, body_error)) {
      if (!body_error.empty()) reject(ParseError{400, body_error}, std::move(rec));
      return false;
    }

    StatePtr state = env_.store.snapshot();
    const ReplicaState* replica = state->find(core_->number);
    if (!replica || !replica->running) return false;
    // The journal names every fault acting on the exchange; the metrics count the request faults
    // here, the connection's own faults once per connection (record()).
    std::vector<std::string> acting = connection_faults();
    replacement_.reset();
    Verdict v = run_faults(*replica, FaultStage::request, &req.path, [&](const ActiveFault& f) {
      acting.push_back(f.name);
      rec.applied.push_back(f.name);
    });
    rec.fault = join(acting);
    if (v == Verdict::ended) {
      if (client_gone_) rec.status = 499;  // NGINX's "client closed request"
      record(std::move(rec));
      return false;
    }
    // Faults may have slept: answer from the state as it is now.
    state = env_.store.snapshot();
    replica = state->find(core_->number);
    if (!replica || !replica->running) return false;
    HttpResponse res;
    if (replacement_) {
      res = std::move(*replacement_);
      res.omit_body = req.method == "HEAD";
    } else {
      SysTime now = env_.clock.now();
      // A flap holding a service failed shapes this answer: it is named and counted here.
      for (const ActiveFault* f : faults_failing_services(*replica, now)) {
        acting.push_back(f->name);
        rec.applied.push_back(f->name);
      }
      rec.fault = join(acting);
      ReplicaContext ctx{*state, *replica, port_, now, env_.ca_pem, env_.accounts,
                         counters(), peer_, body_};
      res = respond(req, ctx);
    }
    finalize(res);
    bool keep = req.wants_keep_alive() && !core_->closing;
    return answer_and_record(res, keep, std::move(rec)) && keep;
  }

  NginxCounters counters() const {
    NginxCounters c;
    c.accepts = core_->accepts;
    c.handled = core_->handled;
    c.requests = core_->requests;
    c.reading = core_->reading;
    c.writing = core_->writing;
    c.waiting = core_->waiting;
    return c;
  }

  std::shared_ptr<ReplicaServer::Core> core_;
  ServerEnv& env_;
  int fd_;
  std::string peer_;
  Port port_;
  std::unique_ptr<Stream> stream_;
  std::string buf_;
  Phase phase_ = Phase::none;
  Steady::time_point started_ = Steady::now();
  Steady::time_point head_done_ = Steady::now();
  BodyTiming body_;

  // Fault effects.
  Ending ending_ = Ending::orderly;
  std::map<std::uint64_t, bool> rolled_;        // per-connection probability decisions
  std::vector<std::string> handshake_faults_;  // handshake faults that acted
  std::vector<std::string> bandwidth_faults_;  // connection faults acting now
  std::set<std::uint64_t> counted_;            // bandwidth faults already counted
  std::vector<std::string> uncounted_;         // connection/handshake faults not yet counted
  bool client_gone_ = false, gone_reported_ = false;
  std::string gone_during_;                    // the fault the client left during
  Certificate certificate_ = Certificate::normal;
  bool abort_handshake_ = false;
  Throttle bandwidth_, dribble_;
  std::optional<HttpResponse> replacement_;
};

Wake ConnectionFaults::sleep_for(Millis d) { return conn_.sleep(d, fault_.id, fault_.name); }
Millis ConnectionFaults::max_hang() const { return conn_.env_.options.max_hang; }

void ConnectionFaults::reset_connection() { conn_.ending_ = Connection::Ending::reset; }
// The socket closes when the connection ends, after the exchange is recorded: a client that saw
// the close finds it in the journal.
void ConnectionFaults::close_connection() { conn_.ending_ = Connection::Ending::abrupt; }
void ConnectionFaults::write_and_close(std::string_view bytes) {
  if (conn_.stream_) conn_.stream_->write_all(bytes);
  close_connection();
}
void ConnectionFaults::replace_response(HttpResponse res) { conn_.replacement_ = std::move(res); }
void ConnectionFaults::throttle_response(long rate) {
  conn_.dribble_ = Connection::Throttle{rate, fault_.id, fault_.name};
}
void ConnectionFaults::throttle_connection(long rate) {
  if (conn_.bandwidth_.rate == 0 || rate < conn_.bandwidth_.rate)
    conn_.bandwidth_ = Connection::Throttle{rate, fault_.id, fault_.name};
}
void ConnectionFaults::present(Certificate c) { conn_.certificate_ = c; }
void ConnectionFaults::abort_handshake() { conn_.abort_handshake_ = true; }

} // namespace

void serve_connection(std::shared_ptr<ReplicaServer::Core> core, int fd, std::string peer,
                      Port port) {
  Connection(std::move(core), fd, std::move(peer), port).run();
}

} // namespace dtrsim::net
