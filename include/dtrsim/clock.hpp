#pragma once
// Wall-clock time for every piece of pure logic (health cache, fault expiry, flapping), injectable
// so that tests drive it by hand instead of sleeping.

#include <atomic>
#include <chrono>
#include <string>

namespace dtrsim {

using SysTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SysTime now() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  SysTime now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told to. Safe to read from several threads.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(SysTime start = SysTime{std::chrono::hours(24 * 365 * 50)})
      : ticks_(start.time_since_epoch().count()) {}
  SysTime now() const override { return SysTime{SysTime::duration{ticks_.load()}}; }
  void advance(std::chrono::milliseconds d) {
    ticks_ += std::chrono::duration_cast<SysTime::duration>(d).count();
  }
  void set(SysTime t) { ticks_ = t.time_since_epoch().count(); }

 private:
  std::atomic<SysTime::duration::rep> ticks_;
};

// RFC 3339 in UTC: "2026-11-22T03:37:00Z", or with milliseconds "2026-11-22T03:37:00.125Z".
std::string format_rfc3339(SysTime t, bool with_millis = false);

// Parses what format_rfc3339 prints (with or without milliseconds, "Z" only). False on anything else.
bool parse_rfc3339(const std::string& text, SysTime& out);

} // namespace dtrsim
