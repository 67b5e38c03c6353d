#pragma once
// Users of the simulated DTR (--admin, --user) and HTTP basic authentication against them, with
// passwords compared in constant time.

#include <optional>
#include <string>
#include <vector>

namespace dtrsim {

struct Account {
  std::string user;
  std::string password;
  bool admin = false;
};

enum class AuthResult { none, bad_credentials, user, admin };

class Accounts {
 public:
  Accounts() = default;
  explicit Accounts(std::vector<Account> accounts) : accounts_(std::move(accounts)) {}

  // "USER:PASS" -> Account; nullopt when there is no colon or the user name is empty.
  static std::optional<Account> parse(const std::string& spec, bool admin);

  // Checks an Authorization header value ("Basic base64(user:pass)").
  AuthResult check(const std::string* authorization) const;

  const std::vector<Account>& all() const { return accounts_; }

 private:
  std::vector<Account> accounts_;
};

// Decodes standard base64 (with padding); nullopt on invalid input.
std::optional<std::string> base64_decode(const std::string& in);
std::string base64_encode(const std::string& in);

// Equal strings, compared in time that depends only on their lengths' digests, not on content.
bool constant_time_equals(const std::string& a, const std::string& b);

} // namespace dtrsim
