#pragma once
// Transport faults: what a client observes when a replica misbehaves below the health endpoints.
// Each fault type is one class behind this interface (src/faults/<type>.cpp), listed once in the
// registry. A fault acts at one stage of a connection's life; the transport calls apply() there
// with a FaultContext that exposes what that stage can do.

#include <atomic>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dtrsim/clock.hpp"
#include "dtrsim/duration.hpp"
#include "dtrsim/http.hpp"
#include "dtrsim/port.hpp"
#include "dtrsim/service.hpp"

namespace dtrsim {

enum class FaultStage {
  accept,     // the listener itself (accept_stall)
  handshake,  // before/during the TLS handshake (tls_*)
  connection, // the whole connection's bytes (bandwidth)
  request,    // each request, after it was read (latency, hang, reset, ...)
  service,    // the replica's services over time (flap)
};

// The certificate a handshake presents.
enum class Certificate { normal, expired, wrong_host, untrusted };

// How a fault's sleep ended. client_gone: the client closed (or reset) its side meanwhile, as a
// client that gave up does; the connection then ends at once.
enum class Wake { elapsed, fault_cleared, stopping, client_gone };

// Whether a sleep that ended so leaves a connection to go on with.
inline bool connection_goes_on(Wake w) { return w == Wake::elapsed || w == Wake::fault_cleared; }

// What a fault may do to the connection it acts on; implemented by the transport.
class FaultContext {
 public:
  virtual ~FaultContext() = default;
  // Sleeps for `d` unless the fault is cleared, the replica stops or the client goes first.
  virtual Wake sleep_for(Millis d) = 0;
  virtual Millis max_hang() const = 0;
  // A uniformly distributed number from this fault's seeded sequence.
  virtual std::uint64_t random() = 0;

  // request stage
  virtual void reset_connection() = 0;               // TCP RST now
  virtual void close_connection() = 0;               // FIN, no response
  virtual void write_and_close(std::string_view bytes) = 0;
  virtual void replace_response(HttpResponse res) = 0;
  virtual void throttle_response(long bytes_per_sec) = 0;

  // connection stage
  virtual void throttle_connection(long bytes_per_sec) = 0;

  // handshake stage
  virtual void present(Certificate c) = 0;
  virtual void abort_handshake() = 0;
};

enum class Verdict {
  proceed,  // go on with the exchange (maybe changed)
  ended,    // the fault ended the connection
};

// A service forced into a state by a fault (flap).
struct ServiceOverride {
  Service service;
  bool failed;
  std::string error;
};

class Fault {
 public:
  virtual ~Fault() = default;
  virtual Verdict apply(FaultContext&) const { return Verdict::proceed; }
  // Service-stage faults: the override `since` after the fault was added.
  virtual std::optional<ServiceOverride> service_override(Millis /*since*/) const {
    return std::nullopt;
  }
};

enum class PortSelector { both, http, https };

// A fault on a replica: the envelope (name, selectors, duration) around a Fault.
struct ActiveFault {
  std::uint64_t id = 0;   // unique in the cluster's life
  std::string name;       // unique per replica; default: the type
  std::string type;
  FaultStage stage = FaultStage::request;
  PortSelector ports = PortSelector::both;
  std::vector<std::string> paths;  // exact, or prefix ending in '*'; empty: all
  double probability = 1.0;
  std::optional<Millis> duration;  // auto-clear after this long
  SysTime added_at;
  nlohmann::json spec;             // as given, for display
  std::shared_ptr<const Fault> impl;
  // Seeded sequence of draws for `probability` (and the fault's own randomness), shared by the
  // snapshots that hold this fault.
  struct Draws {
    std::uint64_t key = 0;
    std::atomic<std::uint64_t> next{0};
    std::uint64_t draw();
  };
  std::shared_ptr<Draws> draws;

  bool active_at(SysTime now) const { return !duration || now < added_at + *duration; }
  bool matches_port(Port p) const;
  bool matches_path(std::string_view path) const;
  // Decides, for one request or connection, whether the fault acts (probability).
  bool roll() const;
};

nlohmann::json to_json(const ActiveFault& f, SysTime now);

} // namespace dtrsim
