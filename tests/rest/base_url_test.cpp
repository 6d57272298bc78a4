#include "rest/base_url.hpp"

#include <gtest/gtest.h>

namespace fini::rest {
namespace {

struct GoodCase {
  const char* url;
  BaseUrl expected;
  const char* canonical;
};

TEST(BaseUrl, AcceptsHttpsAnywhereAndHttpOnLoopback) {
  const GoodCase cases[] = {
      {"https://api-prod.usefini.com", {"https", "api-prod.usefini.com", 443, ""}, "https://api-prod.usefini.com"},
      {"https://api-prod.usefini.com/", {"https", "api-prod.usefini.com", 443, ""}, "https://api-prod.usefini.com"},
      {"HTTPS://API-Prod.UseFini.com/v2/",
       {"https", "api-prod.usefini.com", 443, "/v2"},
       "https://api-prod.usefini.com/v2"},
      {"https://example.com:8443/base/v2",
       {"https", "example.com", 8443, "/base/v2"},
       "https://example.com:8443/base/v2"},
      {"http://127.0.0.1:8080", {"http", "127.0.0.1", 8080, ""}, "http://127.0.0.1:8080"},
      {"http://127.1.2.3", {"http", "127.1.2.3", 80, ""}, "http://127.1.2.3"},
      {"http://localhost:1234/v2", {"http", "localhost", 1234, "/v2"}, "http://localhost:1234/v2"},
      {"http://LOCALHOST", {"http", "localhost", 80, ""}, "http://localhost"},
      {"http://[::1]:9000", {"http", "::1", 9000, ""}, "http://[::1]:9000"},
      {"https://[2001:db8::1]", {"https", "2001:db8::1", 443, ""}, "https://[2001:db8::1]"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    auto parsed = parse_base_url(c.url);
    ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
    EXPECT_EQ(*parsed, c.expected);
    EXPECT_EQ(parsed->to_string(), c.canonical);
  }
}

struct BadCase {
  const char* url;
  const char* message;
};

TEST(BaseUrl, RefusesPlainHttpToNonLoopbackAndMalformedUrls) {
  const BadCase cases[] = {
      {"http://api-prod.usefini.com",
       "refusing to send the API key over plain http to host api-prod.usefini.com; use https"},
      {"http://10.0.0.5:8080", "refusing to send the API key over plain http to host 10.0.0.5; use https"},
      {"http://128.0.0.1", "refusing to send the API key over plain http to host 128.0.0.1; use https"},
      {"http://127.0.0.1.evil.com",
       "refusing to send the API key over plain http to host 127.0.0.1.evil.com; use https"},
      {"http://localhost.evil.com",
       "refusing to send the API key over plain http to host localhost.evil.com; use https"},
      {"http://[2001:db8::1]", "refusing to send the API key over plain http to host 2001:db8::1; use https"},
      {"", "invalid base URL '': empty"},
      {"api-prod.usefini.com",
       "invalid base URL 'api-prod.usefini.com': expected scheme://host, e.g. https://api-prod.usefini.com"},
      {"ftp://example.com", "invalid base URL 'ftp://example.com': scheme must be https or http"},
      {"https://", "invalid base URL 'https://': missing host"},
      {"https://user:pw@example.com",
       "invalid base URL 'https://user:pw@example.com': user info is not allowed (pass the key separately)"},
      {"https://example.com/v2?x=1",
       "invalid base URL 'https://example.com/v2?x=1': query and fragment are not allowed"},
      {"https://example.com#frag", "invalid base URL 'https://example.com#frag': query and fragment are not allowed"},
      {"https://example.com:0", "invalid base URL 'https://example.com:0': port must be a number from 1 to 65535"},
      {"https://example.com:65536",
       "invalid base URL 'https://example.com:65536': port must be a number from 1 to 65535"},
      {"https://example.com:http",
       "invalid base URL 'https://example.com:http': port must be a number from 1 to 65535"},
      {"https://example.com:", "invalid base URL 'https://example.com:': empty port"},
      {"https://exa%mple.com", "invalid base URL 'https://exa%mple.com': invalid host"},
      {"https://example.com /v2",
       "invalid base URL 'https://example.com /v2': contains whitespace, control or non-ASCII characters"},
      {"https://[::1", "invalid base URL 'https://[::1': unterminated IPv6 literal"},
      {"https://example.com/v2/../admin",
       "invalid base URL 'https://example.com/v2/../admin': path prefix must not contain '.' or '..' segments"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    auto parsed = parse_base_url(c.url);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), c.message);
  }
}

TEST(BaseUrl, LoopbackHosts) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.255.255.254"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("127.0.0.256"));
  EXPECT_FALSE(is_loopback_host("127.0.0"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("::"));
  EXPECT_FALSE(is_loopback_host("localhost.localdomain"));
}

}  // namespace
}  // namespace fini::rest
