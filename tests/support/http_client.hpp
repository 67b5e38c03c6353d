#pragma once
// Clients for tests: cpp-httplib clients that verify replicas against the served CA, and raw
// sockets for what an HTTP library hides (connection resets, empty replies, bytes on the wire).

#include <httplib.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace dtrsim::test {

std::unique_ptr<httplib::Client> http_client(const std::string& address, int port);
// Verifies the certificate against `ca_pem` (and the host name when `verify_host`).
std::unique_ptr<httplib::SSLClient> https_client(const std::string& address, int port,
                                                 const std::string& ca_pem);

// A connected TCP socket, or -1. `timeout` bounds connect().
int connect_tcp(const std::string& address, int port,
                std::chrono::milliseconds timeout = std::chrono::seconds(2));

struct RawReply {
  std::string bytes;  // everything received until close or timeout
  int error = 0;      // errno of the failing read (ECONNRESET...), 0 on orderly close
  bool timed_out = false;
  double first_byte_ms = -1;  // when the first and the last bytes arrived, from the send; -1: none
  double last_byte_ms = -1;
};

// Sends `request` on a fresh connection and reads until the peer closes (or `timeout`).
RawReply raw_exchange(const std::string& address, int port, const std::string& request,
                      std::chrono::milliseconds timeout = std::chrono::seconds(3));

// Reads one HTTP response (head + Content-Length body) from a connected socket.
std::optional<std::string> read_response(int fd, std::chrono::milliseconds timeout);

// Status code of an HTTP response's first line, or 0.
int status_of(const std::string& response);

} // namespace dtrsim::test
