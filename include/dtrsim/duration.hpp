#pragma once
// Durations as users write them ("250ms", "5s", "2m", "1h") in flags, commands and scenarios.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dtrsim {

using Millis = std::chrono::milliseconds;

// The longest duration accepted anywhere (offsets, timeouts, fault durations): long enough for
// any test, short enough that adding a few to a clock's time cannot overflow.
inline constexpr Millis kMaxDuration = std::chrono::hours(100);

// Parses "<number><unit>" with unit ms, s, m or h ("250ms", "1.5s", "2m"): a whole number of
// milliseconds, so at most 9 digits before the point, and up to 3 decimals before s, m or h (none
// before ms). A bare "0" is accepted. Returns nullopt for anything else (spaces, negative
// numbers, a missing unit, "0.5ms", "1.0005s") and for more than kMaxDuration.
// scenarios/schema.json says the same, but for the maximum.
std::optional<Millis> parse_duration(std::string_view text);

// Why `text` is no duration, to follow the quoted text in an error message:
// "is not a duration (use 5s, 250ms, 2m)" or "is longer than 100h, the longest duration".
std::string duration_problem(std::string_view text);

// The shortest exact spelling: 250ms, 5s, 2m, 1h, 1500ms.
std::string format_duration(Millis d);


} // namespace dtrsim
