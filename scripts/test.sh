#!/usr/bin/env bash
# Install, start PostgreSQL for the store tests, make Chromium available for the browser tests and
# Java and pyspark for the Spark tests (when possible), and run the whole test suite.
# With STORYTRACE_REQUIRE_PG=1 (set by CI) a PostgreSQL that cannot be started fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ -z "${STORYTRACE_TEST_PG_URL:-}" ]; then
  if url=$(scripts/postgres.sh); then
    export STORYTRACE_TEST_PG_URL="$url"
  elif [ "${STORYTRACE_REQUIRE_PG:-0}" = "1" ]; then
    echo "PostgreSQL could not be started and STORYTRACE_REQUIRE_PG=1" >&2
    exit 1
  else
    echo "PostgreSQL tests will be skipped" >&2
  fi
fi
if ! scripts/browser.sh; then
  if [ "${STORYTRACE_REQUIRE_BROWSER:-0}" = "1" ]; then
    echo "Chromium could not be installed and STORYTRACE_REQUIRE_BROWSER=1" >&2
    exit 1
  fi
  echo "browser tests will be skipped" >&2
fi
if ! scripts/spark.sh; then
  if [ "${STORYTRACE_REQUIRE_SPARK:-0}" = "1" ]; then
    echo "Java or pyspark could not be installed and STORYTRACE_REQUIRE_SPARK=1" >&2
    exit 1
  fi
  echo "Spark tests will be skipped" >&2
fi
exec .venv/bin/python -m pytest "$@"
