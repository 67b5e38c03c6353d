// garbage: random bytes that are not HTTP, then the connection closes. Attribute: bytes
// (default 256).
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class Garbage final : public Fault {
 public:
  explicit Garbage(size_t bytes) : bytes_(bytes) {}
  Verdict apply(FaultContext& ctx) const override {
    std::string junk;
    junk.reserve(bytes_);
    while (junk.size() < bytes_) {
      std::uint64_t r = ctx.random();
      for (int i = 0; i < 8 && junk.size() < bytes_; ++i) junk += static_cast<char>((r >> (8 * i)) & 0xff);
    }
    junk[0] = static_cast<char>(0x80 | (junk[0] & 0x7f));  // never the start of "HTTP/"
    ctx.write_and_close(junk);
    return Verdict::ended;
  }

 private:
  size_t bytes_;
};

} // namespace

std::unique_ptr<Fault> make_garbage(AttributeReader& a) {
  return std::make_unique<Garbage>(static_cast<size_t>(a.integer("bytes", 1, 1 << 20, 256)));
}

} // namespace dtrsim::faults
