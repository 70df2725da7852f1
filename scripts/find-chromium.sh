#!/usr/bin/env bash
# Print the path of a working Chromium for the browser tests, installing one when there is
# none: Debian's package when root with apt-get, else playwright's own download. Prints
# "playwright" when playwright's bundled browser is to be used.
set -u
works() { "$1" --headless=new --no-sandbox --disable-gpu --dump-dom about:blank >/dev/null 2>&1; }
for c in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  [ -n "$c" ] && [ -x "$c" ] && works "$c" && { echo "$c"; exit 0; }
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium package…" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
  [ -x /usr/bin/chromium ] && works /usr/bin/chromium && { echo /usr/bin/chromium; exit 0; }
fi
echo "Installing playwright's Chromium…" >&2
"${VENV_PY:-.venv/bin/python}" -m playwright install --with-deps chromium >&2 \
  || "${VENV_PY:-.venv/bin/python}" -m playwright install chromium >&2 \
  || { echo "Could not get a Chromium: install the 'chromium' package and retry." >&2; exit 1; }
echo playwright
