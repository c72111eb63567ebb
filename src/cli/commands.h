// One file pair per subcommand: cmd_<name>.cpp defines register_<name>(), which adds the subcommand, its
// options, their checks and help text, and the callback that runs it. main.cpp dispatches from kCommands.
#pragma once
#include <CLI/CLI.hpp>

namespace blue::cli {

void register_markers(CLI::App& app);
void register_simulate(CLI::App& app);
void register_train(CLI::App& app);
void register_deconvolve(CLI::App& app);
void register_signature(CLI::App& app);
void register_nnls(CLI::App& app);
void register_evaluate(CLI::App& app);
void register_report(CLI::App& app);
void register_survival(CLI::App& app);
void register_subtype(CLI::App& app);

struct CommandEntry {
  const char* name;
  void (*register_fn)(CLI::App&);
};

inline constexpr CommandEntry kCommands[] = {
    {"markers", register_markers},       {"simulate", register_simulate},   {"train", register_train},
    {"deconvolve", register_deconvolve}, {"signature", register_signature}, {"nnls", register_nnls},
    {"evaluate", register_evaluate},     {"report", register_report},       {"survival", register_survival},
    {"subtype", register_subtype},
};

}  // namespace blue::cli
