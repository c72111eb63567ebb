#!/usr/bin/env bash
# The demo: runs blue's main pipeline on the example data in examples/ and prints where the results are.
set -euo pipefail
BLUE=${1:-build/blue}
"$BLUE" --version
echo "[demo] the pipeline subcommands are being built; see README.md"
