#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes docs/reminder.png, the README's picture of a reminder: the real
# deskbreakd shows its first reminder in a real dunst on a virtual X
# display (Xvfb), on a private session bus, and the notification is
# captured from the screen.
#
#   tests/dunst/screenshot.sh [BUILD_DIR [OUTPUT]]
#
# BUILD_DIR (default: build) holds the built daemon/deskbreakd; OUTPUT
# defaults to docs/reminder.png. Needs dbus-run-session, Xvfb, dunst,
# xdotool and ImageMagick (import, convert).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-build}
output=${2:-$top/docs/reminder.png}
case $build in /*) ;; *) build=$top/$build ;; esac
case $output in /*) ;; *) output=$(pwd)/$output ;; esac
deskbreakd=$build/daemon/deskbreakd

for tool in dbus-run-session Xvfb dunst dunstctl xdotool import convert; do
  command -v "$tool" >/dev/null || { echo "screenshot.sh: $tool is not installed" >&2; exit 1; }
done
[ -x "$deskbreakd" ] || { echo "screenshot.sh: no $deskbreakd; build first (ninja -C $build)" >&2; exit 1; }

# A private bus of our own, never the desktop's: nothing can be activated
# on it (tests/session.conf has no service directories) and the reminder
# goes to our dunst only.
if [ -z "${DESKBREAK_SCREENSHOT_BUS:-}" ]; then
  DESKBREAK_SCREENSHOT_BUS=1 exec dbus-run-session --config-file="$top/tests/session.conf" -- \
    "$0" "$build" "$output"
fi

tmp=$(mktemp -d)
pids=
cleanup() {
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Waits up to 20 s for a command to succeed.
wait_for() {
  what=$1; shift
  n=0
  until "$@" >/dev/null 2>&1; do
    n=$((n + 1))
    if [ $n -ge 200 ]; then
      echo "screenshot.sh: timed out waiting for $what" >&2
      for log in "$tmp"/*.log; do echo "--- $log" >&2; cat "$log" >&2; done
      exit 1
    fi
    sleep 0.1
  done
}

has_owner() {
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner "$1" | grep -q true
}

displayed() {
  [ "$(dunstctl count displayed)" -ge 1 ]
}

mkdir -p "$tmp/home" "$tmp/config/deskbreak" "$tmp/state" "$tmp/runtime"
chmod 700 "$tmp/runtime"
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state"
export XDG_RUNTIME_DIR="$tmp/runtime" XDG_CONFIG_DIRS="$tmp/none" LC_ALL=C.UTF-8
unset WAYLAND_DISPLAY XDG_CURRENT_DESKTOP

# Xvfb picks a free display itself and writes its number to fd 3.
Xvfb -displayfd 3 -noreset -nolisten tcp -screen 0 1280x800x24 3>"$tmp/display" \
  >"$tmp/xvfb.log" 2>&1 &
pids="$pids $!"
wait_for "Xvfb" grep -q . "$tmp/display"
DISPLAY=:$(cat "$tmp/display")
export DISPLAY
# A quiet desktop colour around the notification; without xsetroot
# (x11-xserver-utils) the capture keeps to the notification itself.
margin=16
xsetroot -solid '#d9dee5' 2>/dev/null || margin=0

sed "s|@PICKER@|$here/picker.sh|" "$here/dunstrc" >"$tmp/dunstrc"
dunst -config "$tmp/dunstrc" >"$tmp/dunst.log" 2>&1 &
pids="$pids $!"
wait_for "dunst on the bus" has_owner org.freedesktop.Notifications

cat >"$tmp/config/deskbreak/deskbreak.conf" <<CONF
[timer]
interval=6s
break-length=5s
snooze=10m
[notify]
stretches=bruegger
[idle]
source=none
CONF
"$deskbreakd" --config "$tmp/config/deskbreak/deskbreak.conf" >"$tmp/deskbreakd.log" 2>&1 &
pids="$pids $!"
wait_for "the reminder on screen" displayed
# dunst draws right after mapping its window; give it that moment.
sleep 0.5

window=$(xdotool search --class Dunst | head -n 1)
eval "$(xdotool getwindowgeometry --shell "$window")"
mkdir -p "$(dirname "$output")"
import -silent -window root \
  -crop "$((WIDTH + 2 * margin))x$((HEIGHT + 2 * margin))+$((X - margin))+$((Y - margin))" \
  +repage "$tmp/shot.png"
# Small: a palette PNG without metadata.
convert "$tmp/shot.png" -strip -colors 64 "PNG8:$output"
echo "Wrote $output (${WIDTH}x${HEIGHT} notification)"
