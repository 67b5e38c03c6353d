#pragma once
// Thin helpers over POSIX sockets: numeric addresses, listening sockets with a real backlog, and
// the options every connection gets (TCP_NODELAY, send timeout, linger-0 resets).

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace dtrsim::net {

class BindError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
};

// Parses a numeric IPv4/IPv6 address ("localhost" means 127.0.0.1). Throws BindError naming it.
SocketAddress make_address(const std::string& address, int port);

// "127.0.0.1:8080" or "[::1]:8080".
std::string format_endpoint(const sockaddr* sa);
std::string format_endpoint(const std::string& address, int port);

// A listening socket bound to address:port (0 = ephemeral) with SO_REUSEADDR and the given
// backlog. Throws BindError("<address>:<port>: Address already in use").
int listen_on(const std::string& address, int port, int backlog);

int local_port(int fd);

// Per-connection options: TCP_NODELAY, close-on-exec, send timeout.
void tune_connection(int fd, std::chrono::milliseconds send_timeout);

void set_receive_timeout(int fd, std::chrono::milliseconds timeout);

// Closes with SO_LINGER 0: the peer gets a TCP RST ("connection reset by peer").
void close_with_reset(int fd);

// Waits until fd is readable. 1 readable, 0 timeout, -1 error.
int wait_readable(int fd, std::chrono::milliseconds timeout);

// True when the peer has closed its side (FIN) or the connection is reset; reads nothing.
bool peer_closed(int fd);

} // namespace dtrsim::net
