// latency: the normal response, late. Attributes: ms, jitter_ms (uniform extra delay).
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class Latency final : public Fault {
 public:
  Latency(long long ms, long long jitter) : ms_(ms), jitter_(jitter) {}
  Verdict apply(FaultContext& ctx) const override {
    long long extra = jitter_ ? static_cast<long long>(ctx.random() % (jitter_ + 1)) : 0;
    return connection_goes_on(ctx.sleep_for(Millis{ms_ + extra})) ? Verdict::proceed : Verdict::ended;
  }

 private:
  long long ms_, jitter_;
};

} // namespace

std::unique_ptr<Fault> make_latency(AttributeReader& a) {
  long long ms = a.integer("ms", 0, 3'600'000);
  return std::make_unique<Latency>(ms, a.integer("jitter_ms", 0, 3'600'000, 0));
}

} // namespace dtrsim::faults
