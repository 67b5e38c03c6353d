#pragma once
// Serves one accepted connection to its end: protocol sniffing (TLS on the HTTP port, plain HTTP
// on the HTTPS port), the TLS handshake, then keep-alive requests answered from the route table.

#include <memory>
#include <string>

#include "replica_server.hpp"

namespace dtrsim::net {

void serve_connection(std::shared_ptr<ReplicaServer::Core> core, int fd, std::string peer,
                      Port port);

} // namespace dtrsim::net
