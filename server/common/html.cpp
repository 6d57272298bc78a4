#include "common/html.hpp"

namespace fini {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f}"
    "h1{font-size:1.4rem}input[type=password]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}"
    "button{margin-top:1rem;margin-right:.5rem;padding:.5rem 1.2rem;font-size:1rem}.error{color:#b00020;"
    "font-weight:600}.warn{color:#8a5300}.ok{color:#0a7d32;font-weight:600}code{background:#f2f2f2;padding:0 .2rem}";

}  // namespace

std::string html_page(const std::string& title, const std::string& body) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<meta name=\"referrer\" content=\"same-origin\"><title>" +
         html_escape(title) + "</title><style>" + kStyle + "</style></head><body>\n<h1>" + html_escape(title) +
         "</h1>\n" + body + "\n</body></html>\n";
}

std::vector<std::pair<std::string, std::string>> page_headers(const std::string& form_origin) {
  return {{"Cache-Control", "no-store"},
          {"Pragma", "no-cache"},
          {"X-Frame-Options", "DENY"},
          {"X-Content-Type-Options", "nosniff"},
          {"Referrer-Policy", "same-origin"},
          {"Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'" +
                                          (form_origin.empty() ? std::string() : " " + form_origin) +
                                          "; frame-ancestors 'none'; base-uri 'none'"}};
}

}  // namespace fini
