#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser test of the page
# (tests/test_ui_browser.py drives it headless through Python Playwright; Playwright's own
# browser download does not work here). Installs it with apt-get when it is missing and we are
# root; otherwise says what to do. Safe to run again: does nothing when Chromium is there.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "ci_browser_setup: $("$CHROMIUM" --version 2>/dev/null || echo chromium) at $CHROMIUM"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "ci_browser_setup: $CHROMIUM is missing and this is not root; install it with:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y chromium" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ci_browser_setup: $CHROMIUM is missing and there is no apt-get; install Chromium" \
        "so that $CHROMIUM exists" >&2
    exit 1
fi

echo "ci_browser_setup: installing Debian's chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q chromium
"$CHROMIUM" --version 2>/dev/null || true
test -x "$CHROMIUM"
