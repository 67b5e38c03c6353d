// Plain and TLS streams over a blocking socket, with poll() for read timeouts.
#include "stream.hpp"

#include <sys/socket.h>

#include <cerrno>

#include "socket.hpp"

namespace dtrsim::net {

long PlainStream::read_some(char* buf, size_t n, std::chrono::milliseconds timeout) {
  int w = wait_readable(fd_, timeout);
  if (w == 0) return kTimeout;
  if (w < 0) return kError;
  for (;;) {
    ssize_t got = ::recv(fd_, buf, n, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return kError;
    return static_cast<long>(got);
  }
}

bool PlainStream::write_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

long TlsStream::read_some(char* buf, size_t n, std::chrono::milliseconds timeout) {
  if (SSL_pending(ssl_) == 0) {
    int w = wait_readable(fd_, timeout);
    if (w == 0) return kTimeout;
    if (w < 0) return kError;
  }
  int got = SSL_read(ssl_, buf, static_cast<int>(n));
  if (got > 0) return got;
  int err = SSL_get_error(ssl_, got);
  return err == SSL_ERROR_ZERO_RETURN ? kClosed : kError;
}

bool TlsStream::write_all(std::string_view data) {
  while (!data.empty()) {
    int sent = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

} // namespace dtrsim::net
