// In-memory certificate generation with OpenSSL 3 (ECDSA P-256, SHA-256 signatures).
#include "dtrsim/tls.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <sstream>

namespace dtrsim {
namespace {

PKeyPtr new_key() {
  PKeyPtr key(EVP_EC_gen("P-256"));
  if (!key) throw TlsError("cannot generate an ECDSA P-256 key: " + openssl_errors());
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) throw TlsError("bad certificate extension " + value + ": " + openssl_errors());
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509Ptr new_cert(EVP_PKEY* key, const std::string& cn, long not_before, long not_after) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), not_before);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), not_after);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("dtrsim"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

std::string san_of(const CertSpec& spec) {
  std::string san;
  auto add = [&san](const char* kind, const std::string& value) {
    if (!san.empty()) san += ',';
    san += kind;
    san += value;
  };
  for (const auto& d : spec.dns_names) add("DNS:", d);
  for (const auto& ip : spec.ip_addresses) add("IP:", ip);
  return san;
}

CredentialPtr finish(X509Ptr cert, PKeyPtr key) {
  auto c = std::make_shared<Credential>();
  c->cert_pem = to_pem(cert.get());
  c->cert = std::move(cert);
  c->key = std::move(key);
  return c;
}

CredentialPtr make_leaf(const CertSpec& spec, X509* issuer, EVP_PKEY* issuer_key) {
  PKeyPtr key = new_key();
  X509Ptr cert = new_cert(key.get(), spec.common_name, spec.not_before_seconds,
                          spec.not_after_seconds);
  X509_set_issuer_name(cert.get(),
                       X509_get_subject_name(issuer ? issuer : cert.get()));
  X509* signer = issuer ? issuer : cert.get();
  add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
  add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth");
  add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer) add_ext(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  std::string san = san_of(spec);
  if (!san.empty()) add_ext(cert.get(), signer, NID_subject_alt_name, san);
  if (!X509_sign(cert.get(), issuer_key ? issuer_key : key.get(), EVP_sha256()))
    throw TlsError("cannot sign certificate: " + openssl_errors());
  return finish(std::move(cert), std::move(key));
}

} // namespace

std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

std::string to_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::string sha256_fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(cert, EVP_sha256(), md, &n);
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    if (i) out += ':';
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

CertificateAuthority CertificateAuthority::generate(const std::string& common_name) {
  PKeyPtr key = new_key();
  X509Ptr cert = new_cert(key.get(), common_name, -300, 10L * 365 * 24 * 3600);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  add_ext(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(cert.get(), cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign");
  add_ext(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  if (!X509_sign(cert.get(), key.get(), EVP_sha256()))
    throw TlsError("cannot sign the CA certificate: " + openssl_errors());
  CertificateAuthority ca;
  ca.ca_ = finish(std::move(cert), std::move(key));
  return ca;
}

CredentialPtr CertificateAuthority::issue(const CertSpec& spec) const {
  return make_leaf(spec, ca_->cert.get(), ca_->key.get());
}

CredentialPtr self_signed(const CertSpec& spec) { return make_leaf(spec, nullptr, nullptr); }

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TlsError("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CredentialPtr load_credential(const std::string& cert_file, const std::string& key_file) {
  std::string cert_pem = read_text_file(cert_file);
  std::string key_pem = read_text_file(key_file);
  auto c = std::make_shared<Credential>();
  BIO* bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  c->cert.reset(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  if (!c->cert) {
    BIO_free(bio);
    throw TlsError(cert_file + ": not a PEM certificate");
  }
  while (X509* extra = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    c->chain_pem.push_back(to_pem(extra));
    X509_free(extra);
  }
  ERR_clear_error();
  BIO_free(bio);
  BIO* kbio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  c->key.reset(PEM_read_bio_PrivateKey(kbio, nullptr, nullptr, nullptr));
  BIO_free(kbio);
  if (!c->key) throw TlsError(key_file + ": not a PEM private key");
  if (X509_check_private_key(c->cert.get(), c->key.get()) != 1)
    throw TlsError(key_file + " does not match " + cert_file);
  c->cert_pem = to_pem(c->cert.get());
  return c;
}

std::string load_ca_for(const Credential& leaf, const std::string& ca_file) {
  std::string pem = read_text_file(ca_file);
  X509_STORE* store = X509_STORE_new();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  int count = 0;
  while (X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, ca);
    X509_free(ca);
    ++count;
  }
  BIO_free(bio);
  ERR_clear_error();
  if (count == 0) {
    X509_STORE_free(store);
    throw TlsError(ca_file + ": no PEM certificate in it");
  }
  STACK_OF(X509)* chain = sk_X509_new_null();
  for (const auto& c : leaf.chain_pem) {
    BIO* b = BIO_new_mem_buf(c.data(), static_cast<int>(c.size()));
    if (X509* x = PEM_read_bio_X509(b, nullptr, nullptr, nullptr)) sk_X509_push(chain, x);
    BIO_free(b);
  }
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf.cert.get(), chain);
  // Whether the CA signs the certificate, not whether either is valid today.
  X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_PARTIAL_CHAIN);
  bool ok = X509_verify_cert(ctx) == 1;
  std::string why = ok ? "" : X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
  X509_STORE_CTX_free(ctx);
  sk_X509_pop_free(chain, X509_free);
  X509_STORE_free(store);
  ERR_clear_error();
  if (!ok) throw TlsError(ca_file + " does not verify the --tls-cert certificate (" + why + ")");
  return pem;
}

} // namespace dtrsim
