// The control API: routes, token check, error bodies.
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "../net/socket.hpp"
#include "control_http.hpp"
#include "dtrsim/apply.hpp"
#include "dtrsim/auth.hpp"
#include "dtrsim/control_api.hpp"
#include "dtrsim/http.hpp"

namespace dtrsim {

namespace {

using nlohmann::json;

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(2) + "\n", "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& error,
                const std::string& path = "") {
  send_json(res, status, {{"error", error}, {"path", path}});
}

bool parse_count(const std::string& text, long long max, long long& out) {
  if (text.empty() || text.size() > 12) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  out = std::stoll(text);
  return out <= max;
}

} // namespace

struct ControlServer::Impl {
  Impl(Cluster& c, std::string t) : cluster(c), token(std::move(t)) {}
  Cluster& cluster;
  std::string token;
  ControlHttpServer server;
  std::thread thread;
  int listen_fd = -1;
  std::atomic<bool> ended{false};  // listen_after_bind() returned

  void journal_get(const httplib::Request& req, httplib::Response& res) {
    JournalQuery q;
    if (req.has_param("replica")) {
      std::string text = req.get_param_value("replica");
      json value = text;
      long long n;
      if (parse_count(text, 1000000, n)) value = n;
      try {
        auto numbers = resolve_replicas(*cluster.state(), ReplicaSelector{value}, "replica");
        if (numbers.size() == 1) q.replica = numbers.front();
      } catch (const CommandError& e) {
        return send_error(res, 400, e.message(), e.path());
      }
    }
    // Without `since` the answer is the tail (the newest entries); with it, entries page forward.
    q.newest = !req.has_param("since");
    if (req.has_param("since")) {
      std::string text = req.get_param_value("since");
      long long seq;
      SysTime t;
      if (parse_count(text, (1LL << 62), seq)) q.after_seq = static_cast<std::uint64_t>(seq);
      else if (parse_rfc3339(text, t)) q.since = t;
      else
        return send_error(res, 400,
                          "\"" + text + "\" is neither a sequence number nor an RFC 3339 time",
                          "since");
    }
    if (req.has_param("limit")) {
      long long limit;
      if (!parse_count(req.get_param_value("limit"), 100000, limit) || limit == 0)
        return send_error(res, 400, "must be a number from 1 to 100000", "limit");
      q.limit = static_cast<size_t>(limit);
    }
    json entries = json::array();
    for (const auto& e : cluster.journal().query(q)) entries.push_back(to_json(e));
    send_json(res, 200, {{"entries", entries}, {"last_seq", cluster.journal().last_seq()}});
  }

  void commands_post(const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded())
      return send_error(res, 400, "the body is not valid JSON: expected a command object or an array of them");
    try {
      StatePtr applied;
      auto warnings = cluster.apply(body, &applied);
      json out = cluster.describe(applied);
      out["warnings"] = warnings;
      send_json(res, 200, out);
    } catch (const CommandFailed& e) {
      send_error(res, 409, e.message(), e.path());
    } catch (const CommandError& e) {
      send_error(res, 400, e.message(), e.path());
    }
  }

  // The control plane's route table.
  void routes() {
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(dashboard_html(), "text/html; charset=utf-8");
    });
    server.Get("/v1/cluster", [this](const httplib::Request&, httplib::Response& res) {
      send_json(res, 200, cluster.describe());
    });
    server.Post("/v1/commands", [this](const httplib::Request& req, httplib::Response& res) {
      commands_post(req, res);
    });
    server.Get("/v1/journal", [this](const httplib::Request& req, httplib::Response& res) {
      journal_get(req, res);
    });
    server.Delete("/v1/journal", [this](const httplib::Request&, httplib::Response& res) {
      send_json(res, 200, {{"cleared", cluster.journal().clear()}});
    });
    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(cluster.render_metrics(), "text/plain; version=0.0.4; charset=utf-8");
    });
  }

  void guards() {
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (token.empty()) return httplib::Server::HandlerResponse::Unhandled;
      // The scheme is case-insensitive (RFC 7235); the token is compared in constant time.
      std::string given = req.get_header_value("Authorization");
      bool bearer = given.size() > 7 && iequals(given.substr(0, 7), "bearer ");
      if (!bearer || !constant_time_equals(given.substr(7), token)) {
        res.set_header("WWW-Authenticate", "Bearer realm=\"dtrsim\"");
        send_error(res, 401, "this control API needs \"Authorization: Bearer <token>\" (--control-token)");
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      if (res.status == 404)
        send_error(res, 404, "no such endpoint: " + req.method + " " + req.path +
                                 " (see GET /v1/cluster, POST /v1/commands, GET|DELETE "
                                 "/v1/journal, GET /metrics)");
      else
        send_error(res, res.status, "request failed with status " + std::to_string(res.status));
    });
    server.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "internal error";
          try {
            if (ep) std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          send_error(res, 500, what);
        });
  }
};

ControlAddress parse_control_address(const std::string& text) {
  ControlAddress out;
  auto bad = [&] {
    return StartError("--control: \"" + text + "\" is not ADDRESS:PORT (e.g. 127.0.0.1:7070)");
  };
  auto port_of = [&](const std::string& p) {
    if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos)
      throw bad();
    int v = std::stoi(p);
    if (v > 65535) throw bad();
    return v;
  };
  if (text.find(':') == std::string::npos) {
    out.port = port_of(text);
    return out;
  }
  if (text.front() == '[') {
    size_t close = text.find("]:");
    if (close == std::string::npos) throw bad();
    out.address = text.substr(1, close - 1);
    out.port = port_of(text.substr(close + 2));
  } else {
    size_t colon = text.rfind(':');
    out.address = text.substr(0, colon);
    out.port = port_of(text.substr(colon + 1));
  }
  try {
    net::make_address(out.address, out.port);
  } catch (const net::BindError&) {
    throw bad();
  }
  return out;
}

bool is_loopback(const std::string& address) {
  return address == "localhost" || address == "::1" || address.rfind("127.", 0) == 0;
}

ControlServer::ControlServer(Cluster& cluster, std::string token)
    : impl_(std::make_unique<Impl>(cluster, std::move(token))) {}

ControlServer::~ControlServer() { stop(); }

void ControlServer::start(const ControlAddress& where) {
  Impl& m = *impl_;
  if (!is_loopback(where.address) && m.token.empty())
    throw StartError("--control " + net::format_endpoint(where.address, where.port) +
                     ": refusing to expose the control API beyond loopback without "
                     "--control-token");
  m.routes();
  m.guards();
  // Each keep-alive connection holds a worker while idle: leave room for dashboards, scripts,
  // `dtrsim ctl`, scenario players and `lb check` at once.
  m.server.new_task_queue = [] { return new httplib::ThreadPool(64); };
  // Debian's cpp-httplib listens with a backlog of 5: raise it once the socket is bound.
  m.server.set_socket_options([&m](socket_t sock) {
    int one = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    m.listen_fd = sock;
  });
  bool ok;
  int port = where.port;
  if (port == 0) {
    port = m.server.bind_to_any_port(where.address);
    ok = port > 0;
  } else {
    ok = m.server.bind_to_port(where.address, port);
  }
  if (!ok) {
    std::string why = "cannot bind";
    try {
      int probe = net::listen_on(where.address, where.port, 1);
      ::close(probe);
    } catch (const net::BindError& e) {
      why = e.what();
    }
    throw StartError("cannot listen for the control API on " + why);
  }
  if (m.listen_fd >= 0) ::listen(m.listen_fd, 1024);
  url_ = "http://" + net::format_endpoint(where.address == "0.0.0.0" ? "127.0.0.1" : where.address, port);
  m.thread = std::thread([&m] {
    m.server.listen_after_bind();
    m.ended = true;
  });
  // stop() does nothing until the server runs (cpp-httplib 0.11.4 has no wait_until_ready): wait
  // for it, so that a start-up error right after this (the state file) cannot hang the exit.
  while (!m.server.is_running() && !m.ended) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void ControlServer::stop() {
  Impl& m = *impl_;
  if (!m.thread.joinable()) return;
  m.server.stop_all();
  m.thread.join();
}

} // namespace dtrsim
