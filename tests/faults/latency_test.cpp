// latency: the normal response, late.
#include "fault_fixture.hpp"

using namespace dtrsim::test;

TEST_CASE("latency delays the normal response by ms", "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "latency"}, {"ms", 300}});
  double ms = 0;
  RawReply reply = f.raw_get(2, "/_ping", &ms);
  CHECK(status_of(reply.bytes) == 200);
  CHECK_THAT(reply.bytes, Catch::EndsWith(kHealthyBody));
  CHECK(ms >= 300);
  CHECK(f.journal().back()["fault"] == "latency");
}

TEST_CASE("latency with jitter stays between ms and ms + jitter_ms", "[integration][faults]") {
  FaultFixture f;
  f.add(1, {{"type", "latency"}, {"ms", 100}, {"jitter_ms", 200}});
  for (int i = 0; i < 3; ++i) {
    double ms = 0;
    CHECK(status_of(f.raw_get(1, "/_ping", &ms).bytes) == 200);
    CHECK(ms >= 100);
    // The jitter bound plus slack for ThreadSanitizer on two busy cores: far below what a jitter
    // without bound, or in seconds, would give.
    CHECK(ms < 300 + 1200);
  }
}
