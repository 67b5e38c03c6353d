// Parsing and printing of user-facing durations.
#include "dtrsim/duration.hpp"

#include <string>

namespace dtrsim {

namespace {

std::optional<Millis> parse_unbounded(std::string_view text) {
  if (text == "0") return Millis{0};
  auto digits = [&](size_t from) {
    size_t n = from;
    while (n < text.size() && text[n] >= '0' && text[n] <= '9') ++n;
    return n - from;
  };
  size_t whole = digits(0);
  if (whole == 0 || whole > 9) return std::nullopt;
  long long value = std::stoll(std::string(text.substr(0, whole)));
  size_t pos = whole, decimals = 0;
  long long fraction = 0;
  if (pos < text.size() && text[pos] == '.') {
    decimals = digits(pos + 1);
    if (decimals == 0 || decimals > 3) return std::nullopt;
    fraction = std::stoll(std::string(text.substr(pos + 1, decimals)));
    pos += 1 + decimals;
  }
  std::string_view unit = text.substr(pos);
  long long scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : unit == "h" ? 3'600'000 : 0;
  if (scale == 0 || (decimals > 0 && scale == 1)) return std::nullopt;  // no fractions of a millisecond
  for (size_t i = decimals; i < 3; ++i) fraction *= 10;                  // thousandths
  return Millis{value * scale + fraction * (scale / 1000)};
}

} // namespace

std::optional<Millis> parse_duration(std::string_view text) {
  auto d = parse_unbounded(text);
  if (d && *d > kMaxDuration) return std::nullopt;
  return d;
}

std::string duration_problem(std::string_view text) {
  if (parse_unbounded(text)) return "is longer than " + format_duration(kMaxDuration) + ", the longest duration";
  return "is not a duration (use 5s, 250ms, 2m)";
}

std::string format_duration(Millis d) {
  long long ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

} // namespace dtrsim
