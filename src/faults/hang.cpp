// hang: the request is read and never answered, until the client gives up (then the connection
// ends at once), the fault is cleared (then the request is answered normally) or --max-hang
// passes (then the connection closes).
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class Hang final : public Fault {
 public:
  Verdict apply(FaultContext& ctx) const override {
    if (ctx.sleep_for(ctx.max_hang()) == Wake::fault_cleared) return Verdict::proceed;
    ctx.close_connection();
    return Verdict::ended;
  }
};

} // namespace

std::unique_ptr<Fault> make_hang(AttributeReader&) { return std::make_unique<Hang>(); }

} // namespace dtrsim::faults
