// Proxy choice: --proxy, https_proxy / HTTPS_PROXY, no_proxy / NO_PROXY, and what errors and
// logs may show of a proxy URL (never its credentials).

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "rest/proxy.hpp"

namespace fini::rest {
namespace {

BaseUrl fini() { return *parse_base_url("https://api-prod.usefini.com"); }

EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(ParseProxyUrl, HostPortCredentialsAndDefaults) {
  auto p = parse_proxy_url("http://alice:s%40cret@Proxy.Corp:3128/", "HTTPS_PROXY");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->host, "proxy.corp");
  EXPECT_EQ(p->port, 3128);
  EXPECT_EQ(p->username, "alice");
  EXPECT_EQ(p->password, "s@cret");
  EXPECT_EQ(p->describe(), "http://proxy.corp:3128 (HTTPS_PROXY)");
  auto bare = parse_proxy_url("10.0.0.1", "--proxy");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->port, 1080);  // curl's default
  EXPECT_TRUE(bare->username.empty());
  auto v6 = parse_proxy_url("http://[::1]:8080", "--proxy");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->describe(), "http://[::1]:8080 (--proxy)");
}

TEST(ParseProxyUrl, ErrorsNeverQuoteTheCredentials) {
  for (const char* bad :
       {"https://alice:hunter2@proxy:443", "socks5://alice:hunter2@proxy:1080", "http://alice:hunter2@proxy:99999",
        "http://alice:hunter2@:3128", "http://alice:hunter2@proxy/path", "http://alice:hunter2%zz@proxy:1"}) {
    auto p = parse_proxy_url(bad, "HTTPS_PROXY");
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().message().find("hunter2"), std::string::npos) << p.status().message();
    EXPECT_NE(p.status().message().find("HTTPS_PROXY"), std::string::npos) << p.status().message();
  }
  EXPECT_EQ(
      parse_proxy_url("https://proxy:443", "HTTPS_PROXY").status().message(),
      "the proxy URL from HTTPS_PROXY uses https://; only http:// proxies are supported (the tunnel to Fini is TLS)");
}

TEST(NoProxy, Entries) {
  EXPECT_TRUE(no_proxy_matches("*", "api-prod.usefini.com", 443));
  EXPECT_TRUE(no_proxy_matches("localhost, usefini.com", "api-prod.usefini.com", 443));
  EXPECT_TRUE(no_proxy_matches(".usefini.com", "api-prod.usefini.com", 443));
  EXPECT_TRUE(no_proxy_matches("USEFINI.COM", "usefini.com", 443));
  EXPECT_FALSE(no_proxy_matches("fini.com", "api-prod.usefini.com", 443));  // not a domain suffix
  EXPECT_TRUE(no_proxy_matches("127.0.0.1:8443", "127.0.0.1", 8443));
  EXPECT_FALSE(no_proxy_matches("127.0.0.1:8443", "127.0.0.1", 443));
  EXPECT_FALSE(no_proxy_matches("", "api-prod.usefini.com", 443));
  EXPECT_FALSE(no_proxy_matches(",, ,", "api-prod.usefini.com", 443));
}

TEST(ChooseProxy, ExplicitWinsThenLowerThenUpperCase) {
  auto p =
      choose_proxy(fini(), "http://cli:1", env({{"https_proxy", "http://lower:2"}, {"HTTPS_PROXY", "http://upper:3"}}));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->describe(), "http://cli:1 (--proxy)");
  p = choose_proxy(fini(), "", env({{"https_proxy", "http://lower:2"}, {"HTTPS_PROXY", "http://upper:3"}}));
  EXPECT_EQ((*p)->describe(), "http://lower:2 (https_proxy)");
  p = choose_proxy(fini(), "", env({{"HTTPS_PROXY", "http://upper:3"}}));
  EXPECT_EQ((*p)->describe(), "http://upper:3 (HTTPS_PROXY)");
  p = choose_proxy(fini(), "", env({{"FINI_PROXY", "http://setting:5"}, {"HTTPS_PROXY", "http://upper:3"}}));
  EXPECT_EQ((*p)->describe(), "http://setting:5 (FINI_PROXY)");
  // A bundle host that did not substitute the setting, or an empty one: as if unset.
  p = choose_proxy(
      fini(), "",
      env({{"FINI_PROXY", "${user_config.proxy}"}, {"https_proxy", ""}, {"HTTPS_PROXY", "http://upper:3"}}));
  EXPECT_EQ((*p)->describe(), "http://upper:3 (HTTPS_PROXY)");
  p = choose_proxy(fini(), "", env({{"HTTP_PROXY", "http://plain:4"}}));  // only https_proxy applies
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value());
}

TEST(ChooseProxy, NoProxyAndPlainHttpGoDirect) {
  auto p = choose_proxy(fini(), "", env({{"HTTPS_PROXY", "http://upper:3"}, {"NO_PROXY", ".usefini.com"}}));
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value());
  p = choose_proxy(fini(), "http://cli:1", env({{"no_proxy", "*"}}));
  EXPECT_FALSE(p->has_value());
  p = choose_proxy(*parse_base_url("http://127.0.0.1:8080"), "http://cli:1", env({}));
  EXPECT_FALSE(p->has_value());  // plain http is loopback only: never through a proxy
  p = choose_proxy(fini(), "", env({{"HTTPS_PROXY", "ftp://x"}}));
  EXPECT_FALSE(p.ok());
}

}  // namespace
}  // namespace fini::rest
