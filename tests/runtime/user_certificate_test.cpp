// --tls-cert/--tls-key/--tls-ca: every replica presents the user's certificate, /ca serves the
// user's CA, and unusable files are a clear start-up error.
#include <catch2/catch.hpp>

#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <cstdio>
#include <fstream>

#include "dtrsim/cluster.hpp"
#include "dtrsim/tls.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/tls_probe.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

namespace {

void write_key(const std::string& path, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f);
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

ClusterConfig with_files(const TempDir& dir) {
  ClusterConfig c;
  c.replicas = 2;
  c.http_port = 0;
  c.https_port = 0;
  c.tls_cert = dir.file("leaf.pem");
  c.tls_key = dir.file("leaf.key");
  c.tls_ca = dir.file("ca.pem");
  return c;
}

} // namespace

TEST_CASE("the user's certificate is presented by every replica and their CA served at /ca",
          "[integration][tls]") {
  TempDir dir;
  CertificateAuthority ca = CertificateAuthority::generate("user CA");
  CertSpec spec;
  spec.common_name = "dtr.corp.example";
  spec.dns_names = {"dtr.corp.example", "localhost"};
  spec.ip_addresses = {"127.0.0.1"};
  CredentialPtr leaf = ca.issue(spec);
  std::ofstream(dir.file("leaf.pem")) << leaf->cert_pem;
  write_key(dir.file("leaf.key"), leaf->key.get());
  std::ofstream(dir.file("ca.pem")) << ca.pem();

  Cluster cluster(with_files(dir));
  cluster.start();
  std::string fingerprint = sha256_fingerprint(leaf->cert.get());
  for (const auto& r : cluster.replicas()) {
    TlsProbe p = probe_tls(r.address, r.https_port, ca.pem(), "dtr.corp.example");
    REQUIRE(p.handshake_ok);
    CHECK(p.verify_result == 0);
    CHECK(p.fingerprint == fingerprint);
    CHECK(r.fingerprint == fingerprint);
    auto res = http_client(r.address, r.http_port)->Get("/ca");
    REQUIRE(res);
    CHECK(res->body == ca.pem());
  }
}

TEST_CASE("with the user's certificate, tls_expired_cert and tls_wrong_host warn that dtrsim's CA "
          "signs them", "[integration][tls]") {
  TempDir dir;
  CertificateAuthority ca = CertificateAuthority::generate("user CA");
  CertSpec spec;
  spec.common_name = "dtr.corp.example";
  spec.dns_names = {"dtr.corp.example"};
  spec.ip_addresses = {"127.0.0.1"};
  CredentialPtr leaf = ca.issue(spec);
  std::ofstream(dir.file("leaf.pem")) << leaf->cert_pem;
  write_key(dir.file("leaf.key"), leaf->key.get());
  std::ofstream(dir.file("ca.pem")) << ca.pem();
  Cluster cluster(with_files(dir));
  cluster.start();
  for (const char* type : {"tls_expired_cert", "tls_wrong_host"}) {
    CAPTURE(type);
    auto warnings = cluster.apply(nlohmann::json{{"do", "fault"}, {"replica", 1}, {"fault", {{"type", type}}}});
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Catch::StartsWith(std::string(type) + ": the replicas present your own certificate"));
    CHECK_THAT(warnings[0], Catch::Contains("unknown issuer"));
    // What the warning says a client trusting only the user's CA sees.
    ReplicaInfo r = cluster.replicas()[0];
    TlsProbe p = probe_tls(r.address, r.https_port, ca.pem(), "dtr.corp.example");
    REQUIRE(p.handshake_ok);
    CHECK(p.verify_result == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    cluster.apply(nlohmann::json{{"do", "clear"}, {"replica", 1}});
  }
  // The faults whose certificates do not depend on a CA do not warn.
  CHECK(cluster.apply(nlohmann::json{{"do", "fault"}, {"replica", 1}, {"fault", {{"type", "tls_untrusted"}}}}).empty());
}

TEST_CASE("unusable certificate files are a start-up error naming the file", "[integration][tls]") {
  TempDir dir;
  CertificateAuthority ca = CertificateAuthority::generate("user CA");
  CredentialPtr leaf = ca.issue(CertSpec{"a", {"a"}, {}});
  CredentialPtr other = ca.issue(CertSpec{"b", {"b"}, {}});
  std::ofstream(dir.file("leaf.pem")) << leaf->cert_pem;
  write_key(dir.file("leaf.key"), other->key.get());  // the wrong key
  std::ofstream(dir.file("ca.pem")) << ca.pem();
  CHECK_THROWS_WITH(Cluster(with_files(dir)), Catch::Contains("leaf.key does not match"));
  std::ofstream(dir.file("leaf.pem")) << "not a certificate";
  CHECK_THROWS_WITH(Cluster(with_files(dir)), Catch::Contains("leaf.pem: not a PEM certificate"));
}

TEST_CASE("a --tls-ca that is not PEM, or that did not sign --tls-cert, is a start-up error",
          "[tls]") {
  TempDir dir;
  CertificateAuthority ca = CertificateAuthority::generate("user CA");
  CertificateAuthority stranger = CertificateAuthority::generate("someone else's CA");
  CredentialPtr leaf = ca.issue(CertSpec{"a", {"a"}, {}});
  std::ofstream(dir.file("leaf.pem")) << leaf->cert_pem;
  write_key(dir.file("leaf.key"), leaf->key.get());
  std::ofstream(dir.file("ca.pem")) << "hello, not PEM";
  CHECK_THROWS_WITH(Cluster(with_files(dir)), Catch::Contains("ca.pem: no PEM certificate in it"));
  std::ofstream(dir.file("ca.pem")) << stranger.pem();
  CHECK_THROWS_WITH(Cluster(with_files(dir)),
                    Catch::Contains("ca.pem does not verify the --tls-cert certificate"));
  std::ofstream(dir.file("ca.pem")) << stranger.pem() << ca.pem();  // a bundle that holds it
  CHECK_NOTHROW(Cluster(with_files(dir)));

  ClusterConfig ca_only;
  ca_only.tls_ca = dir.file("ca.pem");
  CHECK_THROWS_WITH(Cluster(ca_only), Catch::Contains("tls-ca: goes with --tls-cert"));
}
