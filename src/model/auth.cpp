// Basic authentication for cluster_status.
#include "dtrsim/auth.hpp"

#include <cctype>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

namespace dtrsim {

std::optional<Account> Accounts::parse(const std::string& spec, bool admin) {
  size_t colon = spec.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  return Account{spec.substr(0, colon), spec.substr(colon + 1), admin};
}

std::optional<std::string> base64_decode(const std::string& in) {
  if (in.empty()) return std::string{};
  if (in.size() % 4 != 0) return std::nullopt;
  for (char c : in)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '='))
      return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;
  if (in.size() >= 1 && in[in.size() - 1] == '=') ++pad;
  if (in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string base64_encode(const std::string& in) {
  std::string out((in.size() + 2) / 3 * 4 + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool constant_time_equals(const std::string& a, const std::string& b) {
  unsigned char da[SHA256_DIGEST_LENGTH], db[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
  return CRYPTO_memcmp(da, db, sizeof da) == 0;
}

AuthResult Accounts::check(const std::string* authorization) const {
  if (!authorization) return AuthResult::none;
  const std::string& h = *authorization;
  if (h.size() < 6 || (h.compare(0, 6, "Basic ") != 0 && h.compare(0, 6, "basic ") != 0))
    return AuthResult::bad_credentials;
  auto decoded = base64_decode(h.substr(6));
  if (!decoded) return AuthResult::bad_credentials;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return AuthResult::bad_credentials;
  std::string user = decoded->substr(0, colon), pass = decoded->substr(colon + 1);
  // Check every account so that the time taken does not reveal which user exists.
  AuthResult result = AuthResult::bad_credentials;
  for (const auto& a : accounts_) {
    bool match = constant_time_equals(a.user, user) & constant_time_equals(a.password, pass);
    if (match && result == AuthResult::bad_credentials)
      result = a.admin ? AuthResult::admin : AuthResult::user;
  }
  return result;
}

} // namespace dtrsim
