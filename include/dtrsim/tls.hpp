#pragma once
// Certificates made in memory at start: a CA and one ECDSA P-256 certificate per replica, or the
// user's own (--tls-cert/--tls-key/--tls-ca). Also the certificates the tls_* faults present.

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace dtrsim {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PKeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PKeyPtr = std::unique_ptr<EVP_PKEY, PKeyFree>;

class TlsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A certificate with its private key. Shared, immutable once made.
struct Credential {
  X509Ptr cert;
  PKeyPtr key;
  std::string cert_pem;
  std::vector<std::string> chain_pem;  // intermediates, if any (user certificates)
};
using CredentialPtr = std::shared_ptr<const Credential>;

struct CertSpec {
  std::string common_name;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  long not_before_seconds = -300;            // relative to now
  long not_after_seconds = 825L * 24 * 3600;  // relative to now
};

class CertificateAuthority {
 public:
  static CertificateAuthority generate(const std::string& common_name);
  // Issues a leaf certificate for `spec`, signed by this CA.
  CredentialPtr issue(const CertSpec& spec) const;
  const std::string& pem() const { return ca_->cert_pem; }

 private:
  CredentialPtr ca_;
};

// A self-signed leaf (no CA a client could know): what tls_untrusted presents.
CredentialPtr self_signed(const CertSpec& spec);

// Loads --tls-cert (leaf, optionally followed by its chain) and --tls-key from PEM files.
CredentialPtr load_credential(const std::string& cert_file, const std::string& key_file);

// Reads --tls-ca: PEM certificates, of which one must verify `leaf` (with its chain). Returns
// the file's text; throws TlsError naming the file and the reason otherwise.
std::string load_ca_for(const Credential& leaf, const std::string& ca_file);

std::string read_text_file(const std::string& path);

// "AB:CD:..." SHA-256 fingerprint of a certificate.
std::string sha256_fingerprint(X509* cert);

// PEM of one certificate.
std::string to_pem(X509* cert);

// The OpenSSL error queue as one line (and cleared).
std::string openssl_errors();

} // namespace dtrsim
