#pragma once
// The proxies whose X-Forwarded-* headers are believed (--trusted-proxies): addresses or CIDR
// ranges, IPv4 or IPv6. From anyone else those headers are ignored: a client could otherwise
// claim https (and get https URLs in OAuth metadata) or any address. Empty list: trust none.
// Thread-safety: set once at startup, before serving; read from any thread.

#include <string>
#include <vector>

#include "common/status.hpp"

namespace fini::http {

// Replaces the list ("none" entries are skipped); InvalidArgument names the first entry that is not an address or CIDR.
Status set_trusted_proxies(const std::vector<std::string>& entries);
bool is_trusted_proxy(const std::string& peer_addr);

}  // namespace fini::http
