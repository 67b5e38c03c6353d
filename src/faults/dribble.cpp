// dribble: the normal response, written at bytes_per_sec.
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class Dribble final : public Fault {
 public:
  explicit Dribble(long rate) : rate_(rate) {}
  Verdict apply(FaultContext& ctx) const override {
    ctx.throttle_response(rate_);
    return Verdict::proceed;
  }

 private:
  long rate_;
};

} // namespace

std::unique_ptr<Fault> make_dribble(AttributeReader& a) {
  return std::make_unique<Dribble>(static_cast<long>(a.integer("bytes_per_sec", 1, 1'000'000'000)));
}

} // namespace dtrsim::faults
