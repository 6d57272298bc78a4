#pragma once
// PKCE (RFC 7636) for the authorization server, on the byte helpers of common/crypto.hpp.
// Pure functions: thread-safe, never throw.

#include <string_view>

#include "common/crypto.hpp"

namespace fini::oauth {

// RFC 7636 §4.1: 43–128 characters of [A-Za-z0-9-._~].
bool valid_code_verifier(std::string_view verifier);
// S256: BASE64URL(SHA256(verifier)) == challenge, compared in constant time.
bool pkce_s256_matches(std::string_view verifier, std::string_view challenge);

}  // namespace fini::oauth
