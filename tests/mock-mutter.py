#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A stand-in for GNOME's idle monitor (org.gnome.Mutter.IdleMonitor).

Run on the session bus in DBUS_SESSION_BUS_ADDRESS:

    /usr/bin/python3 tests/mock-mutter.py

It owns org.gnome.Mutter.IdleMonitor, serves /org/gnome/Mutter/IdleMonitor/Core
with the interface's real signatures, prints "ready" (flushed) once the name
is owned, and exits with status 0 on SIGTERM or SIGINT.

What it does, matching what was seen from mutter 43.8 run headless
(MUTTER_DEBUG_RESET_IDLETIME=1 mutter --wayland --headless …) with the same
client calls:

- GetIdletime() -> t: milliseconds since the last input, on the monotonic
  clock; the mock's start counts as input, as a compositor's start does.
- ResetIdletime() stands for user input. Mutter only offers it with
  MUTTER_DEBUG_RESET_IDLETIME=1; the mock always does.
- AddIdleWatch(t interval_ms) -> u id: a persistent watch. It fires each time
  the idle time reaches the interval, once per stretch of idleness; a watch
  whose interval the idle time has already reached fires at once, just after
  the reply. Ids start at 1 and are never reused.
- AddIdleWatch(0) is refused: Mutter answers id 0 (no watch is made, and
  mutter logs a critical "assertion 'interval_msec > 0' failed") rather than
  a D-Bus error, and so does the mock, which prints a warning on stderr.
- AddUserActiveWatch() -> u id: fires once, at the next input, and is removed.
- RemoveWatch(u id): removes a watch of any owner; an unknown id is no error.
- WatchFired(u id) is sent only to the connection that added the watch
  (a unicast signal), never broadcast.
- When a client leaves the bus, its watches are removed.

Differences from mutter, deliberately small:
- Mutter also exports an org.freedesktop.DBus.ObjectManager at
  /org/gnome/Mutter/IdleMonitor; the mock serves only the Core object.
- Mutter's timers run on its frame clock and fire within a few ms of the
  interval; the mock uses GLib timeouts, with the same millisecond grain.

Environment:
  MOCK_MUTTER_VERBOSE=1  log every call and signal on stderr.
"""

import os
import sys
import time

from gi.repository import Gio, GLib

import mockbus

BUS_NAME = 'org.gnome.Mutter.IdleMonitor'
OBJECT_PATH = '/org/gnome/Mutter/IdleMonitor/Core'
INTERFACE = 'org.gnome.Mutter.IdleMonitor'

INTROSPECTION = '''
<node>
  <interface name="org.gnome.Mutter.IdleMonitor">
    <method name="GetIdletime">
      <arg name="idletime" direction="out" type="t"/>
    </method>
    <method name="AddIdleWatch">
      <arg name="interval" direction="in" type="t"/>
      <arg name="id" direction="out" type="u"/>
    </method>
    <method name="AddUserActiveWatch">
      <arg name="id" direction="out" type="u"/>
    </method>
    <method name="RemoveWatch">
      <arg name="id" direction="in" type="u"/>
    </method>
    <method name="ResetIdletime"/>
    <signal name="WatchFired">
      <arg name="id" type="u"/>
    </signal>
  </interface>
</node>
'''

VERBOSE = os.environ.get('MOCK_MUTTER_VERBOSE') == '1'


def log(message):
    if VERBOSE:
        print(f'mock-mutter: {message}', file=sys.stderr, flush=True)


class Watch:
    """One client's watch: an idle watch (interval in ms) or a user-active one."""

    def __init__(self, watch_id, owner, interval_ms):
        self.id = watch_id
        self.owner = owner
        self.interval_ms = interval_ms  # None: a user-active watch
        self.timeout_id = 0


class IdleMonitor:
    def __init__(self, connection):
        self.connection = connection
        self.last_input = time.monotonic()
        self.watches = {}
        self.next_id = 1
        # One name watch per client with watches, so that its watches go
        # when it leaves the bus, as Mutter does.
        self.owner_watches = {}

    # -- idle time ---------------------------------------------------------

    def idletime_ms(self):
        return int((time.monotonic() - self.last_input) * 1000)

    def input(self):
        """User input: idle time starts again from zero."""
        self.last_input = time.monotonic()
        for watch in list(self.watches.values()):
            if watch.interval_ms is None:
                self.fire(watch)
                self.remove(watch.id)
            else:
                self.arm(watch)

    # -- watches -----------------------------------------------------------

    def arm(self, watch):
        """Schedules an idle watch for the moment idle time reaches its interval."""
        if watch.timeout_id:
            GLib.source_remove(watch.timeout_id)
        due = self.last_input + watch.interval_ms / 1000.0
        delay_ms = max(0, int((due - time.monotonic()) * 1000 + 0.999))
        watch.timeout_id = GLib.timeout_add(delay_ms, self.on_idle_watch_due, watch)

    def on_idle_watch_due(self, watch):
        watch.timeout_id = 0
        # Idle watches stay until removed; they fire again after the next
        # input once idle time reaches the interval anew (arm() in input()).
        self.fire(watch)
        return GLib.SOURCE_REMOVE

    def fire(self, watch):
        log(f'WatchFired({watch.id}) to {watch.owner} at idle {self.idletime_ms()} ms')
        self.connection.emit_signal(watch.owner, OBJECT_PATH, INTERFACE, 'WatchFired',
                                    GLib.Variant('(u)', (watch.id,)))

    def add(self, owner, interval_ms):
        watch = Watch(self.next_id, owner, interval_ms)
        self.next_id += 1
        self.watches[watch.id] = watch
        if owner not in self.owner_watches:
            self.owner_watches[owner] = Gio.bus_watch_name_on_connection(
                self.connection, owner, Gio.BusNameWatcherFlags.NONE,
                None, self.on_owner_vanished)
        return watch

    def remove(self, watch_id):
        watch = self.watches.pop(watch_id, None)
        if watch is None:
            return
        if watch.timeout_id:
            GLib.source_remove(watch.timeout_id)
            watch.timeout_id = 0
        if not any(w.owner == watch.owner for w in self.watches.values()):
            name_watch = self.owner_watches.pop(watch.owner, 0)
            if name_watch:
                Gio.bus_unwatch_name(name_watch)

    def on_owner_vanished(self, _connection, owner):
        log(f'{owner} left the bus: removing its watches')
        for watch in [w for w in self.watches.values() if w.owner == owner]:
            self.remove(watch.id)

    # -- D-Bus methods -----------------------------------------------------

    def on_method_call(self, _connection, sender, _path, _interface, method, params,
                       invocation):
        log(f'{sender}: {method}{params.unpack()}')
        if method == 'GetIdletime':
            invocation.return_value(GLib.Variant('(t)', (self.idletime_ms(),)))
        elif method == 'AddIdleWatch':
            (interval_ms,) = params.unpack()
            if interval_ms == 0:
                # Mutter's answer: no watch, id 0.
                print('mock-mutter: AddIdleWatch(0) refused: the interval must be > 0',
                      file=sys.stderr, flush=True)
                invocation.return_value(GLib.Variant('(u)', (0,)))
                return
            watch = self.add(sender, interval_ms)
            invocation.return_value(GLib.Variant('(u)', (watch.id,)))
            # Armed after the reply went out: a watch already due fires just
            # after the client learns its id, as in Mutter.
            self.arm(watch)
        elif method == 'AddUserActiveWatch':
            watch = self.add(sender, None)
            invocation.return_value(GLib.Variant('(u)', (watch.id,)))
        elif method == 'RemoveWatch':
            (watch_id,) = params.unpack()
            self.remove(watch_id)
            invocation.return_value(None)
        elif method == 'ResetIdletime':
            invocation.return_value(None)
            self.input()
        else:
            invocation.return_dbus_error('org.freedesktop.DBus.Error.UnknownMethod',
                                         f'No such method {method}')


def main():
    address = os.environ.get('DBUS_SESSION_BUS_ADDRESS')
    if not address:
        print('mock-mutter: DBUS_SESSION_BUS_ADDRESS is not set', file=sys.stderr)
        return 1

    connection = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    monitor = IdleMonitor(connection)
    node = Gio.DBusNodeInfo.new_for_xml(INTROSPECTION)
    connection.register_object(OBJECT_PATH, node.interfaces[0], monitor.on_method_call,
                               None, None)

    return mockbus.serve(connection, BUS_NAME, 'mock-mutter')


if __name__ == '__main__':
    sys.exit(main())
