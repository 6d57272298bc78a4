#include "cli/progress_printer.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

#include "export/export_tools.hpp"

namespace fini::cli {

void ProgressPrinter::page(const exporting::PageEvent& page) {
  if (mode_ == Mode::kNone) return;
  const std::string text = exporting::progress_message(page);
  std::lock_guard lock(mutex_);
  if (mode_ == Mode::kLines) {
    std::cerr << "export: " << text << "\n";
    return;
  }
  const auto fraction = walked(page);
  std::string bar;
  if (fraction) {
    const int filled = static_cast<int>(*fraction * 30.0);
    bar = "[" + std::string(static_cast<std::size_t>(filled), '#') +
          std::string(static_cast<std::size_t>(30 - filled), '.') + "] " +
          std::to_string(static_cast<int>(*fraction * 100.0)) + "% ";
  }
  draw(bar, text);
}

void ProgressPrinter::finish(bool complete) {
  std::lock_guard lock(mutex_);
  if (!drawn_) return;
  if (complete && !bar_.empty()) draw("[" + std::string(30, '#') + "] 100% ", text_);
  std::cerr << "\n" << std::flush;
  drawn_ = false;
}

void ProgressPrinter::hide() {
  mutex_.lock();  // held until show(): no redraw between the clear and the record
  if (drawn_) std::cerr << "\r\033[K" << std::flush;
}

void ProgressPrinter::show() {
  if (drawn_) std::cerr << bar_ << text_ << std::flush;
  mutex_.unlock();
}

std::optional<double> ProgressPrinter::walked(const exporting::PageEvent& page) {
  if (!page.range_since || !page.range_until || *page.range_until <= *page.range_since) return std::nullopt;
  std::optional<std::int64_t> oldest;
  for (const auto& item : page.items) {
    auto t = item.is_object() && !time_field_.empty() ? item.find(time_field_) : item.end();
    if (t != item.end() && t->is_number_integer() && (!oldest || t->get<std::int64_t>() < *oldest)) {
      oldest = t->get<std::int64_t>();
    }
  }
  if (oldest) {
    const double span = static_cast<double>(*page.range_until - *page.range_since);
    fraction_ = std::clamp(static_cast<double>(*page.range_until - *oldest) / span, fraction_, 1.0);
  }
  return fraction_;  // an empty page (a quiet window) keeps the bar where it was
}

void ProgressPrinter::draw(const std::string& bar, const std::string& text) {
  std::cerr << "\r\033[K" << bar << text << std::flush;
  bar_ = bar;
  text_ = text;
  drawn_ = true;
}

namespace {

class AboveBarSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  AboveBarSink(spdlog::sink_ptr inner, ProgressPrinter& printer) : inner_(std::move(inner)), printer_(printer) {
    set_level(inner_->level());
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    printer_.hide();
    inner_->log(msg);
    inner_->flush();
    printer_.show();
  }
  void flush_() override { inner_->flush(); }

 private:
  spdlog::sink_ptr inner_;
  ProgressPrinter& printer_;
};

}  // namespace

LogLinesAboveBar::LogLinesAboveBar(ProgressPrinter& printer) {
  auto logger = spdlog::default_logger();
  if (!logger || logger->sinks().empty()) return;
  original_ = logger->sinks().front();
  logger->sinks().front() = std::make_shared<AboveBarSink>(original_, printer);
}

LogLinesAboveBar::~LogLinesAboveBar() {
  if (original_) spdlog::default_logger()->sinks().front() = original_;
}

}  // namespace fini::cli
