// blue subtype: placeholder until its issue lands (the subcommand refuses to run rather than pretend).
#include "cli/commands.h"
#include "util/error.h"

namespace blue::cli {

void register_subtype(CLI::App& app) {
  auto* cmd = app.add_subcommand("subtype", "(not available yet)");
  cmd->allow_extras();
  cmd->callback([] { throw UsageError("'blue subtype' is not implemented in this build"); });
}

}  // namespace blue::cli
