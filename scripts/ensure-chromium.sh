#!/usr/bin/env bash
# The dashboard's end-to-end tests drive Debian's Chromium (playwright-core never downloads a browser).
# Installs the package when it is missing and we can (root with apt-get); otherwise says what to install.
set -euo pipefail
chromium=${MODELGATE_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the dashboard tests" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
else
  echo "Chromium is missing at $chromium: install Debian's package ('sudo apt-get install chromium') and run again" >&2
  exit 1
fi
