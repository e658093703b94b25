#!/usr/bin/env bash
# The one list of Debian packages this repository needs, installed when missing. `npm start` runs it for `start`,
# `npm test` for `test`, and .ci/run through `npm test`, so a fresh machine needs nothing installed by hand.
#   start: fontconfig, fonts-dejavu-core (chart text: sharp renders the charts' SVG through fontconfig)
#   test:  the above, dataset-fashion-mnist (real images for the imbalanced-vision tests), clang + lld (the
#          wasm-kernels test that rebuilds its compiled kernel from C and compares it with the committed one) and
#          chromium (the headless browser tools/summary's test opens the summary page in, through puppeteer-core)
# Installing needs root (or password-less sudo); when everything is present it only asks dpkg and prints nothing.
set -euo pipefail

purpose=${1:-test}
case "$purpose" in
  start) wanted=(fontconfig fonts-dejavu-core) ;;
  test) wanted=(fontconfig fonts-dejavu-core dataset-fashion-mnist clang lld chromium) ;;
  *) echo "system-packages.sh: unknown purpose '$purpose' (start or test)" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-packages.sh: not a Debian system; install the equivalents of: ${wanted[*]}" >&2
  exit 0
fi

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "system-packages.sh: missing Debian packages: ${missing[*]}" >&2
  echo "  install them as root: apt-get update && apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "installing Debian packages for npm ${purpose}: ${missing[*]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${as_root[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "system-packages.sh: apt-get failed (output above)" >&2
  exit 1
fi
