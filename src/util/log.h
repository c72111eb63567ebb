// Logging on stderr with stage tags ("[simulate] ..."), --quiet and --verbose. Results never go here.
#pragma once
#include <spdlog/spdlog.h>

#include <string>

namespace blue::log {

enum class Verbosity { kQuiet, kNormal, kVerbose };

void set_verbosity(Verbosity v);

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
