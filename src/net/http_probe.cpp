// One request over raw TCP or OpenSSL, classified by what the client saw.
#include "http_probe.hpp"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "dtrsim/tls.hpp"
#include "http_parser.hpp"
#include "socket.hpp"

namespace dtrsim::net {
namespace {

using Steady = std::chrono::steady_clock;

double since(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

} // namespace

struct Session::Conn {
  int fd = -1;
  SSL* ssl = nullptr;
  SSL_CTX* ctx = nullptr;
  ~Conn() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
    if (fd >= 0) ::close(fd);
  }
};

namespace {

using Conn = Session::Conn;

// Connects with a timeout. Returns the observation when it failed.
std::optional<Observed> connect_to(Conn& c, const ProbeRequest& r, std::string& detail) {
  SocketAddress sa;
  try {
    sa = make_address(r.address, r.port);
  } catch (const BindError& e) {
    detail = e.what();
    return Observed::error;
  }
  c.fd = ::socket(sa.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int rc = ::connect(c.fd, reinterpret_cast<sockaddr*>(&sa.storage), sa.length);
  if (rc != 0 && errno != EINPROGRESS) {
    detail = std::strerror(errno);
    return errno == ECONNREFUSED ? Observed::refused : Observed::error;
  }
  if (rc != 0) {
    pollfd p{c.fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(r.connect_timeout.count())) != 1) {
      detail = "connect did not complete within " + std::to_string(r.connect_timeout.count()) + "ms";
      return Observed::connect_timeout;
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) {
      detail = std::strerror(err);
      return err == ECONNREFUSED ? Observed::refused : Observed::error;
    }
  }
  ::fcntl(c.fd, F_SETFL, ::fcntl(c.fd, F_GETFL) & ~O_NONBLOCK);
  int one = 1;
  ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{static_cast<time_t>(r.read_timeout.count() / 1000),
             static_cast<suseconds_t>((r.read_timeout.count() % 1000) * 1000)};
  ::setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return std::nullopt;
}

std::optional<Observed> handshake(Conn& c, const ProbeRequest& r, ProbeResult& out) {
  c.ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(c.ctx, SSL_VERIFY_NONE, nullptr);
  // A server that closes without close_notify has closed the connection, as plain TCP would.
  SSL_CTX_set_options(c.ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  if (!r.ca_pem.empty()) {
    X509_STORE* store = SSL_CTX_get_cert_store(c.ctx);
    BIO* bio = BIO_new_mem_buf(r.ca_pem.data(), static_cast<int>(r.ca_pem.size()));
    while (X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
      X509_STORE_add_cert(store, x);
      X509_free(x);
    }
    BIO_free(bio);
  }
  c.ssl = SSL_new(c.ctx);
  SSL_set_fd(c.ssl, c.fd);
  std::string host = r.verify_host.empty() ? r.address : r.verify_host;
  if (!r.ca_pem.empty()) SSL_set1_host(c.ssl, host.c_str());
  if (host.find_first_not_of("0123456789.:[]") != std::string::npos)
    SSL_set_tlsext_host_name(c.ssl, host.c_str());
  auto t0 = Steady::now();
  if (SSL_connect(c.ssl) != 1) {
    unsigned long e = ERR_get_error();
    char buf[256] = "handshake failed";
    if (e) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    out.detail = std::string("TLS handshake failed: ") + buf;
    if (!e && (errno == ECONNRESET)) return Observed::reset;
    return Observed::tls_failed;
  }
  out.handshake_ms = since(t0);
  if (!r.ca_pem.empty()) {
    out.verify_result = SSL_get_verify_result(c.ssl);
    out.verify_error = X509_verify_cert_error_string(out.verify_result);
  }
  if (X509* peer = SSL_get1_peer_certificate(c.ssl)) {
    out.fingerprint = sha256_fingerprint(peer);
    X509_free(peer);
  }
  return std::nullopt;
}

bool send_all(Conn& c, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    int n = c.ssl ? SSL_write(c.ssl, data.data() + done, static_cast<int>(data.size() - done))
                  : static_cast<int>(::send(c.fd, data.data() + done, data.size() - done, MSG_NOSIGNAL));
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// >0 bytes, 0 closed, -1 reset, -2 timeout (the whole response's deadline), -3 other error
long recv_some(Conn& c, char* buf, size_t n, Steady::time_point deadline) {
  if (!c.ssl || SSL_pending(c.ssl) == 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now());
    if (left.count() <= 0 || wait_readable(c.fd, left) != 1) return -2;
  }
  if (c.ssl) {
    int got = SSL_read(c.ssl, buf, static_cast<int>(n));
    if (got > 0) return got;
    int err = SSL_get_error(c.ssl, got);
    ERR_clear_error();
    if (err == SSL_ERROR_ZERO_RETURN) return 0;
    if (err == SSL_ERROR_WANT_READ) return -2;
    if (err == SSL_ERROR_SYSCALL) {
      if (errno == ECONNRESET) return -1;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return -2;
      return 0;  // EOF without close_notify
    }
    return -3;
  }
  ssize_t got = ::recv(c.fd, buf, n, 0);
  if (got >= 0) return static_cast<long>(got);
  if (errno == ECONNRESET) return -1;
  if (errno == EAGAIN || errno == EWOULDBLOCK) return -2;
  return -3;
}

// Parses a response out of `data` once complete; nullopt while more is needed.
std::optional<bool> parse_response(const std::string& data, bool closed, ProbeResult& out,
                                   bool head_request) {
  size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return closed ? std::optional<bool>(false) : std::nullopt;
  std::string head = data.substr(0, end);
  if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12) return false;
  out.status = std::atoi(head.c_str() + 9);
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon), value = line.substr(colon + 1);
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      out.headers[name] = value;
    }
    pos = next;
  }
  std::string body = data.substr(end + 4);
  if (head_request || out.status == 204 || out.status == 304 || out.status / 100 == 1) return true;
  if (auto cl = out.headers.find("content-length"); cl != out.headers.end()) {
    size_t n = std::strtoul(cl->second.c_str(), nullptr, 10);
    if (body.size() < n) return closed ? std::optional<bool>(false) : std::nullopt;
    out.body = body.substr(0, n);
    return true;
  }
  if (auto te = out.headers.find("transfer-encoding"); te != out.headers.end() && iequals(te->second, "chunked")) {
    ChunkedDecoder dec;
    dec.feed(body);
    if (!dec.done()) return closed ? std::optional<bool>(false) : std::nullopt;
    // Reassemble the data (small bodies only: the decoder counts, so decode again by hand).
    std::string decoded;
    size_t p = 0;
    while (p < body.size()) {
      size_t eol = body.find("\r\n", p);
      size_t n = std::strtoul(body.substr(p, eol - p).c_str(), nullptr, 16);
      if (n == 0) break;
      decoded += body.substr(eol + 2, n);
      p = eol + 2 + n + 2;
    }
    out.body = decoded;
    return true;
  }
  if (!closed) return std::nullopt;
  out.body = body;
  return true;
}

} // namespace

std::string_view observed_name(Observed o) {
  switch (o) {
    case Observed::answered: return "answered";
    case Observed::refused: return "refused";
    case Observed::connect_timeout: return "connect_timeout";
    case Observed::reset: return "reset";
    case Observed::empty_reply: return "empty_reply";
    case Observed::read_timeout: return "timeout";
    case Observed::not_http: return "not_http";
    case Observed::tls_failed: return "tls_failed";
    case Observed::error: return "error";
  }
  return "error";
}

std::string ProbeResult::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

std::string request_text(const ProbeRequest& r, bool keep_alive) {
  std::string host = r.host_header.empty() ? format_endpoint(r.address, r.port) : r.host_header;
  std::string req = r.method + " " + r.path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: dtrsim\r\n" +
                    (keep_alive ? "" : "Connection: close\r\n");
  bool has_user_agent = false;
  for (const auto& h : r.headers) has_user_agent = has_user_agent || iequals(h.name, "User-Agent");
  if (has_user_agent) req.replace(req.find("User-Agent: dtrsim\r\n"), 20, "");
  for (const auto& h : r.headers) req += h.name + ": " + h.value + "\r\n";
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT")
    req += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  return req + "\r\n" + r.body;
}

Session::Session(const ProbeRequest& r) : conn_(std::make_unique<Conn>()), started_(Steady::now()) {
  ProbeResult& out = connect_result_;
  std::optional<Observed> failed = connect_to(*conn_, r, out.detail);
  if (!failed && r.tls) failed = handshake(*conn_, r, out);
  out.ms = since(started_);
  out.observed = failed.value_or(Observed::answered);
  open_ = !failed;
}

Session::~Session() = default;

bool Session::send(std::string_view data) { return open_ && send_all(*conn_, std::string(data)); }

bool Session::closed_by_peer() {
  if (!open_) return true;
  if (conn_->ssl && SSL_pending(conn_->ssl) > 0) return false;
  if (wait_readable(conn_->fd, std::chrono::milliseconds(0)) != 1) return false;
  char c;
  if (conn_->ssl) {
    // A TLS peer that closes sends a close_notify record before its FIN: the raw socket then
    // holds bytes, so ask TLS (without blocking on a partial record) whether the stream ended.
    int flags = ::fcntl(conn_->fd, F_GETFL);
    ::fcntl(conn_->fd, F_SETFL, flags | O_NONBLOCK);
    int r = SSL_peek(conn_->ssl, &c, 1);
    int err = r > 0 ? SSL_ERROR_NONE : SSL_get_error(conn_->ssl, r);
    ::fcntl(conn_->fd, F_SETFL, flags);
    ERR_clear_error();
    return r <= 0 && err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE;
  }
  ssize_t n = ::recv(conn_->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

ProbeResult Session::read_response(std::chrono::milliseconds timeout, bool head_request) {
  ProbeResult out = connect_result_;
  auto t0 = Steady::now();
  auto finish = [&](Observed o) {
    out.observed = o;
    out.ms = since(t0);
    if (o != Observed::answered) open_ = false;
    return out;
  };
  std::string data;
  char buf[16384];
  auto deadline = t0 + timeout;
  for (;;) {
    long n = recv_some(*conn_, buf, sizeof buf, deadline);
    if (n > 0) {
      data.append(buf, static_cast<size_t>(n));
      if (data.size() >= 5 && data.compare(0, 5, "HTTP/") != 0) {
        out.detail = "the reply is not HTTP";
        return finish(Observed::not_http);
      }
      auto parsed = parse_response(data, false, out, head_request);
      if (parsed && *parsed) return finish(Observed::answered);
      continue;
    }
    if (n == -2) {
      out.detail = "no complete response within " + std::to_string(timeout.count()) + "ms";
      return finish(Observed::read_timeout);
    }
    if (n == -1 && data.empty()) {
      out.detail = "connection reset by peer";
      return finish(Observed::reset);
    }
    if (data.empty()) {
      out.detail = n == 0 ? "the connection closed with no response" : "read failed";
      return finish(n == 0 ? Observed::empty_reply : Observed::error);
    }
    auto parsed = parse_response(data, true, out, head_request);
    if (parsed && *parsed) return finish(Observed::answered);
    out.detail = "the reply is not a complete HTTP response";
    return finish(Observed::not_http);
  }
}

ProbeResult Session::request(const ProbeRequest& r, bool keep_alive) {
  if (!open_) return connect_result_;
  auto t0 = Steady::now();
  if (!send_all(*conn_, request_text(r, keep_alive))) {
    ProbeResult out = connect_result_;
    out.detail = std::string("sending the request failed: ") + std::strerror(errno);
    out.observed = errno == ECONNRESET || errno == EPIPE ? Observed::reset : Observed::error;
    out.ms = since(t0);
    open_ = false;
    return out;
  }
  ProbeResult res = read_response(r.read_timeout, r.method == "HEAD");
  res.ms = since(t0);
  if (!keep_alive || res.header("connection") == "close") open_ = false;
  return res;
}

ProbeResult probe(const ProbeRequest& r) {
  Session s(r);
  if (!s.open()) return s.result();
  ProbeResult res = s.request(r, false);
  res.ms = s.result().ms + res.ms;
  return res;
}

} // namespace dtrsim::net
