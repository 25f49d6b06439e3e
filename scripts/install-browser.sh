#!/usr/bin/env bash
# Install the browser the browser tests (tests/test_browser.py) drive: Debian's chromium, run by
# Playwright for Python from /usr/bin/chromium. Playwright's own browser download is not used.
#
# Idempotent: does nothing when /usr/bin/chromium is already there. Needs root (as in CI) or sudo
# to install. Prints what it did.
set -euo pipefail

chromium=/usr/bin/chromium

if [ -x "$chromium" ]; then
  echo "install-browser: chromium already installed: $("$chromium" --version 2>/dev/null | head -n 1)"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-browser: $chromium is missing and installing it needs root (or sudo)" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: no apt-get here; install Chromium yourself and set CHROMIUM to its path" >&2
  exit 1
fi

echo "install-browser: installing Debian's chromium with apt-get"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
if [ ! -x "$chromium" ]; then
  echo "install-browser: apt-get installed chromium but $chromium is still missing" >&2
  exit 1
fi
echo "install-browser: installed: $("$chromium" --version 2>/dev/null | head -n 1)"
