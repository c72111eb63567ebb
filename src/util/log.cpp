#include "util/log.h"

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_set>

namespace blue::log {
namespace {

std::atomic<std::size_t> g_warnings{0};

struct RepeatState {
  std::atomic<bool> installed{false};
  std::mutex mutex;
  bool active = false;
  std::unordered_set<const void*> seen;
  std::size_t dropped = 0;
} g_repeat;

// The handler of set_handler(); null = stderr.
std::shared_ptr<const Handler> g_handler;

// Counts warnings on their way to stderr or to the handler. Only the stderr path is serialised (by its own
// mutex): a handler is called unlocked, so that one which waits (the Python bridge waits for the GIL) never
// holds up another thread's message while holding a lock that thread needs.
class CountingSink : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (msg.level >= spdlog::level::warn) ++g_warnings;
    if (const auto handler = std::atomic_load(&g_handler)) {
      (*handler)(msg.level, std::string(msg.payload.data(), msg.payload.size()));
      return;
    }
    std::lock_guard<std::mutex> lock(stderr_mutex_);
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }

 private:
  std::mutex stderr_mutex_;
};

std::shared_ptr<spdlog::logger> make_logger() {
  auto sink = std::make_shared<CountingSink>();
  auto logger = std::make_shared<spdlog::logger>("blue", sink);
  logger->set_pattern("%^%l%$ %H:%M:%S %v");
  return logger;
}

struct Install {
  Install() { spdlog::set_default_logger(make_logger()); }
} g_install;

}  // namespace

void set_verbosity(Verbosity v) {
  switch (v) {
    case Verbosity::kQuiet: spdlog::set_level(spdlog::level::warn); break;
    case Verbosity::kNormal: spdlog::set_level(spdlog::level::info); break;
    case Verbosity::kVerbose: spdlog::set_level(spdlog::level::debug); break;
  }
}

void set_handler(Handler handler) {
  std::atomic_store(&g_handler,
                    handler ? std::make_shared<const Handler>(std::move(handler)) : std::shared_ptr<const Handler>());
}

namespace detail {
bool drop_repeat(const void* format) {
  if (!g_repeat.installed.load(std::memory_order_relaxed)) return false;
  std::lock_guard<std::mutex> lock(g_repeat.mutex);
  if (g_repeat.seen.insert(format).second || !g_repeat.active) return false;
  ++g_repeat.dropped;
  return true;
}
}  // namespace detail

RepeatFilter::RepeatFilter() {
  std::lock_guard<std::mutex> lock(g_repeat.mutex);
  g_repeat.seen.clear();
  g_repeat.active = false;
  g_repeat.dropped = 0;
  g_repeat.installed = true;
}

RepeatFilter::~RepeatFilter() {
  std::lock_guard<std::mutex> lock(g_repeat.mutex);
  g_repeat.installed = false;
  g_repeat.seen.clear();
}

void RepeatFilter::set_active(bool active) {
  std::lock_guard<std::mutex> lock(g_repeat.mutex);
  g_repeat.active = active;
}

std::size_t RepeatFilter::dropped() const {
  std::lock_guard<std::mutex> lock(g_repeat.mutex);
  return g_repeat.dropped;
}

std::size_t warning_count() { return g_warnings.load(); }

std::string preview(const std::vector<std::string>& items, std::size_t max_items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max_items; ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  if (items.size() > max_items) out += fmt::format(" (and {} more)", items.size() - max_items);
  return out;
}

}  // namespace blue::log
