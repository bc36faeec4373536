#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# verify-units.sh FILE...
#
# Checks deskbreak's configured service files (the build tree's
# systemd/deskbreak.service and systemd/org.deskbreak.Daemon1.service):
#
#  - a systemd unit ([Unit] …) is linted with
#    `systemd-analyze --user --man=no verify`; any output on stderr fails,
#    since an unknown key or a bad value only warns there;
#  - a D-Bus activation file ([D-BUS Service]) must name
#    org.deskbreak.Daemon1, start an absolute Exec= and hand over to
#    SystemdService=deskbreak.service;
#  - when both are given, the unit's BusName= and file name must match the
#    activation file's Name= and SystemdService=.
#
# Exit status: 0 all good; 1 a check failed (each failure printed);
# 77 (meson's "skipped") when a unit is to be linted and systemd-analyze
# is not installed.

set -u

status=0
skipped=0
unit_busname=
unit_name=
dbus_name=
dbus_systemd_service=

fail() {
    echo "FAIL: $*" >&2
    status=1
}

# The value of KEY= in FILE (last one wins, like systemd and dbus-daemon).
value() {
    sed -n "s/^$2=//p" "$1" | tail -n 1
}

verify_unit() {
    file=$1
    name=$(basename "$file")

    exec_start=$(value "$file" ExecStart)
    case $exec_start in
    /*/deskbreakd | /*/deskbreakd\ *) ;;
    *) fail "$file: ExecStart=$exec_start is not an absolute path to deskbreakd" ;;
    esac

    unit_busname=$(value "$file" BusName)
    unit_name=$name

    if ! command -v systemd-analyze >/dev/null 2>&1; then
        echo "SKIP: systemd-analyze not found, $file not linted" >&2
        skipped=1
        return
    fi

    # ExecStart= names the *installed* deskbreakd, which need not exist when
    # the tests run from the build tree, and verify rejects a command that
    # is not executable. So lint a copy that differs only in that program
    # path, now /bin/true; everything else (the path was checked above) is
    # verified as it will be installed. The copy keeps the unit's file
    # name, which verify takes as the unit name.
    dir=$(mktemp -d) || exit 1
    runtime=$(mktemp -d) || exit 1
    sed -E 's|^(ExecStart=[-@:+!]*)[^[:space:]]+|\1/bin/true|' "$file" >"$dir/$name"

    # XDG_RUNTIME_DIR: a --user manager needs one, even offline.
    out=$(XDG_RUNTIME_DIR=$runtime systemd-analyze --user --man=no verify "$dir/$name" 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
        fail "$file: systemd-analyze verify (exit $rc):"
        # Name the file given; line numbers are the same in the copy.
        printf '%s\n' "$out" | sed "s|$dir/$name|$file|g; s/^/    /" >&2
    fi
    rm -rf "$dir" "$runtime"
}

verify_dbus_service() {
    file=$1

    name=$(value "$file" Name)
    exec=$(value "$file" Exec)
    service=$(value "$file" SystemdService)

    [ "$name" = org.deskbreak.Daemon1 ] ||
        fail "$file: Name=$name, expected org.deskbreak.Daemon1"
    case $exec in
    /*) ;;
    *) fail "$file: Exec=$exec is not an absolute path" ;;
    esac
    [ "$service" = deskbreak.service ] ||
        fail "$file: SystemdService=$service, expected deskbreak.service"

    dbus_name=$name
    dbus_systemd_service=$service
}

if [ $# -eq 0 ]; then
    echo "usage: $0 FILE..." >&2
    exit 2
fi

for file in "$@"; do
    if [ ! -r "$file" ]; then
        fail "$file: cannot read"
        continue
    fi
    # configure_file() leaves @var@ alone when var is unknown.
    if grep -n '@[A-Za-z_]*@' "$file" >/dev/null; then
        fail "$file: unsubstituted $(grep -o '@[A-Za-z_]*@' "$file" | head -n 1)"
    fi
    section=$(grep -m 1 '^\[' "$file")
    case $section in
    '[D-BUS Service]') verify_dbus_service "$file" ;;
    '[Unit]' | '[Service]') verify_unit "$file" ;;
    *) fail "$file: neither a systemd unit nor a D-Bus service file (first section $section)" ;;
    esac
done

if [ -n "$unit_name" ] && [ -n "$dbus_name" ]; then
    [ "$unit_busname" = "$dbus_name" ] ||
        fail "BusName=$unit_busname in $unit_name differs from the activation file's Name=$dbus_name"
    [ "$unit_name" = "$dbus_systemd_service" ] ||
        fail "the activation file's SystemdService=$dbus_systemd_service is not $unit_name"
fi

[ "$status" -ne 0 ] && exit 1
[ "$skipped" -ne 0 ] && exit 77
echo "ok: $*"
exit 0
