#pragma once
// Building one-line messages: lists ("registry, garant, rethinkdb") and shortened quotes.

#include <string>
#include <string_view>

namespace dtrsim {

// Appends `item` to `list`, after `separator` when the list is not empty.
inline void append_item(std::string& list, std::string_view item, std::string_view separator = ", ") {
  if (!list.empty()) list.append(separator);
  list.append(item);
}

// `text` cut to `max` characters, ending in "..." when cut: for quoting input in an error.
inline std::string shorten(std::string text, size_t max = 40) {
  if (text.size() > max) {
    text.resize(max - 3);
    text.append("...");
  }
  return text;
}

} // namespace dtrsim
