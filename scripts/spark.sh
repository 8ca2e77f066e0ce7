#!/usr/bin/env bash
# Make the Spark engine usable: Java (Debian's openjdk-17-jre-headless when no java is on PATH;
# needs root, as on CI and the dev machines) and pyspark (the spark extra) in .venv.
# Exits 1 saying why when either cannot be had.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v java > /dev/null && [ -z "${JAVA_HOME:-}" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "java is not installed and this is not root: install Java 17 or newer to use the Spark engine" >&2
    exit 1
  fi
  scripts/apt-install.sh openjdk-17-jre-headless
fi
.venv/bin/python -m pip install --quiet -e '.[spark]' >&2
