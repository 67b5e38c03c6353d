// cluster_status body. The RethinkDB tables are generated from the replicas that exist, with the
// databases and tables a DTR 2.x install creates, so the size (~45 KB for 3 replicas) and shape
// match what DTR's docs describe.
#include "dtrsim/cluster_status.hpp"

#include <openssl/sha.h>

#include <cstdio>

#include "dtrsim/quorum.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim {
namespace {

using nlohmann::json;

struct TableDef {
  const char* db;
  const char* name;
  const char* primary_key;
  std::vector<const char*> indexes;
};

const std::vector<TableDef>& dtr_tables() {
  static const std::vector<TableDef> tables = {
      {"dtr2", "blob_links", "pk", {"blobID", "parentBlobID"}},
      {"dtr2", "blobs", "pk", {"digest", "repository"}},
      {"dtr2", "client_tokens", "pk", {"lastUsed", "userID"}},
      {"dtr2", "events", "pk", {"publishedAt", "actorID", "objectID"}},
      {"dtr2", "manifests", "pk", {"digest", "repository", "tag"}},
      {"dtr2", "namespace_team_access", "pk", {"namespaceUUID", "teamID"}},
      {"dtr2", "properties", "key", {}},
      {"dtr2", "repositories", "pk", {"name", "namespaceAccountID", "visibility"}},
      {"dtr2", "repository_team_access", "pk", {"repositoryID", "teamID"}},
      {"dtr2", "tags", "pk", {"digest", "repository", "name"}},
      {"dtr2", "webhooks", "pk", {"key"}},
      {"jobrunner", "crons", "id", {"action"}},
      {"jobrunner", "jobs", "id", {"action", "status", "workerID"}},
      {"notaryserver", "change_category", "id", {}},
      {"notaryserver", "tuf_files", "id", {"gun", "timestamp_checksum"}},
      {"notarysigner", "private_keys", "id", {"key_id"}},
  };
  return tables;
}

std::string server_name(const ReplicaState& r) { return "dtr_rethinkdb_" + r.id; }

std::string hex_of(const unsigned char* d, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[d[i] >> 4];
    out += digits[d[i] & 15];
  }
  return out;
}

// A deterministic pseudo-random number for sizes and counters.
unsigned long long stable_number(const std::string& seed, unsigned long long modulo) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), d);
  unsigned long long v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d[i];
  return modulo ? v % modulo : v;
}

std::vector<const ReplicaState*> reachable_servers(const ClusterState& state,
                                                   const ReplicaState& observer) {
  std::vector<const ReplicaState*> out;
  for (const auto& r : state.replicas)
    if (can_reach(state, observer.number, r.number)) out.push_back(&r);
  return out;
}

json server_status(const ClusterState& state, const ReplicaState& observer, SysTime now) {
  json out = json::array();
  for (const ReplicaState* r : reachable_servers(state, observer)) {
    json connected = json::object();
    for (const auto& other : state.replicas)
      if (other.number != r->number)
        connected[server_name(other)] = can_reach(state, r->number, other.number);
    std::string started = format_rfc3339(now - std::chrono::hours(1) -
                                         std::chrono::seconds(stable_number(r->id, 3600)), true);
    out.push_back({
        {"id", stable_uuid("server:" + r->id)},
        {"name", server_name(*r)},
        {"network",
         {{"canonical_addresses", json::array({{{"host", "dtr-rethinkdb-" + r->id + ".dtr-ol"},
                                                {"port", 29015}}})},
          {"cluster_port", 29015},
          {"connected_to", connected},
          {"hostname", r->id},
          {"http_admin_port", "<no http admin>"},
          {"reql_port", 28015},
          {"time_connected", started}}},
        {"process",
         {{"argv", json::array({"rethinkdb", "--bind", "all", "--no-update-check", "--directory",
                                "/data/rethink", "--driver-tls-key", "/tls/key.pem",
                                "--server-name", server_name(*r)})},
          {"cache_size_mb", 100},
          {"pid", 1 + stable_number("pid" + r->id, 400)},
          {"time_started", started},
          {"version", "rethinkdb 2.3.6~0jessie (GCC 4.9.2)"}}},
    });
  }
  return out;
}

json current_issues(const ClusterState& state, const ReplicaState& observer) {
  json out = json::array();
  std::vector<std::string> unreachable;
  std::vector<std::string> reporting;
  for (const auto& r : state.replicas)
    (can_reach(state, observer.number, r.number) ? reporting : unreachable)
        .push_back(server_name(r));
  if (unreachable.empty()) return out;
  std::string reporters;
  for (const auto& name : reporting) append_item(reporters, "`" + name + "`", ", ");
  for (const auto& name : unreachable)
    out.push_back({{"critical", true},
                   {"description", "Server `" + name +
                                       "` is disconnected from the cluster. Reported by: " +
                                       reporters + "."},
                   {"id", stable_uuid("issue:disconnected:" + name)},
                   {"info", {{"disconnected_server", name}, {"reporting_servers", reporting}}},
                   {"type", "server_disconnected"}});
  std::string missing;
  for (const auto& name : unreachable) append_item(missing, name, ", ");
  for (const auto& t : dtr_tables())
    out.push_back({{"critical", false},
                   {"description", std::string("Table `") + t.db + "." + t.name +
                                       "` is ready for outdated reads, but some replicas are "
                                       "not ready. The following servers are not reachable: " +
                                       missing},
                   {"id", stable_uuid(std::string("issue:table:") + t.db + t.name)},
                   {"info", {{"db", t.db}, {"table", t.name}}},
                   {"type", "table_availability"}});
  return out;
}

json replicas_of_table(const ClusterState& state) {
  json names = json::array();
  for (const auto& r : state.replicas) names.push_back(server_name(r));
  return names;
}

std::string primary_for(const ClusterState& state, const TableDef& t) {
  if (state.replicas.empty()) return "";
  size_t i = stable_number(std::string(t.db) + t.name, state.replicas.size());
  return server_name(state.replicas[i]);
}

json table_config(const ClusterState& state) {
  json out = json::array();
  for (const auto& t : dtr_tables()) {
    json indexes = json::array();
    for (const char* i : t.indexes) indexes.push_back(i);
    out.push_back({{"db", t.db},
                   {"durability", "hard"},
                   {"id", stable_uuid(std::string("table:") + t.db + t.name)},
                   {"indexes", indexes},
                   {"name", t.name},
                   {"primary_key", t.primary_key},
                   {"shards", json::array({{{"nonvoting_replicas", json::array()},
                                            {"primary_replica", primary_for(state, t)},
                                            {"replicas", replicas_of_table(state)}}})},
                   {"write_acks", "majority"}});
  }
  return out;
}

json table_status(const ClusterState& state, const ReplicaState& observer, SysTime now) {
  Quorum q = quorum_of(state, observer, now);
  json out = json::array();
  for (const auto& t : dtr_tables()) {
    json replicas = json::array();
    bool all_ready = true;
    for (const auto& r : state.replicas) {
      bool up = can_reach(state, observer.number, r.number);
      all_ready = all_ready && up;
      replicas.push_back({{"server", server_name(r)}, {"state", up ? "ready" : "disconnected"}});
    }
    std::string primary = primary_for(state, t);
    out.push_back({{"db", t.db},
                   {"id", stable_uuid(std::string("table:") + t.db + t.name)},
                   {"name", t.name},
                   {"raft_leader", q.ok() ? json(primary) : json(nullptr)},
                   {"shards", json::array({{{"primary_replicas",
                                             q.ok() ? json::array({primary}) : json::array()},
                                            {"replicas", replicas}}})},
                   {"status",
                    {{"all_replicas_ready", all_ready},
                     {"ready_for_outdated_reads", true},
                     {"ready_for_reads", q.ok()},
                     {"ready_for_writes", q.ok()}}}});
  }
  return out;
}

json stats(const ClusterState& state, const ReplicaState& observer) {
  json out = json::array();
  auto servers = reachable_servers(state, observer);
  out.push_back({{"id", json::array({"cluster"})},
                 {"query_engine",
                  {{"client_connections", 12 * servers.size()},
                   {"clients_active", 3 * servers.size()},
                   {"queries_per_sec", 0},
                   {"read_docs_per_sec", 0},
                   {"written_docs_per_sec", 0}}}});
  for (const ReplicaState* r : servers)
    out.push_back({{"id", json::array({"server", stable_uuid("server:" + r->id)})},
                   {"server", server_name(*r)},
                   {"query_engine",
                    {{"client_connections", 12},
                     {"clients_active", 3},
                     {"queries_per_sec", 0},
                     {"queries_total", stable_number("q" + r->id, 5'000'000)},
                     {"read_docs_per_sec", 0},
                     {"read_docs_total", stable_number("r" + r->id, 9'000'000)},
                     {"written_docs_per_sec", 0},
                     {"written_docs_total", stable_number("w" + r->id, 900'000)}}}});
  for (const auto& t : dtr_tables()) {
    std::string tid = stable_uuid(std::string("table:") + t.db + t.name);
    out.push_back({{"db", t.db},
                   {"id", json::array({"table", tid})},
                   {"table", t.name},
                   {"query_engine", {{"read_docs_per_sec", 0}, {"written_docs_per_sec", 0}}}});
    for (const ReplicaState* r : servers) {
      std::string seed = std::string(t.name) + r->id;
      out.push_back(
          {{"db", t.db},
           {"id", json::array({"table_server", tid, stable_uuid("server:" + r->id)})},
           {"server", server_name(*r)},
           {"table", t.name},
           {"query_engine",
            {{"read_docs_per_sec", 0},
             {"read_docs_total", stable_number("rd" + seed, 100'000)},
             {"written_docs_per_sec", 0},
             {"written_docs_total", stable_number("wd" + seed, 10'000)}}},
           {"storage_engine",
            {{"cache", {{"in_use_bytes", stable_number("c" + seed, 4'000'000)}}},
             {"disk",
              {{"read_bytes_per_sec", 0},
               {"read_bytes_total", stable_number("rb" + seed, 40'000'000)},
               {"space_usage",
                {{"data_bytes", stable_number("db" + seed, 20'000'000)},
                 {"garbage_bytes", stable_number("gb" + seed, 2'000'000)},
                 {"metadata_bytes", 2'097'152},
                 {"preallocated_bytes", 4'194'304}}},
               {"written_bytes_per_sec", 0},
               {"written_bytes_total", stable_number("wb" + seed, 80'000'000)}}}}}});
    }
  }
  return out;
}

json db_config() {
  json out = json::array();
  for (const char* db : {"dtr2", "jobrunner", "notaryserver", "notarysigner"})
    out.push_back({{"id", stable_uuid(std::string("db:") + db)}, {"name", db}});
  return out;
}

} // namespace

std::string stable_uuid(const std::string& seed) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), d);
  std::string h = hex_of(d, 16);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-a" + h.substr(17, 3) +
         "-" + h.substr(20, 12);
}

json rethink_system_tables(const ClusterState& state, const ReplicaState& observer, SysTime now) {
  return {{"cluster_config", json::array({{{"heartbeat_timeout_secs", 10}, {"id", "heartbeat"}}})},
          {"current_issues", current_issues(state, observer)},
          {"db_config", db_config()},
          {"server_status", server_status(state, observer, now)},
          {"stats", stats(state, observer)},
          {"table_config", table_config(state)},
          {"table_status", table_status(state, observer, now)}};
}

json cluster_status_json(const ClusterState& state, const ReplicaState& observer, SysTime now) {
  json health = json::object(), stamps = json::object(), readonly = json::object();
  auto view = state.health_cache.find(observer.number);
  for (const auto& r : state.replicas) {
    readonly[r.id] = r.readonly;
    if (view == state.health_cache.end()) continue;
    auto entry = view->second.find(r.number);
    if (entry == view->second.end()) continue;
    health[r.id] = entry->second.health;
    stamps[r.id] = format_rfc3339(entry->second.at);
  }
  json out = {{"replica_health", health},
              {"replica_timestamp", stamps},
              {"replica_readonly", readonly},
              {"gc_lock_holder", ""},
              {"rethink_system_tables", rethink_system_tables(state, observer, now)}};
  if (state.profile.has_etcd_status) {
    json members = json::array();
    for (const auto& r : state.replicas)
      members.push_back({{"id", stable_uuid("etcd:" + r.id).substr(0, 16)},
                         {"name", "dtr-etcd-" + r.id},
                         {"healthy", can_reach(state, observer.number, r.number)},
                         {"clientURLs", json::array({"https://dtr-etcd-" + r.id + ".dtr-br:2379"})}});
    out["etcd_status"] = {{"health", quorum_of(state, observer, now).ok() ? "true" : "false"},
                          {"members", members}};
  }
  return out;
}

} // namespace dtrsim
