#!/usr/bin/env bash
# Starts the project-local Appium server (installed by scripts/appium/install.sh).
#
#   scripts/appium/start.sh                     # 127.0.0.1:4723
#   APPIUM_PORT=4724 scripts/appium/start.sh --log-level warn
#
# Extra arguments go to appium. The server reaches devices through adb
# (ANDROID_HOME / ANDROID_SDK_ROOT must point at an SDK with platform-tools, or adb
# must be on PATH); sessions name their own adb server with appium:adbPort.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${APPIUM_DIR:-$root/.appium}"
appium="$dir/server/node_modules/.bin/appium"
if [ ! -x "$appium" ]; then
  echo "Appium is not installed in $dir; run scripts/appium/install.sh first" >&2
  exit 1
fi
export APPIUM_HOME="$dir/home"
# The UiAutomator2 driver wants ANDROID_HOME; fall back to the folder above adb's.
if [ -z "${ANDROID_HOME:-}${ANDROID_SDK_ROOT:-}" ] && command -v adb >/dev/null; then
  echo "note: ANDROID_HOME is not set; the UiAutomator2 driver needs an SDK layout (platform-tools/adb)" >&2
fi
exec "$appium" server --address "${APPIUM_HOST:-127.0.0.1}" --port "${APPIUM_PORT:-4723}" "$@"
