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

// Messages are formatted with fmt and prefixed by their stage: log::info("simulate", "{} samples", n).
template <typename... Args>
void info(const char* stage, fmt::format_string<Args...> format, Args&&... args) {
  spdlog::info("[{}] {}", stage, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(const char* stage, fmt::format_string<Args...> format, Args&&... args) {
  spdlog::warn("[{}] {}", stage, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(const char* stage, fmt::format_string<Args...> format, Args&&... args) {
  spdlog::debug("[{}] {}", stage, fmt::format(format, std::forward<Args>(args)...));
}

// Number of warnings emitted so far (reported in the final summary line and the provenance JSON).
std::size_t warning_count();

// Joins the first `max_items` of `items` as "a, b, c (and 12 more)": for messages that list genes or samples.
std::string preview(const std::vector<std::string>& items, std::size_t max_items = 8);

}  // namespace blue::log
