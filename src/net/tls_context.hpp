#pragma once
// OpenSSL server contexts of one replica: its own certificate (TLS 1.2 minimum, HTTP/1.1 ALPN)
// and the certificates the tls_* faults present instead.

#include <openssl/ssl.h>

#include <memory>

#include "dtrsim/fault.hpp"
#include "dtrsim/tls.hpp"

namespace dtrsim::net {

struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

struct ReplicaCredentials {
  CredentialPtr normal;
  CredentialPtr expired;     // signed by the CA, validity ended yesterday
  CredentialPtr wrong_host;  // signed by the CA, for a name the replica does not have
  CredentialPtr untrusted;   // right names, self-signed
};

class TlsContexts {
 public:
  explicit TlsContexts(const ReplicaCredentials& creds);
  SSL_CTX* get(Certificate c) const;
  // A context whose handshakes fail: the ClientHello is answered with a handshake_failure alert.
  SSL_CTX* failing() const { return failing_.get(); }
  // SHA-256 fingerprint of the normal certificate (lets clients tell replicas apart).
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  SslCtxPtr normal_, expired_, wrong_host_, untrusted_, failing_;
  std::string fingerprint_;
};

} // namespace dtrsim::net
