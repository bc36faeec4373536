#!/bin/sh
# Installs what the tests need (Debian 12), builds deskbreak twice — plainly
# and with AddressSanitizer/UBSan — and runs the whole suite on both builds.
set -eu
# The tests mostly wait on deadlines, so they run four at a time even on two
# cores.
cd "$(dirname "$0")/.."

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# Build and run-time dependencies, then the real servers the tests drive.
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  meson ninja-build pkg-config gcc libc6-dev gettext locales \
  libglib2.0-dev libglib2.0-bin libnotify-dev libsystemd-dev \
  libx11-dev libxext-dev libxss-dev libwayland-dev wayland-protocols plasma-wayland-protocols \
  libcmocka-dev \
  dbus dbus-daemon python3 python3-dbusmock python3-dbus python3-gi gir1.2-glib-2.0 \
  dunst xfce4-notifyd xfconf xvfb xauth xdotool x11-utils mutter kwin-wayland gsettings-desktop-schemas \
  systemd groff-base man-db desktop-file-utils \
  waybar sway mako-notifier polybar i3blocks x11-apps fonts-dejavu-core \
  gnome-shell gjs dconf-service plasma-workspace >/dev/null

status=0
run_suite() {
  dir=$1; shift
  rm -rf "$dir"
  meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
  ninja -C "$dir" || return 1
  meson test -C "$dir" --print-errorlogs --num-processes 4 || return 1
}

echo "== plain build =="
run_suite build-check -Dbuildtype=debugoptimized || status=1
echo "== AddressSanitizer + UndefinedBehaviorSanitizer build =="
run_suite build-check-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug || status=1

# One closing line for both runs together.
/usr/bin/python3 - build-check build-check-asan <<'PY'
import json, sys, os
passed = failed = skipped = 0
for d in sys.argv[1:]:
    path = os.path.join(d, 'meson-logs', 'testlog.json')
    if not os.path.exists(path):
        failed += 1
        continue
    for line in open(path):
        r = json.loads(line).get('result')
        if r in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif r == 'SKIP':
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
