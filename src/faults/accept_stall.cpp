// accept_stall: the listener stops accepting; its queue is full, so new connections time out at
// connect while connections already open keep working. The transport's Listener does the work.
#include "fault_types.hpp"

namespace dtrsim::faults {

std::unique_ptr<Fault> make_accept_stall(AttributeReader&) { return std::make_unique<Marker>(); }

} // namespace dtrsim::faults
