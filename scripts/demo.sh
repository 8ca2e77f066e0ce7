#!/usr/bin/env bash
# Install, then analyze the bundled example corpus into storytrace.db (embedded SQLite, no server)
# and write report.json beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/storytrace analyze examples/corpus --db storytrace.db --json report.json "$@"
echo "report written to report.json; database in storytrace.db"
