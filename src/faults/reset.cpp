// reset: the connection is reset (TCP RST, SO_LINGER 0): the client's read fails with
// "connection reset by peer".
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class Reset final : public Fault {
 public:
  Verdict apply(FaultContext& ctx) const override {
    ctx.reset_connection();
    return Verdict::ended;
  }
};

} // namespace

std::unique_ptr<Fault> make_reset(AttributeReader&) { return std::make_unique<Reset>(); }

} // namespace dtrsim::faults
