#!/bin/sh
# Builds and installs deskbreak on Debian 12, then starts it:
#   - as a systemd user service when a user manager runs;
#   - else in the foreground on the current session bus;
#   - else in the foreground inside a private session bus.
# Options: --prefix DIR (default /usr/local), --no-start.
set -eu
cd "$(dirname "$0")/.."

prefix=/usr/local
start=yes
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --no-start) start=no; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

echo "== Installing build dependencies =="
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  meson ninja-build pkg-config gcc libc6-dev gettext \
  libglib2.0-dev libglib2.0-bin libnotify-dev libsystemd-dev dbus \
  libx11-dev libxext-dev libxss-dev libwayland-dev wayland-protocols plasma-wayland-protocols \
  >/dev/null

echo "== Building =="
meson setup build-release --prefix="$prefix" -Dbuildtype=release -Dtests=false --wipe >/dev/null 2>&1 ||
  meson setup build-release --prefix="$prefix" -Dbuildtype=release -Dtests=false
ninja -C build-release
echo "== Installing to $prefix =="
$SUDO meson install -C build-release --quiet

[ "$start" = yes ] || exit 0

# The daemon belongs to the desktop user, not to root running sudo.
user=${SUDO_USER:-$(id -un)}
as_user() {
  if [ "$user" != "$(id -un)" ]; then
    # sudo clears the environment; the user's bus lives in their runtime dir.
    sudo -u "$user" env XDG_RUNTIME_DIR="/run/user/$(id -u "$user")" "$@"
  else
    "$@"
  fi
}

user_systemctl() {
  if [ -n "${SUDO_USER:-}" ] && [ "$user" != root ]; then
    systemctl --user -M "$user@" "$@"
  else
    systemctl --user "$@"
  fi
}

# show-environment answers whenever the user manager is reachable.
if user_systemctl show-environment >/dev/null 2>&1; then
  echo "== Starting the deskbreak user service for $user =="
  user_systemctl daemon-reload
  user_systemctl enable --now deskbreak.service
  as_user "$prefix/bin/deskbreak" status || true
  echo "deskbreak runs as a user service: deskbreak status, deskbreak --help, man deskbreak"
  exit 0
fi

if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "== No systemd user manager: running deskbreakd in the foreground on this session bus =="
  echo "   (Ctrl-C stops it; in another terminal of this session: deskbreak status)"
  exec "$prefix/bin/deskbreakd"
fi

echo "== No systemd user manager and no session bus: running deskbreakd inside a private one =="
echo "   Reminders are printed here when no notification server answers. Ctrl-C stops it."
exec dbus-run-session -- sh -c '
  echo "   In another terminal: export DBUS_SESSION_BUS_ADDRESS=\"$DBUS_SESSION_BUS_ADDRESS\"; deskbreak status"
  exec "$0/bin/deskbreakd"' "$prefix"
