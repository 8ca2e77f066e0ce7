#!/usr/bin/env bash
# Make Debian's Chromium available for the browser tests (Playwright drives it; no browser download).
# Installs it when missing (needs root, as on CI and the dev machines); exits 1 saying why otherwise.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is not installed and this is not root: install Debian's chromium to run the browser tests" >&2
  exit 1
fi
"$(dirname "$0")/apt-install.sh" chromium
