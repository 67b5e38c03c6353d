// close: the connection is closed (FIN) without a response: the client sees an empty reply.
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class Close final : public Fault {
 public:
  Verdict apply(FaultContext& ctx) const override {
    ctx.close_connection();
    return Verdict::ended;
  }
};

} // namespace

std::unique_ptr<Fault> make_close(AttributeReader&) { return std::make_unique<Close>(); }

} // namespace dtrsim::faults
