// Parsing and printing of user-facing durations.
#include "dtrsim/duration.hpp"

#include <cmath>
#include <cstdlib>

namespace dtrsim {

std::optional<Millis> parse_duration(std::string_view text) {
  if (text == "0") return Millis{0};
  size_t digits = 0;
  bool dot = false;
  while (digits < text.size() &&
         ((text[digits] >= '0' && text[digits] <= '9') || (text[digits] == '.' && !dot))) {
    if (text[digits] == '.') dot = true;
    ++digits;
  }
  if (digits == 0 || text[0] == '.' || text[digits - 1] == '.') return std::nullopt;
  std::string_view unit = text.substr(digits);
  double scale = 0;
  if (unit == "ms") scale = 1;
  else if (unit == "s") scale = 1000;
  else if (unit == "m") scale = 60'000;
  else if (unit == "h") scale = 3'600'000;
  else return std::nullopt;
  std::string number(text.substr(0, digits));
  double value = std::strtod(number.c_str(), nullptr) * scale;
  if (!std::isfinite(value) || value > 1e15) return std::nullopt;
  double rounded = std::round(value);
  if (std::fabs(rounded - value) > 1e-6) return std::nullopt;  // sub-millisecond precision
  return Millis{static_cast<long long>(rounded)};
}

std::string format_duration(Millis d) {
  long long ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

} // namespace dtrsim
