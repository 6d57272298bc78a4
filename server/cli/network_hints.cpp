#include "cli/network_hints.hpp"

namespace fini::cli {

std::string network_hint(const std::string& error_text) {
  const auto has = [&error_text](const char* what) { return error_text.find(what) != std::string::npos; };
  if (has("certificate verify failed")) {
    return "\nCheck: that the certificate's issuer is trusted (--ca-file FILE for a private CA, e.g. a TLS-inspecting "
           "proxy's) and that the --base-url host is the one the certificate names.";
  }
  if (has("TLS handshake with")) {
    return "\nCheck: that --base-url is an HTTPS server (a plain-HTTP sandbox on this machine takes http://), and any "
           "HTTPS_PROXY in between.";
  }
  if (has("could not connect to") || has("could not resolve")) {
    return "\nCheck: the --base-url host and port, and behind a proxy HTTPS_PROXY (NO_PROXY for hosts that bypass it).";
  }
  return "";
}

}  // namespace fini::cli
