#pragma once
// Durations as users write them ("250ms", "5s", "2m", "1h") in flags, commands and scenarios.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dtrsim {

using Millis = std::chrono::milliseconds;

// Parses "<number><unit>" with unit ms, s, m or h ("250ms", "1.5s", "2m"): a whole number of
// milliseconds, so at most 9 digits before the point, and up to 3 decimals before s, m or h (none
// before ms). A bare "0" is accepted. Returns nullopt for anything else (spaces, negative
// numbers, a missing unit, "0.5ms", "1.0005s"). scenarios/schema.json says the same.
std::optional<Millis> parse_duration(std::string_view text);

// The shortest exact spelling: 250ms, 5s, 2m, 1h, 1500ms.
std::string format_duration(Millis d);

// One hint to append to errors about durations.
inline constexpr std::string_view kDurationHint = "(use 5s, 250ms, 2m)";

} // namespace dtrsim
