// The access log: one JSON line per response with only what is safe to print (a key-shaped
// path or tool is redacted, an unknown method is INVALID, an unparsed request has no path), 499
// for a client gone, and what it counts in /metrics (rejected framing / request_timeout for a
// head httplib refused itself). t_conn's stream is a real ConnStream on a socket pair.
#include "http/access_log.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include <nlohmann/json.hpp>

#include "http/conn_stream.hpp"
#include "http/metrics.hpp"
#include "http/request_scope.hpp"

namespace fini::http {
namespace {

using Json = nlohmann::json;
constexpr const char* kKey = "fini_live_Q2x9ZkR7pLm4Vb8N";

class AccessLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t_info = RequestInfo{};
    metrics_.set_known_tools({"fini_list_conversation_tags"});  // as the server does from its manifests
  }
  Json log(const std::string& method, const std::string& path, int status, bool pre_routed = true) {
    httplib::Request req;
    req.method = method;
    req.path = path;
    httplib::Response res;
    res.status = status;
    t_info.pre_routed = pre_routed;
    log_.log(req, res);
    if (lines_.empty()) return nullptr;
    EXPECT_EQ(lines_.back().back(), '\n');
    return Json::parse(lines_.back());
  }
  bool counted(const std::string& text) const { return metrics_.render().find(text) != std::string::npos; }

  Metrics metrics_;
  std::vector<std::string> lines_;
  AccessLog log_{metrics_, true, [this](const std::string& line) { lines_.push_back(line); }};
};

TEST_F(AccessLogTest, ALineShowsWhatIsSafe) {
  t_info.rpc = "tools/call";
  t_info.tool = "fini_list_conversation_tags";
  t_info.upstream_status = 200;
  const Json line = log("POST", "/mcp", 200);
  EXPECT_EQ(line["type"], "access");
  EXPECT_EQ(line["method"], "POST");
  EXPECT_EQ(line["path"], "/mcp");
  EXPECT_EQ(line["rpc"], "tools/call");
  EXPECT_EQ(line["tool"], "fini_list_conversation_tags");
  EXPECT_EQ(line["status"], 200);
  EXPECT_EQ(line["upstream_status"], 200);
  EXPECT_TRUE(line["ms"].is_number_integer());
  EXPECT_TRUE(counted("tool=\"fini_list_conversation_tags\""));
  EXPECT_EQ(t_info.rpc, "-");  // the next request starts clean
}

TEST_F(AccessLogTest, AKeyShapedPathOrToolShowsNoKey) {
  t_info.tool = kKey;
  const Json line = log("GET", std::string("/mcp/") + kKey + "?key=" + kKey, 404);
  ASSERT_FALSE(lines_.empty());
  EXPECT_EQ(lines_.back().find(kKey), std::string::npos) << lines_.back();
  EXPECT_EQ(line["path"].get<std::string>().rfind("/mcp/fini_", 0), 0u);
  EXPECT_EQ(line["upstream_status"], nullptr);
}

TEST_F(AccessLogTest, AnUnknownMethodIsInvalid) {
  EXPECT_EQ(log("BREW", "/", 400)["method"], "INVALID");
  EXPECT_EQ(log(kKey, "/", 400)["method"], "INVALID");
  EXPECT_EQ(lines_.back().find(kKey), std::string::npos);
  EXPECT_EQ(log("DELETE", "/mcp", 405)["method"], "DELETE");
}

TEST_F(AccessLogTest, ARequestHttplibCouldNotParseShowsNoPathAndCountsAsFraming) {
  const Json line = log("GET", std::string("/") + kKey, 400, false);
  EXPECT_EQ(line["path"], "-");
  EXPECT_TRUE(counted("fini_mcp_http_rejected_total{reason=\"framing\"} 1"));
}

TEST_F(AccessLogTest, AHeadCutByTheDeadlineCountsAsRequestTimeout) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  {
    ConnStream stream(fds[0], std::chrono::milliseconds(1000), std::chrono::milliseconds(1000));
    stream.begin_request(ConnStream::Clock::now(), 1024);  // already due
    char c = 0;
    EXPECT_LT(stream.read(&c, 1), 0);
    ASSERT_TRUE(stream.timed_out());
    t_conn = ConnState{&stream, false};
    log("GET", "/", 400, false);
    t_conn = ConnState{};
  }
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_TRUE(counted("fini_mcp_http_rejected_total{reason=\"request_timeout\"} 1"));
  EXPECT_FALSE(counted("reason=\"framing\""));
}

TEST_F(AccessLogTest, AClientGoneIs499) {
  t_info.client_gone = true;
  t_info.rpc = "tools/call";
  EXPECT_EQ(log("POST", "/mcp", 200)["status"], 499);
  EXPECT_TRUE(counted("status=\"499\""));
}

TEST_F(AccessLogTest, DisabledItStillCounts) {
  AccessLog quiet(metrics_, false, [this](const std::string& line) { lines_.push_back(line); });
  httplib::Request req;
  req.method = "POST";
  req.path = "/mcp";
  httplib::Response res;
  res.status = 202;
  t_info.pre_routed = true;
  quiet.log(req, res);
  EXPECT_TRUE(lines_.empty());
  EXPECT_TRUE(counted("status=\"202\""));
}

}  // namespace
}  // namespace fini::http
