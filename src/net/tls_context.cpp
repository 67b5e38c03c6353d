// SSL_CTX construction for the replicas' HTTPS listeners.
#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace dtrsim::net {
namespace {

int select_http11(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                  unsigned int inlen, void*) {
  static const unsigned char proto[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, proto, sizeof proto, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

SslCtxPtr make_ctx(const CredentialPtr& cred) {
  if (!cred) return nullptr;
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) throw TlsError("SSL_CTX_new: " + openssl_errors());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate(ctx.get(), cred->cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx.get(), cred->key.get()) != 1)
    throw TlsError("cannot use certificate: " + openssl_errors());
  for (const auto& pem : cred->chain_pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* extra = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (extra && SSL_CTX_add_extra_chain_cert(ctx.get(), extra) != 1) X509_free(extra);
  }
  static const unsigned char sid[] = "dtrsim";
  SSL_CTX_set_session_id_context(ctx.get(), sid, sizeof sid - 1);
  SSL_CTX_set_alpn_select_cb(ctx.get(), select_http11, nullptr);
  return ctx;
}

int refuse_client_hello(SSL*, int* alert, void*) {
  *alert = SSL_AD_HANDSHAKE_FAILURE;
  return SSL_CLIENT_HELLO_ERROR;
}

} // namespace

TlsContexts::TlsContexts(const ReplicaCredentials& creds)
    : normal_(make_ctx(creds.normal)),
      expired_(make_ctx(creds.expired)),
      wrong_host_(make_ctx(creds.wrong_host)),
      untrusted_(make_ctx(creds.untrusted)),
      failing_(make_ctx(creds.normal)),
      fingerprint_(sha256_fingerprint(creds.normal->cert.get())) {
  SSL_CTX_set_client_hello_cb(failing_.get(), refuse_client_hello, nullptr);
}

SSL_CTX* TlsContexts::get(Certificate c) const {
  SSL_CTX* chosen = nullptr;
  switch (c) {
    case Certificate::normal: chosen = normal_.get(); break;
    case Certificate::expired: chosen = expired_.get(); break;
    case Certificate::wrong_host: chosen = wrong_host_.get(); break;
    case Certificate::untrusted: chosen = untrusted_.get(); break;
  }
  return chosen ? chosen : normal_.get();
}

} // namespace dtrsim::net
