// RFC 3339 formatting and parsing for timestamps in cluster_status and the journal.
#include "dtrsim/clock.hpp"

#include <cstdio>
#include <ctime>

namespace dtrsim {

std::string format_rfc3339(SysTime t, bool with_millis) {
  auto since = t.time_since_epoch();
  auto secs = std::chrono::floor<std::chrono::seconds>(since);
  long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(since - secs).count();
  std::time_t tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf, n);
  if (with_millis) {
    char frac[32];
    std::snprintf(frac, sizeof frac, ".%03lld", ms % 1000);
    out += frac;
  }
  out += 'Z';
  return out;
}

bool parse_rfc3339(const std::string& text, SysTime& out) {
  std::tm tm{};
  int year, mon, day, hour, min, sec, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &mon, &day, &hour, &min, &sec,
                  &consumed) != 6 ||
      consumed != 19)
    return false;
  long long ms = 0;
  size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    std::string frac = text.substr(start, pos - start);
    if (frac.empty()) return false;
    frac = (frac + "000").substr(0, 3);
    ms = std::stoll(frac);
  }
  if (pos + 1 != text.size() || text[pos] != 'Z') return false;
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  std::time_t tt = timegm(&tm);
  out = SysTime{std::chrono::seconds(tt)} + std::chrono::milliseconds(ms);
  return true;
}

} // namespace dtrsim
