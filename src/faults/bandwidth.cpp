// bandwidth: the whole connection is throttled to bytes_per_sec, reads and writes alike.
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class Bandwidth final : public Fault {
 public:
  explicit Bandwidth(long rate) : rate_(rate) {}
  Verdict apply(FaultContext& ctx) const override {
    ctx.throttle_connection(rate_);
    return Verdict::proceed;
  }

 private:
  long rate_;
};

} // namespace

std::unique_ptr<Fault> make_bandwidth(AttributeReader& a) {
  return std::make_unique<Bandwidth>(static_cast<long>(a.integer("bytes_per_sec", 1, 1'000'000'000)));
}

} // namespace dtrsim::faults
