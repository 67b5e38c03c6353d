// Raw TLS client for certificate tests.
#include "tls_probe.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dtrsim/tls.hpp"
#include "http_client.hpp"

namespace dtrsim::test {

TlsProbe probe_tls(const std::string& address, int port, const std::string& ca_pem,
                   const std::string& host, std::chrono::milliseconds timeout) {
  TlsProbe out;
  int fd = connect_tcp(address, port, timeout);
  if (fd < 0) return out;
  out.connected = true;
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ca_pem.empty()) {
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    BIO* bio = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
    while (X509* c = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
      X509_STORE_add_cert(store, c);
      X509_free(c);
    }
    BIO_free(bio);
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (!host.empty()) {
    SSL_set1_host(ssl, host.c_str());
    if (host.find_first_not_of("0123456789.") != std::string::npos)
      SSL_set_tlsext_host_name(ssl, host.c_str());
  }
  auto start = std::chrono::steady_clock::now();
  if (SSL_connect(ssl) == 1) {
    out.handshake_ms = std::chrono::duration<double, std::milli>(
                           std::chrono::steady_clock::now() - start).count();
    out.handshake_ok = true;
    out.protocol = SSL_get_version(ssl);
    out.verify_result = SSL_get_verify_result(ssl);
    out.verify_error = X509_verify_cert_error_string(out.verify_result);
    if (X509* peer = SSL_get1_peer_certificate(ssl)) {
      out.fingerprint = sha256_fingerprint(peer);
      X509_free(peer);
    }
    SSL_shutdown(ssl);
  } else {
    unsigned long e = ERR_get_error();
    char buf[256] = "handshake failed";
    if (e) ERR_error_string_n(e, buf, sizeof buf);
    out.handshake_error = buf;
    ERR_clear_error();
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ::close(fd);
  return out;
}

} // namespace dtrsim::test
