#pragma once
// A raw OpenSSL client for tests that look at the handshake itself: which certificate a replica
// presents and why verification fails.

#include <chrono>
#include <string>

namespace dtrsim::test {

struct TlsProbe {
  bool connected = false;        // TCP connect succeeded
  bool handshake_ok = false;     // TLS handshake completed
  long verify_result = -1;       // X509_V_OK (0) or the X509_V_ERR_* code
  std::string verify_error;      // X509_verify_cert_error_string
  std::string handshake_error;   // OpenSSL's reason when the handshake failed
  std::string fingerprint;       // SHA-256 of the peer certificate
  std::string protocol;          // "TLSv1.3"
  double handshake_ms = 0;
};

// Connects, handshakes (verifying against `ca_pem` with host check `host` when given, but never
// aborting on a verification failure so the result can be inspected) and disconnects.
TlsProbe probe_tls(const std::string& address, int port, const std::string& ca_pem = "",
                   const std::string& host = "",
                   std::chrono::milliseconds timeout = std::chrono::seconds(3));

} // namespace dtrsim::test
