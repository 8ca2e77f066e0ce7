#!/usr/bin/env bash
# Start a PostgreSQL server for the store tests and print the URL to use, or exit 1 saying why.
# Installs Debian's postgresql when missing (needs root, as on CI and the dev machines).
set -euo pipefail
PASSWORD=storytrace
if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" > /dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "postgresql is not installed and this is not root: install it to run the PostgreSQL tests" >&2
    exit 1
  fi
  "$(dirname "$0")/apt-install.sh" postgresql
fi
VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main"' | grep -q .; then
  pg_createcluster "$VERSION" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  pg_ctlcluster "$VERSION" main start >&2
fi
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $3}')
runuser -u postgres -- psql -q -p "$PORT" -c "ALTER USER postgres PASSWORD '$PASSWORD';" >&2
echo "postgresql://postgres:$PASSWORD@127.0.0.1:$PORT/postgres"
