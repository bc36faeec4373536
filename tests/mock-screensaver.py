#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A stand-in for org.freedesktop.ScreenSaver's idle time, as KDE serves it.

    /usr/bin/python3 tests/mock-screensaver.py [--not-supported]

Owns org.freedesktop.ScreenSaver on the session bus and serves
/org/freedesktop/ScreenSaver and /ScreenSaver:
- GetSessionIdleTime() -> u: milliseconds since the last input (KDE's
  unit); the mock's start counts as input.
- SimulateUserActivity() stands for input, as it does on a real desktop.
- With --not-supported, GetSessionIdleTime answers
  org.freedesktop.DBus.Error.NotSupported, as KDE Plasma does on Wayland.
Prints "ready" once the name is owned; exits 0 on SIGTERM or SIGINT.
"""

import sys
import time

from gi.repository import Gio, GLib

import mockbus

BUS_NAME = 'org.freedesktop.ScreenSaver'
INTROSPECTION = '''
<node>
  <interface name="org.freedesktop.ScreenSaver">
    <method name="GetSessionIdleTime">
      <arg name="idle_ms" direction="out" type="u"/>
    </method>
    <method name="SimulateUserActivity"/>
    <method name="GetActive">
      <arg name="active" direction="out" type="b"/>
    </method>
    <signal name="ActiveChanged">
      <arg name="active" type="b"/>
    </signal>
  </interface>
</node>
'''


def main():
    not_supported = '--not-supported' in sys.argv[1:]
    last_input = time.monotonic()
    connection = Gio.bus_get_sync(Gio.BusType.SESSION, None)

    def on_method_call(_conn, _sender, _path, _iface, method, _params, invocation):
        nonlocal last_input
        if method == 'GetSessionIdleTime':
            if not_supported:
                invocation.return_dbus_error('org.freedesktop.DBus.Error.NotSupported',
                                             'GetSessionIdleTime is not supported on this platform')
                return
            idle_ms = int((time.monotonic() - last_input) * 1000)
            invocation.return_value(GLib.Variant('(u)', (idle_ms,)))
        elif method == 'SimulateUserActivity':
            last_input = time.monotonic()
            invocation.return_value(None)
        elif method == 'GetActive':
            invocation.return_value(GLib.Variant('(b)', (False,)))
        else:
            invocation.return_dbus_error('org.freedesktop.DBus.Error.UnknownMethod', method)

    node = Gio.DBusNodeInfo.new_for_xml(INTROSPECTION)
    for path in ('/org/freedesktop/ScreenSaver', '/ScreenSaver'):
        connection.register_object(path, node.interfaces[0], on_method_call, None, None)

    return mockbus.serve(connection, BUS_NAME, 'mock-screensaver')


if __name__ == '__main__':
    sys.exit(main())
