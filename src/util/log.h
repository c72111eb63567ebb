// Logging on stderr with stage tags ("[simulate] ..."), --quiet and --verbose. Results never go here.
#pragma once
#include <spdlog/spdlog.h>

#include <functional>
#include <string>

namespace blue::log {

enum class Verbosity { kQuiet, kNormal, kVerbose };

void set_verbosity(Verbosity v);

// Receives every message that passes the level (its level and its text "[stage] message") instead of stderr,
// e.g. the Python module's bridge to Python's logging. It may be called from several threads at once and is
// called without any lock of the logger held. An empty handler restores stderr. Warnings are counted either
// way.
using Handler = std::function<void(spdlog::level::level_enum level, const std::string& text)>;
void set_handler(Handler handler);

namespace detail {
// Whether the message of the call site with this format string is to be dropped (RepeatFilter).
bool drop_repeat(const void* format);
}  // namespace detail

// Messages are formatted with fmt and prefixed by their stage: log::info("simulate", "{} samples", n).
template <typename... Args>
void info(const char* stage, fmt::format_string<Args...> format, Args&&... args) {
  if (detail::drop_repeat(static_cast<fmt::string_view>(format).data())) return;
  spdlog::info("[{}] {}", stage, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(const char* stage, fmt::format_string<Args...> format, Args&&... args) {
  if (detail::drop_repeat(static_cast<fmt::string_view>(format).data())) return;
  spdlog::warn("[{}] {}", stage, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(const char* stage, fmt::format_string<Args...> format, Args&&... args) {
  if (detail::drop_repeat(static_cast<fmt::string_view>(format).data())) return;
  spdlog::debug("[{}] {}", stage, fmt::format(format, std::forward<Args>(args)...));
}

// For work done in chunks (a streamed deconvolution), so that it logs once and not once per chunk: while a
// filter exists, the call sites (format strings) that log are remembered, and while it is active a message
// from a call site that has already logged is dropped. One filter at a time.
class RepeatFilter {
 public:
  RepeatFilter();
  ~RepeatFilter();
  RepeatFilter(const RepeatFilter&) = delete;
  RepeatFilter& operator=(const RepeatFilter&) = delete;
  void set_active(bool active);
  std::size_t dropped() const;  // messages dropped so far
};

// Number of warnings emitted so far (reported in the final summary line and the provenance JSON).
std::size_t warning_count();

// Joins the first `max_items` of `items` as "a, b, c (and 12 more)": for messages that list genes or samples.
std::string preview(const std::vector<std::string>& items, std::size_t max_items = 8);

}  // namespace blue::log
