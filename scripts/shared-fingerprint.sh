#!/usr/bin/env bash
# Prints one hash of every file under ../shared (data sets, parity vectors, research notes): an Nx runtime input of
# the test targets, so a changed data set or vector file invalidates cached test results.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -d ../shared ]]; then
  (cd ../shared && find -L . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
else
  echo "no ../shared"
fi
