// The control API's connection loop: one request after another on a kept-alive socket, read and
// written with bounded waits, until the client leaves, the limits are reached, or stop_all().
#include "control_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "../net/socket.hpp"

namespace dtrsim {

namespace {

int wait_for(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  int n;
  do n = ::poll(&p, 1, static_cast<int>(timeout.count()));
  while (n < 0 && errno == EINTR);
  return n;
}

void ip_and_port(const sockaddr_storage& sa, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (sa.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(sa);
    ::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    port = ntohs(in.sin_port);
  } else if (sa.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(sa);
    ::inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
    port = ntohs(in6.sin6_port);
  }
  ip = text;
}

// A buffered socket stream: cpp-httplib reads request heads a byte at a time.
class FdStream : public httplib::Stream {
 public:
  FdStream(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}

  bool is_readable() const override {
    return begin_ < end_ || wait_for(fd_, POLLIN, timeout_) > 0;
  }
  bool is_writable() const override { return wait_for(fd_, POLLOUT, timeout_) > 0; }

  ssize_t read(char* ptr, size_t size) override {
    if (begin_ == end_) {
      if (!is_readable()) return -1;
      ssize_t n;
      do n = ::recv(fd_, buffer_, sizeof buffer_, 0);
      while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_ + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage sa{};
    socklen_t len = sizeof sa;
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&sa), &len) == 0) ip_and_port(sa, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage sa{};
    socklen_t len = sizeof sa;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len) == 0) ip_and_port(sa, ip, port);
  }
  socket_t socket() const override { return fd_; }

  bool has_buffered() const { return begin_ < end_; }

 private:
  int fd_;
  std::chrono::milliseconds timeout_;
  char buffer_[4096];
  size_t begin_ = 0, end_ = 0;
};

} // namespace

ControlHttpServer::ControlHttpServer() {
  set_tcp_nodelay(true);
  set_keep_alive_max_count(keep_alive_max_);
  set_keep_alive_timeout(keep_alive_.count());
}

void ControlHttpServer::stop_all() {
  stop();
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = true;
  for (socket_t fd : open_) ::shutdown(fd, SHUT_RDWR);
}

bool ControlHttpServer::process_and_close_socket(socket_t sock) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      ::close(sock);
      return false;
    }
    open_.insert(sock);
  }
  FdStream stream(sock, io_timeout_);
  bool ok = false;
  for (std::size_t left = keep_alive_max_; left > 0 && is_running(); --left) {
    // Between requests: wait for the next one, the client's close, or stop_all()'s shutdown.
    if (!stream.has_buffered() && wait_for(sock, POLLIN, keep_alive_) <= 0) break;
    bool closed = false;
    ok = process_request(stream, left == 1, closed, nullptr);
    if (!ok || closed) break;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    open_.erase(sock);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

} // namespace dtrsim
