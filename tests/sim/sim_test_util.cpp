#include "sim_test_util.hpp"

namespace fini::sim::testing {

SandboxOptions test_options() {
  SandboxOptions o;
  o.now_ms = kNow;
  o.freeze_clock = true;
  o.job_step_ms = kStep;
  o.threads = 8;
  return o;
}

void SandboxTest::start(const SandboxOptions& o) {
  sb_.reset();
  auto s = Sandbox::start(o);
  ASSERT_TRUE(s.ok()) << s.status().message();
  sb_ = std::move(*s);
}

Resp to_resp(const httplib::Result& r) {
  Resp out;
  if (!r) return out;
  out.status = r->status;
  out.raw = r->body;
  out.headers = r->headers;
  out.body = json::parse(r->body, nullptr, false);
  return out;
}

Resp SandboxTest::send(const std::string& method, const std::string& path, const std::string& body, const char* key,
                       const httplib::Headers& extra, const std::string& content_type) {
  httplib::Client cli("127.0.0.1", sb_->port());
  cli.set_read_timeout(10, 0);
  httplib::Headers h = extra;
  if (key) h.emplace("Authorization", std::string("Bearer ") + key);
  if (method == "GET") return to_resp(cli.Get(path, h));
  if (method == "POST") return to_resp(cli.Post(path, h, body, content_type));
  if (method == "PUT") return to_resp(cli.Put(path, h, body, content_type));
  if (method == "PATCH") return to_resp(cli.Patch(path, h, body, content_type));
  if (method == "DELETE") {
    if (body.empty()) return to_resp(cli.Delete(path, h));
    return to_resp(cli.Delete(path, h, body, content_type));
  }
  if (method == "OPTIONS") return to_resp(cli.Options(path, h));
  ADD_FAILURE() << "unsupported method " << method;
  return {};
}

Resp SandboxTest::get(const std::string& path, const char* key) { return send("GET", path, "", key); }
Resp SandboxTest::post(const std::string& path, const json& body, const char* key) {
  return send("POST", path, body.dump(), key);
}
Resp SandboxTest::put(const std::string& path, const json& body, const char* key) {
  return send("PUT", path, body.dump(), key);
}
Resp SandboxTest::patch(const std::string& path, const json& body, const char* key) {
  return send("PATCH", path, body.dump(), key);
}
Resp SandboxTest::del(const std::string& path, const char* key) { return send("DELETE", path, "", key); }
Resp SandboxTest::del_body(const std::string& path, const json& body, const char* key) {
  return send("DELETE", path, body.dump(), key);
}

::testing::AssertionResult is_envelope(const Resp& r, int status, const std::string& message) {
  if (r.status != status) {
    return ::testing::AssertionFailure() << "status " << r.status << " != " << status << "; body: " << r.raw;
  }
  if (!r.body.is_object() || r.body.size() != 3 || !r.body.contains("statusCode") || !r.body.contains("message") ||
      !r.body.contains("error")) {
    return ::testing::AssertionFailure() << "not an envelope: " << r.raw;
  }
  if (r.body["statusCode"] != status) return ::testing::AssertionFailure() << "statusCode mismatch: " << r.raw;
  if (!message.empty() && r.body["message"] != message) {
    return ::testing::AssertionFailure() << "message " << r.body["message"] << " != \"" << message << "\"";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace fini::sim::testing
