// Text from replicas and load balancers is repaired into valid UTF-8 and cut between characters.
#include <catch2/catch.hpp>

#include "scenario/utf8.hpp"

using namespace dtrsim;

TEST_CASE("invalid UTF-8 sequences become U+FFFD and valid text is unchanged", "[utf8]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(valid_utf8("plain ascii\n") == "plain ascii\n");
  CHECK(valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(valid_utf8("bad \xFF byte") == "bad " + fffd + " byte");
  CHECK(valid_utf8("cut \xC3") == "cut " + fffd);                            // truncated at the end
  CHECK(valid_utf8("\xC3(") == fffd + "(");                                   // no continuation byte
  CHECK(valid_utf8("\xC0\xAF") == fffd + fffd);                               // overlong
  CHECK(valid_utf8("\xED\xA0\x80") == fffd + fffd + fffd);                    // a surrogate
  CHECK(valid_utf8("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);         // above U+10FFFF
  CHECK(valid_utf8(std::string("nul\0ok", 6)) == std::string("nul\0ok", 6));  // valid, if unprintable
}

TEST_CASE("an excerpt ends on a character boundary", "[utf8]") {
  std::string e_acute = "\xC3\xA9";
  std::string body = "xy";
  for (int i = 0; i < 100; ++i) body += e_acute;
  std::string cut = utf8_excerpt(body, 160);
  std::string expected = "xy";
  for (int i = 0; i < 77; ++i) expected += e_acute;
  CHECK(cut == expected + "...");
  CHECK(cut.size() <= 160);
  CHECK(utf8_excerpt("short", 160) == "short");
  CHECK(utf8_excerpt("abcdefgh", 6) == "abc...");
}
