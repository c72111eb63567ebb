// blue: command-line entry point. Parses the subcommand from the table in commands.h, runs it, and turns
// typed exceptions into exit codes (the only place that does).
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "cli/commands.h"
#include "util/error.h"
#include "util/log.h"
#include "util/provenance.h"

int main(int argc, char** argv) {
  using namespace blue;
  Provenance::set_command_line(argc, argv);
  CLI::App app{"blue " BLUE_VERSION
               ": deconvolution of bulk RNA-seq with a labelled single-cell reference.\n"
               "Estimates each sample's cell-type fractions and per-cell-type expression profiles."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "blue " BLUE_VERSION);
  for (const auto& entry : cli::kCommands) entry.register_fn(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
    return e.code();
  } catch (const std::bad_alloc&) {
    spdlog::error("out of memory; use a smaller input, fewer threads, or a machine with more memory");
    return kExitCompute;
  } catch (const std::exception& e) {
    spdlog::error("internal error: {} (please report this with the command line)", e.what());
    return kExitInternal;
  }
  ResourceUsage ru = resource_usage();
  spdlog::info("[blue] done: blue {} | {} | wall {:.1f} s, CPU {:.1f} s, peak RSS {:.0f} MiB, {} warning(s)",
               BLUE_VERSION, Provenance::command_line(), ru.wall_seconds, ru.cpu_seconds, ru.peak_rss_mib,
               log::warning_count());
  return kExitOk;
}
