// Basic authentication of cluster_status users.
#include <catch2/catch.hpp>

#include "dtrsim/auth.hpp"

using namespace dtrsim;

TEST_CASE("basic auth tells admins, users and strangers apart", "[auth]") {
  Accounts accounts({{"admin", "password", true}, {"alice", "s3cret:x", false}});
  auto basic = [](const std::string& up) { return "Basic " + base64_encode(up); };
  std::string h;
  CHECK(accounts.check(nullptr) == AuthResult::none);
  h = basic("admin:password");
  CHECK(accounts.check(&h) == AuthResult::admin);
  h = basic("alice:s3cret:x");
  CHECK(accounts.check(&h) == AuthResult::user);
  h = basic("admin:Password");
  CHECK(accounts.check(&h) == AuthResult::bad_credentials);
  h = basic("nobody:password");
  CHECK(accounts.check(&h) == AuthResult::bad_credentials);
  h = "Bearer abc";
  CHECK(accounts.check(&h) == AuthResult::bad_credentials);
  h = "Basic !!!!";
  CHECK(accounts.check(&h) == AuthResult::bad_credentials);
}

TEST_CASE("base64 decodes what it encodes and rejects junk", "[auth]") {
  for (std::string s : {"", "a", "ab", "abc", "admin:password"})
    CHECK(base64_decode(base64_encode(s)) == s);
  CHECK_FALSE(base64_decode("abc").has_value());
  CHECK_FALSE(base64_decode("ab$=").has_value());
}

TEST_CASE("USER:PASS specs parse", "[auth]") {
  auto a = Accounts::parse("bob:pa:ss", false);
  REQUIRE(a);
  CHECK(a->user == "bob");
  CHECK(a->password == "pa:ss");
  CHECK_FALSE(Accounts::parse("nocolon", true));
  CHECK_FALSE(Accounts::parse(":pass", true));
}
