// Accept loop, stop, and the accept stall (listen backlog 0 plus a plug connection, closed
// unseen when it is accepted after the stall).
#include "listener.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "socket.hpp"

namespace dtrsim::net {

Listener::Listener(const std::string& address, int port) : address_(address) {
  fd_ = listen_on(address, port, kBacklog);
  port_ = local_port(fd_);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

Listener::~Listener() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void Listener::start(AcceptFn on_accept) {
  on_accept_ = std::move(on_accept);
  thread_ = std::thread([this] { run(); });
}

void Listener::wake() {
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void Listener::stop() {
  if (stopping_.exchange(true)) {
    if (thread_.joinable()) thread_.join();
    return;
  }
  wake();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(stall_m_);
  for (int plug : plugs_) ::close(plug);
  plugs_.clear();
  plug_peers_.clear();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Listener::set_stalled(bool stalled) {
  std::lock_guard<std::mutex> lock(stall_m_);
  if (stalled == stalled_.load() || fd_ < 0) return;
  if (stalled) {
    // A backlog of 0 admits one queued connection; our own plug takes that slot, so the kernel
    // drops every further SYN while we stop calling accept().
    stalled_ = true;
    wake();
    ::listen(fd_, 0);
    std::string target = address_ == "0.0.0.0" ? "127.0.0.1" : address_ == "::" ? "::1" : address_;
    SocketAddress sa = make_address(target, port_);
    int plug = ::socket(sa.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (plug < 0) return;  // no plug: the backlog of 0 alone admits one client, then stalls
    ::connect(plug, reinterpret_cast<sockaddr*>(&sa.storage), sa.length);
    plugs_.push_back(plug);
    // Wait (briefly) until the plug is queued so the stall is in force when we return. Once
    // queued, it is accepted after the stall: remember its address to close it unseen then.
    pollfd p{plug, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    sockaddr_storage local{};
    socklen_t local_len = sizeof local;
    if (::poll(&p, 1, 200) == 1 && ::getsockopt(plug, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
        err == 0 && ::getsockname(plug, reinterpret_cast<sockaddr*>(&local), &local_len) == 0)
      plug_peers_.insert(format_endpoint(reinterpret_cast<sockaddr*>(&local)));
  } else {
    ::listen(fd_, kBacklog);
    for (int plug : plugs_) ::close(plug);
    plugs_.clear();
    stalled_ = false;
    wake();
  }
}

bool Listener::is_plug(const std::string& peer) {
  std::lock_guard<std::mutex> lock(stall_m_);
  return plug_peers_.erase(peer) > 0;
}

void Listener::run() {
  while (!stopping_) {
    bool stalled = stalled_.load();
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {fd_, static_cast<short>(stalled ? 0 : POLLIN), 0}};
    int n = ::poll(fds, 2, -1);
    if (n < 0 && errno != EINTR) break;
    if (fds[0].revents & POLLIN) {
      uint64_t v;
      [[maybe_unused]] auto r = ::read(wake_fd_, &v, sizeof v);
    }
    if (stopping_ || stalled_ || !(fds[1].revents & POLLIN)) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    int conn = ::accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
    if (conn < 0) continue;
    std::string from = format_endpoint(reinterpret_cast<sockaddr*>(&peer));
    if (is_plug(from)) {
      ::close(conn);  // our own stall's plug, not a client
      continue;
    }
    on_accept_(conn, std::move(from));
  }
}

} // namespace dtrsim::net
