#!/usr/bin/env bash
# Everything the benchmarks need beyond the test set-up: the bench extra, Debian's WordNet
# (read by benchmarks/copy_corpus.py to spin copies) and wrk (benchmarks/web_load.py's load client).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/pip install -q -e '.[bench]'
if [ ! -f /usr/share/wordnet/data.noun ]; then
  scripts/apt-install.sh wordnet-base
fi
if ! command -v wrk >/dev/null; then
  scripts/apt-install.sh wrk
fi
