#!/usr/bin/env bash
# Install Debian packages (as root): wait for another apt run's lock instead of failing at once,
# and try a failed download again, so a busy or briefly unreachable mirror does not fail CI.
# Usage: scripts/apt-install.sh PACKAGE...
set -euo pipefail
options=(-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3 -qq)
for attempt in 1 2 3; do
  if apt-get "${options[@]}" update >&2 \
    && DEBIAN_FRONTEND=noninteractive apt-get "${options[@]}" install -y "$@" >&2; then
    exit 0
  fi
  echo "apt-get could not install $* (attempt $attempt of 3)" >&2
  sleep $((attempt * 10))
done
exit 1
