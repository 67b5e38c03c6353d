#pragma once
// A connection's byte stream, plain TCP or TLS, with bounded waits.

#include <openssl/ssl.h>

#include <chrono>
#include <string>
#include <string_view>

namespace dtrsim::net {

class Stream {
 public:
  static constexpr long kClosed = 0;
  static constexpr long kError = -1;
  static constexpr long kTimeout = -2;

  virtual ~Stream() = default;
  // Up to `n` bytes, waiting at most `timeout` for the first: >0 bytes, kClosed, kError, kTimeout.
  virtual long read_some(char* buf, size_t n, std::chrono::milliseconds timeout) = 0;
  virtual bool write_all(std::string_view data) = 0;
  // Orderly end (TLS close_notify); the socket itself is closed by its owner.
  virtual void finish() {}
};

class PlainStream final : public Stream {
 public:
  explicit PlainStream(int fd) : fd_(fd) {}
  long read_some(char* buf, size_t n, std::chrono::milliseconds timeout) override;
  bool write_all(std::string_view data) override;

 private:
  int fd_;
};

class TlsStream final : public Stream {
 public:
  TlsStream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~TlsStream() override { SSL_free(ssl_); }
  long read_some(char* buf, size_t n, std::chrono::milliseconds timeout) override;
  bool write_all(std::string_view data) override;
  void finish() override { SSL_shutdown(ssl_); }

 private:
  int fd_;
  SSL* ssl_;
};

} // namespace dtrsim::net
