#include <gtest/gtest.h>

#include <map>
#include <string>

#include "common/html.hpp"

namespace fini {
namespace {

// Stands in for httplib::Response: set_page_headers needs only set_header.
struct RecordingResponse {
  std::multimap<std::string, std::string> headers;
  void set_header(const std::string& name, const std::string& value) { headers.emplace(name, value); }
};

TEST(PageHeaders, EveryPageIsUncachedUnframedAndLockedDown) {
  RecordingResponse res;
  set_page_headers(res);
  EXPECT_EQ(res.headers.size(), 6u);
  EXPECT_EQ(res.headers.find("Cache-Control")->second, "no-store");
  EXPECT_EQ(res.headers.find("Pragma")->second, "no-cache");
  EXPECT_EQ(res.headers.find("X-Frame-Options")->second, "DENY");
  EXPECT_EQ(res.headers.find("X-Content-Type-Options")->second, "nosniff");
  EXPECT_EQ(res.headers.find("Referrer-Policy")->second, "same-origin");
  EXPECT_EQ(res.headers.find("Content-Security-Policy")->second,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
            "base-uri 'none'");
}

TEST(PageHeaders, FormOriginIsAllowedNextToSelf) {
  RecordingResponse res;
  set_page_headers(res, "https://claude.ai");
  EXPECT_EQ(res.headers.find("Content-Security-Policy")->second,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https://claude.ai; "
            "frame-ancestors 'none'; base-uri 'none'");
}

}  // namespace
}  // namespace fini
