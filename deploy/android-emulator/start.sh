#!/usr/bin/env bash
# Starts a pool of Android emulators on a KVM host and serves them to agents as
# android-appium sessions ({"pool_index": N}): optionally installs AndroidWorld's
# apps into the AVD once, starts Appium (UiAutomator2), `dynamind emulator start
# --count N`, then `dynamind serve` with a server config naming the pool and Appium.
# The image's entry point (Dockerfile beside this file); it runs outside the image
# too, given an SDK with an AVD, adb, and Appium from scripts/appium/install.sh.
#
#   deploy/android-emulator/start.sh --count 4 --host 0.0.0.0
#   deploy/android-emulator/start.sh --count 2 --install-apps /opt/androidworld/apps --dry-run
#
# Exit status: 0 after serve ends; 2 for bad arguments (nothing is started); 1 when a step fails.
# Ctrl-C / SIGTERM stops the server (it drains), the emulators and Appium.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prog="start.sh"

# The pool holds at most 64 emulators per host (emulator/pool/ports.ts: MAX_SLOTS).
max_count=64
# Installing the apps boots the AVD once, writable, on a console port and adb server
# no pool slot uses (slots take consoles 5554..5681 and adb servers 15037..15100).
provision_console=5682
provision_adb_server=15036

count=1
avd=AndroidWorldAvd
appium=on
appium_port=4723
appium_url=""
host=127.0.0.1
port=50051
metrics_port=""
gpu=swiftshader_indirect
memory=2048
boot_timeout=300
apps_dir=""
state=""
adb="${ADB:-adb}"
dry_run=0

usage() {
  cat <<'EOF'
Usage: deploy/android-emulator/start.sh [options]

Starts N Android emulators (dynamind emulator start), Appium, and dynamind serve
serving them as android-appium sessions ({"pool_index": 0..N-1}).

  -n, --count N           emulators in the pool, 1..64 (default 1)
      --avd NAME          the AVD to run (default AndroidWorldAvd; letters, digits, . _ -)
      --appium on|off     start Appium with the UiAutomator2 driver here (default on)
      --appium-port PORT  Appium's port when on (default 4723)
      --appium-url URL    with --appium off: the Appium server sessions use (required then)
      --host ADDR         interface dynamind serve binds (default 127.0.0.1)
  -p, --port PORT         dynamind serve's gRPC port (default 50051)
      --metrics-port PORT Prometheus metrics port (default: none)
      --gpu MODE          emulator -gpu: auto, host, swiftshader_indirect, angle_indirect, guest, off
                          (default swiftshader_indirect: no GPU needed)
      --memory MB         emulator RAM, 1024..16384 (default 2048, as AndroidWorld's Docker set-up)
      --boot-timeout S    seconds to wait for each emulator to boot, 10..3600 (default 300)
      --install-apps DIR  before the pool starts, once per AVD: boot it writable, install every
                          .apk in DIR (adb install -r -g), push OsmAnd's map if there, make Simple
                          SMS Messenger the default SMS app, then shut it down
      --state FILE        the pool's state file (default $DYNAMIND_HOME/emulators.json,
                          else ~/.dynamind/emulators.json)
      --dry-run           print the commands it would run, run nothing
  -h, --help              this text

Environment: ANDROID_SDK_ROOT (or ANDROID_HOME), ANDROID_AVD_HOME, ADB (the adb binary,
default adb), APPIUM_DIR (where scripts/appium/install.sh put Appium), DYNAMIND_HOME.
EOF
}

bad() {
  echo "$prog: $*" >&2
  echo "$prog: see --help" >&2
  exit 2
}

fail() {
  echo "$prog: $*" >&2
  exit 1
}

is_uint() { [[ $1 =~ ^[0-9]{1,9}$ ]]; }

# check_int NAME VALUE MIN MAX
check_int() {
  is_uint "$2" || bad "$1 must be a whole number, got '$2'"
  if ((10#$2 < $3 || 10#$2 > $4)); then bad "$1 must be in $3..$4, got $2"; fi
}

while (($# > 0)); do
  arg=$1
  shift
  inline=0
  value=""
  if [[ $arg == --*=* ]]; then
    value=${arg#*=}
    arg=${arg%%=*}
    inline=1
  fi
  case $arg in
    -h | --help)
      usage
      exit 0
      ;;
    --dry-run)
      ((inline == 0)) || bad "--dry-run takes no value"
      dry_run=1
      continue
      ;;
    -n | --count | --avd | --appium | --appium-port | --appium-url | --host | -p | --port | --metrics-port | --gpu | --memory | --boot-timeout | --install-apps | --state) ;;
    *) bad "unknown option '$arg'" ;;
  esac
  if ((inline == 0)); then
    # No value here starts with '-': "--count --dry-run" is a missing value, not a count.
    if (($# == 0)) || [[ $1 == -* ]]; then bad "$arg needs a value"; fi
    value=$1
    shift
  fi
  [[ -n $value ]] || bad "$arg needs a value"
  case $arg in
    -n | --count) count=$value ;;
    --avd) avd=$value ;;
    --appium) appium=$value ;;
    --appium-port) appium_port=$value ;;
    --appium-url) appium_url=$value ;;
    --host) host=$value ;;
    -p | --port) port=$value ;;
    --metrics-port) metrics_port=$value ;;
    --gpu) gpu=$value ;;
    --memory) memory=$value ;;
    --boot-timeout) boot_timeout=$value ;;
    --install-apps) apps_dir=$value ;;
    --state) state=$value ;;
  esac
done

check_int --count "$count" 1 "$max_count"
[[ $avd =~ ^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$ ]] || bad "--avd must be 1..64 letters, digits, '.', '_' or '-' (not starting with '.' or '-'), got '$avd'"
[[ $appium == on || $appium == off ]] || bad "--appium must be on or off, got '$appium'"
check_int --appium-port "$appium_port" 1024 65535
check_int --port "$port" 1024 65535
[[ -z $metrics_port ]] || check_int --metrics-port "$metrics_port" 1024 65535
[[ $host =~ ^[A-Za-z0-9.:-]{1,253}$ ]] || bad "--host must be an address or host name, got '$host'"
case $gpu in
  auto | host | swiftshader_indirect | angle_indirect | guest | off) ;;
  *) bad "--gpu must be one of auto, host, swiftshader_indirect, angle_indirect, guest, off; got '$gpu'" ;;
esac
check_int --memory "$memory" 1024 16384
check_int --boot-timeout "$boot_timeout" 10 3600
if [[ $appium == off ]]; then
  [[ -n $appium_url ]] || bad "--appium off needs --appium-url (the Appium server the sessions use)"
  [[ $appium_url =~ ^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$ ]] || bad "--appium-url must be an http(s) URL, got '$appium_url'"
else
  [[ -z $appium_url ]] || bad "--appium-url is for --appium off; with --appium on the sessions use http://127.0.0.1:$appium_port"
  appium_url="http://127.0.0.1:$appium_port"
fi
# Two servers on one port: the second would fail after the emulators booted, minutes in.
used=("$port")
[[ -z $metrics_port ]] || used+=("$metrics_port")
[[ $appium == off ]] || used+=("$appium_port")
if (($(printf '%s\n' "${used[@]}" | sort -u | wc -l) != ${#used[@]})); then
  bad "--port, --metrics-port and --appium-port must differ (got ${used[*]})"
fi
apks=()
if [[ -n $apps_dir ]]; then
  [[ -d $apps_dir ]] || bad "--install-apps: $apps_dir is not a directory"
  shopt -s nullglob
  apks=("$apps_dir"/*.apk)
  maps=("$apps_dir"/*.obf)
  shopt -u nullglob
  ((${#apks[@]} > 0)) || bad "--install-apps: no .apk files in $apps_dir"
fi

home_dir="${DYNAMIND_HOME:-${HOME:-/tmp}/.dynamind}"
state=${state:-$home_dir/emulators.json}
server_config="$(dirname "$state")/android-server.json"
avd_home="${ANDROID_AVD_HOME:-${HOME:-/tmp}/.android/avd}"
sdk="${ANDROID_SDK_ROOT:-${ANDROID_HOME:-}}"
emulator_bin=emulator
if [[ -n $sdk && -x $sdk/emulator/emulator ]]; then emulator_bin=$sdk/emulator/emulator; fi
dynamind=(node "$root/bin/dynamind.js")
emulator_flags=(-gpu "$gpu" -memory "$memory")

# Prints a command as the shell would read it back.
show() {
  printf '+'
  printf ' %q' "$@"
  printf '\n'
}

# Runs a command, or only shows it under --dry-run.
run() {
  show "$@"
  ((dry_run)) || "$@"
}

# Starts a command in the background (its pid in $bg_pid), or only shows it.
bg_pid=""
run_bg() {
  show "$@"
  printf '  (in the background)\n'
  if ((dry_run == 0)); then
    "$@" &
    bg_pid=$!
  fi
}

appium_pid=""
serve_pid=""
provision_pid=""
pool_started=0
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n $serve_pid ]] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  if [[ -n $provision_pid ]]; then kill -TERM "$provision_pid" 2>/dev/null || true; fi
  if ((pool_started)); then "${dynamind[@]}" emulator stop --state "$state" --adb "$adb" || true; fi
  if [[ -n $appium_pid ]]; then kill -TERM "$appium_pid" 2>/dev/null || true; fi
  exit "$status"
}

# wait_boot ADB_SERVER SERIAL PID: polls sys.boot_completed until 1, the process dies, or the timeout.
wait_boot() {
  local deadline=$((SECONDS + boot_timeout)) answer=""
  while ((SECONDS < deadline)); do
    kill -0 "$3" 2>/dev/null || fail "emulator $2 (pid $3) exited while booting"
    answer=$("$adb" -P "$1" -s "$2" shell getprop sys.boot_completed 2>/dev/null | tr -d '\r' || true)
    [[ $answer == 1 ]] && return 0
    sleep 2
  done
  fail "emulator $2 did not finish booting within $boot_timeout s"
}

# AndroidWorld's start script (docker_setup/start_emu_headless.sh) does these after every boot.
androidworld_settings() {
  run "$adb" -P "$1" -s "$2" shell "settings put global window_animation_scale 0.0; settings put global transition_animation_scale 0.0; settings put global animator_duration_scale 0.0"
  run "$adb" -P "$1" -s "$2" shell "settings put global hidden_api_policy_pre_p_apps 1; settings put global hidden_api_policy_p_apps 1; settings put global hidden_api_policy 1"
}

install_apps() {
  local marker="$avd_home/$avd.avd/dynamind-apps-installed" serial="emulator-$provision_console" pid
  if ((dry_run == 0)) && [[ -e $marker ]]; then
    echo "$prog: AndroidWorld's apps are already in AVD $avd ($marker); not installing again"
    return 0
  fi
  if ((dry_run == 0)) && [[ ! -d $avd_home/$avd.avd ]]; then
    fail "AVD $avd is not in $avd_home (set ANDROID_AVD_HOME, or create it: avdmanager create avd -n $avd -k 'system-images;android-33;google_apis;x86_64' -d pixel_6)"
  fi
  ((dry_run == 0)) || echo "# install AndroidWorld's apps into AVD $avd once (skipped when $marker exists)"
  run "$adb" -P "$provision_adb_server" start-server
  # Writable (no -read-only): what is installed now is in the AVD every pool emulator starts from.
  run_bg env ANDROID_ADB_SERVER_PORT="$provision_adb_server" "$emulator_bin" -avd "$avd" -port "$provision_console" \
    -no-window -no-audio -no-boot-anim -no-snapshot "${emulator_flags[@]}"
  pid=$bg_pid
  provision_pid=$pid
  if ((dry_run)); then echo "# wait until $serial reports sys.boot_completed=1 (at most $boot_timeout s)"; else wait_boot "$provision_adb_server" "$serial" "$pid"; fi
  run "$adb" -P "$provision_adb_server" -s "$serial" root
  run "$adb" -P "$provision_adb_server" -s "$serial" wait-for-device
  local apk map osmand_maps=/storage/emulated/0/Android/data/net.osmand/files
  # -g grants every runtime permission the app asks for: AndroidWorld grants them one by one.
  for apk in "${apks[@]}"; do run "$adb" -P "$provision_adb_server" -s "$serial" install -r -g "$apk"; done
  for map in "${maps[@]}"; do
    run "$adb" -P "$provision_adb_server" -s "$serial" shell mkdir -p "$osmand_maps"
    run "$adb" -P "$provision_adb_server" -s "$serial" push "$map" "$osmand_maps/"
    run "$adb" -P "$provision_adb_server" -s "$serial" shell chcon u:object_r:media_rw_data_file:s0 "$osmand_maps/$(basename "$map")"
  done
  run "$adb" -P "$provision_adb_server" -s "$serial" shell settings put secure sms_default_application com.simplemobiletools.smsmessenger
  androidworld_settings "$provision_adb_server" "$serial"
  run "$adb" -P "$provision_adb_server" -s "$serial" emu kill
  if ((dry_run == 0)); then
    # The marker is written only after a clean exit: a killed emulator may not have saved what was installed.
    local i
    for ((i = 0; i < 60; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      fail "emulator $serial did not exit within 60 s of 'emu kill'; killed it. The apps may not be saved: run --install-apps again"
    fi
    wait "$pid" || true
    provision_pid=""
    touch "$marker"
  fi
  run "$adb" -P "$provision_adb_server" kill-server
}

if ((dry_run == 0)); then
  [[ -e /dev/kvm ]] || fail "no /dev/kvm: the Android emulator needs KVM (docker run --device /dev/kvm ...)"
  [[ -r /dev/kvm && -w /dev/kvm ]] || fail "/dev/kvm is not readable and writable by $(id -un) (docker run --group-add \"\$(stat -c %g /dev/kvm)\" ...)"
  command -v node >/dev/null || fail "node is not on PATH"
  command -v "$adb" >/dev/null || fail "adb ($adb) is not on PATH; install platform-tools or set ADB"
  trap cleanup EXIT INT TERM
fi

if [[ -n $apps_dir ]]; then install_apps; fi

if [[ $appium == on ]]; then
  run_bg env APPIUM_HOST=127.0.0.1 APPIUM_PORT="$appium_port" "$root/scripts/appium/start.sh" --log-level warn
  appium_pid=$bg_pid
  check_status="fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
  if ((dry_run)); then
    echo "# wait until $appium_url/status answers (at most 60 s)"
  else
    for ((i = 0; i < 60; i++)); do
      node -e "$check_status" "$appium_url/status" && break
      kill -0 "$appium_pid" 2>/dev/null || fail "Appium exited while starting (see its output above)"
      sleep 1
    done
    node -e "$check_status" "$appium_url/status" || fail "Appium did not answer on $appium_url within 60 s"
  fi
fi

((dry_run)) || pool_started=1
run "${dynamind[@]}" emulator start --count "$count" --avd "$avd" --boot-timeout "$boot_timeout" --state "$state" --adb "$adb" \
  --emulator-arg -gpu --emulator-arg "$gpu" --emulator-arg -memory --emulator-arg "$memory"

# Settings do not outlive an emulator started -read-only, so every pool emulator gets them at each start.
if ((dry_run)); then
  echo "# for each emulator the pool started (serial and adb server from: dynamind emulator status --json):"
  androidworld_settings ADB_SERVER SERIAL
else
  while read -r adb_server serial; do
    androidworld_settings "$adb_server" "$serial"
  done < <("${dynamind[@]}" emulator status --json --state "$state" --adb "$adb" |
    node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{for(const e of JSON.parse(s))console.log(e.ports.adbServer,e.serial)})')
fi

# The server config names the pool and the Appium server: sessions name only a slot.
config_json=$(node -e 'console.log(JSON.stringify({android: {adb: process.argv[1], pool_state: process.argv[2], appium_url: process.argv[3]}}))' "$adb" "$state" "$appium_url")
if ((dry_run)); then
  echo "# write $server_config:"
  echo "$config_json"
else
  mkdir -p "$(dirname "$server_config")"
  printf '%s\n' "$config_json" >"$server_config"
fi

serve=("${dynamind[@]}" serve --host "$host" --port "$port" --server-config "$server_config")
[[ -z $metrics_port ]] || serve+=(--metrics-port "$metrics_port")
run_bg "${serve[@]}"
if ((dry_run == 0)); then
  serve_pid=$bg_pid
  wait "$serve_pid"
fi
