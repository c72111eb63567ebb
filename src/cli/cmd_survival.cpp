// blue survival: placeholder until its issue lands (the subcommand refuses to run rather than pretend).
#include "cli/commands.h"
#include "util/error.h"

namespace blue::cli {

void register_survival(CLI::App& app) {
  auto* cmd = app.add_subcommand("survival", "(not available yet)");
  cmd->allow_extras();
  cmd->callback([] { throw UsageError("'blue survival' is not implemented in this build"); });
}

}  // namespace blue::cli
