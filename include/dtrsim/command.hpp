#pragma once
// The command vocabulary shared by the control API, scenario files and `dtrsim ctl`: a command is
// a JSON object with "do". Parsing checks field names and types and says which field is wrong;
// replica references are resolved later, against the state the command applies to.

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "dtrsim/service.hpp"

namespace dtrsim {

// A bad command: `path` is the JSON path of the offending field ("replica", "[2].service",
// "steps[3].replica"), `message` what is wrong with it.
class CommandError : public std::runtime_error {
 public:
  CommandError(std::string path, std::string message)
      : std::runtime_error(path.empty() ? message : path + ": " + message),
        path_(std::move(path)),
        message_(std::move(message)) {}
  const std::string& path() const { return path_; }
  const std::string& message() const { return message_; }
  // The same error under a longer path: "[2]" + "replica" -> "[2].replica".
  CommandError under(const std::string& prefix) const;

 private:
  std::string path_;
  std::string message_;
};

// A valid command that could not be carried out (a port taken when starting a replica): the
// input was fine, the world was not.
class CommandFailed : public CommandError {
 public:
  using CommandError::CommandError;
};

// A 1-based index (2), a name ("replica-2"), an id ("a1640e1c15b6") or "*" for all replicas.
struct ReplicaSelector {
  nlohmann::json value;
  bool all() const { return value.is_string() && value.get<std::string>() == "*"; }
  std::string text() const { return value.is_string() ? value.get<std::string>() : value.dump(); }
};

namespace cmd {
struct Fail {
  ReplicaSelector replica;
  Service service;
  std::optional<std::string> error;
};
struct Recover {
  ReplicaSelector replica;
  std::optional<Service> service;  // empty: every service ("*")
};
struct Fault {
  ReplicaSelector replica;
  nlohmann::json fault;  // the fault envelope, checked by the fault registry when applied
};
struct Clear {
  ReplicaSelector replica;
  std::optional<std::string> name;  // empty: every fault of the replica
};
struct Stop { ReplicaSelector replica; };
struct Start { ReplicaSelector replica; };
struct Join {
  std::optional<std::string> id;
  std::optional<int> http_port, https_port;
};
struct Remove { ReplicaSelector replica; };
struct Partition { std::vector<std::vector<ReplicaSelector>> groups; };
struct Heal {};
struct Readonly {
  ReplicaSelector replica;
  bool on = true;
};
struct Reset {};
} // namespace cmd

using Command = std::variant<cmd::Fail, cmd::Recover, cmd::Fault, cmd::Clear, cmd::Stop,
                             cmd::Start, cmd::Join, cmd::Remove, cmd::Partition, cmd::Heal,
                             cmd::Readonly, cmd::Reset>;

// Parses one command object, checking every field: each problem joins `errors` (paths relative to
// the object) and the result is nullopt when there was one. `extra_keys` are keys the caller reads
// itself (a scenario step's "at" and "note"): allowed, and named among the expected keys when a
// key is unknown.
std::optional<Command> parse_command(const nlohmann::json& j, std::vector<CommandError>& errors,
                                     const std::vector<std::string>& extra_keys = {});

// Parses one command object. Throws its first CommandError, with a path relative to the object.
Command parse_command(const nlohmann::json& j);

// One command or an array of them; paths of errors in arrays start with "[i]".
std::vector<Command> parse_commands(const nlohmann::json& j);

// The canonical JSON of a command (what parse_command accepts).
nlohmann::json to_json(const Command& c);

// "fail", "recover", ...
std::string_view command_name(const Command& c);
const std::vector<std::string>& command_names();

// The keys a command object may have besides "do" (for schema and error messages).
const std::vector<std::string>& command_fields(std::string_view name);

} // namespace dtrsim
