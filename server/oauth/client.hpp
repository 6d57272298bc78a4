#pragma once
// An OAuth client as this server knows it (registered or from a metadata document).

#include <string>
#include <vector>

namespace fini::oauth {

struct Client {
  std::string id;
  std::string name;  // untrusted text from the client: escape it
  std::vector<std::string> redirect_uris;
  bool metadata_document = false;  // a CIMD (URL) client
};

}  // namespace fini::oauth
