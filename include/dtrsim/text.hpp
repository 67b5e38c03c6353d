#pragma once
// Building one-line lists for messages: "registry, garant, rethinkdb".

#include <string>
#include <string_view>

namespace dtrsim {

// Appends `item` to `list`, after `separator` when the list is not empty.
inline void append_item(std::string& list, std::string_view item, std::string_view separator = ", ") {
  if (!list.empty()) list.append(separator);
  list.append(item);
}

} // namespace dtrsim
