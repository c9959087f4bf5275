#!/usr/bin/env bash
# Installs Appium 3 and the UiAutomator2 driver from npm into a project-local folder,
# outside the project's own dependencies (a normal `npm install` stays small).
#
#   scripts/appium/install.sh            # → .appium/server (appium), .appium/home (APPIUM_HOME, drivers)
#   APPIUM_DIR=/opt/appium scripts/appium/install.sh
#
# Idempotent: a second run only checks the versions. Needs only the npm registry
# (the UiAutomator2 server APKs ship inside the npm package).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${APPIUM_DIR:-$root/.appium}"
server="$dir/server"
export APPIUM_HOME="$dir/home"
appium_spec="${APPIUM_VERSION:-appium@3}"
driver_spec="${UIAUTOMATOR2_DRIVER:-appium-uiautomator2-driver}"

mkdir -p "$server" "$APPIUM_HOME"
[ -f "$server/package.json" ] || echo '{"name":"dynamind-appium","private":true}' >"$server/package.json"

start=$(date +%s)
if [ ! -x "$server/node_modules/.bin/appium" ]; then
  echo "installing $appium_spec into $server"
  npm install --prefix "$server" --no-audit --no-fund --loglevel=error "$appium_spec"
fi
appium="$server/node_modules/.bin/appium"
echo "appium $("$appium" --version)"

if "$appium" driver list --installed --json 2>/dev/null | grep -q '"uiautomator2"'; then
  echo "uiautomator2 driver already installed in $APPIUM_HOME"
else
  echo "installing $driver_spec into APPIUM_HOME=$APPIUM_HOME"
  "$appium" driver install --source=npm "$driver_spec"
fi
"$appium" driver list --installed 2>&1 | sed 's/^/  /'
echo "done in $(( $(date +%s) - start )) s; start the server with scripts/appium/start.sh"
