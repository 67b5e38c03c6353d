// Parsing and printing of durations.
#include <catch2/catch.hpp>

#include "dtrsim/clock.hpp"
#include "dtrsim/duration.hpp"

using namespace dtrsim;

TEST_CASE("durations parse with units ms, s, m, h", "[duration]") {
  CHECK(parse_duration("250ms") == Millis{250});
  CHECK(parse_duration("5s") == Millis{5000});
  CHECK(parse_duration("1.5s") == Millis{1500});
  CHECK(parse_duration("2m") == Millis{120000});
  CHECK(parse_duration("1h") == Millis{3600000});
  CHECK(parse_duration("0") == Millis{0});
  CHECK(parse_duration("0.125s") == Millis{125});
  CHECK(parse_duration("1.05m") == Millis{63000});
  CHECK(parse_duration("0.001h") == Millis{3600});
  CHECK(parse_duration("100h") == kMaxDuration);
  CHECK(parse_duration("360000000ms") == kMaxDuration);
  CHECK_FALSE(parse_duration("100.001h").has_value());
  CHECK_FALSE(parse_duration("999999999h").has_value());
  CHECK(duration_problem("999999999h") == "is longer than 100h, the longest duration");
  CHECK(duration_problem("5 s") == "is not a duration (use 5s, 250ms, 2m)");
  for (const char* bad : {"", "5", "5 s", "-1s", "s", "1.s", ".5s", "1.0005s", "1.5000s", "5sec", "1e3ms",
                          "0.5ms", "1.0ms", "1000000000ms", "1..5s", "1.5.5s"})
    CHECK_FALSE(parse_duration(bad).has_value());
}

TEST_CASE("durations print in the largest exact unit", "[duration]") {
  CHECK(format_duration(Millis{250}) == "250ms");
  CHECK(format_duration(Millis{5000}) == "5s");
  CHECK(format_duration(Millis{1500}) == "1500ms");
  CHECK(format_duration(Millis{120000}) == "2m");
  CHECK(format_duration(Millis{0}) == "0ms");
}

TEST_CASE("RFC 3339 timestamps round-trip", "[duration]") {
  SysTime t = SysTime{std::chrono::seconds(1795232220)} + std::chrono::milliseconds(125);
  CHECK(format_rfc3339(t) == "2026-11-21T03:37:00Z");
  CHECK(format_rfc3339(t, true) == "2026-11-21T03:37:00.125Z");
  SysTime back;
  REQUIRE(parse_rfc3339("2026-11-21T03:37:00.125Z", back));
  CHECK(back == t);
  CHECK_FALSE(parse_rfc3339("2026-11-21 21:37:00Z", back));
  CHECK_FALSE(parse_rfc3339("2026-11-21T03:37:00+01:00", back));
}
