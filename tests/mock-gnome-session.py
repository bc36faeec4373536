#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A stand-in for GNOME's session manager (org.gnome.SessionManager), as far
as idle inhibitors go.

Run on the session bus in DBUS_SESSION_BUS_ADDRESS:

    /usr/bin/python3 tests/mock-gnome-session.py

It owns org.gnome.SessionManager, serves /org/gnome/SessionManager with the
parts of the interface that deal with inhibitors, prints "ready" (flushed)
once the name is owned, and exits with status 0 on SIGTERM or SIGINT.

What it does, matching gnome-session 43 for these calls:

- Inhibit(s app_id, u toplevel_xid, s reason, u flags) -> u cookie: adds an
  inhibitor held by the caller; Uninhibit(u cookie) drops it (an unknown
  cookie is the error org.gnome.SessionManager.GeneralError). An inhibitor
  also goes when its holder leaves the bus.
- InhibitedActions (u): the OR of every inhibitor's flags (1 logout,
  2 switch user, 4 suspend, 8 idle, 16 automount). Each change is announced
  with org.freedesktop.DBus.Properties.PropertiesChanged on
  /org/gnome/SessionManager, the new value in the changed dictionary and no
  invalidated names, as gnome-session's generated skeleton sends it.
- InhibitorAdded(o) / InhibitorRemoved(o) signals, GetInhibitors() -> ao,
  IsInhibited(u flags) -> b.
- Setenv(s, s) is accepted and does nothing: Mutter calls it at start-up to
  pass WAYLAND_DISPLAY on.
- IsSessionRunning() -> b true; properties SessionName "deskbreak-test",
  Renderer "", SessionIsActive true.

Not served: clients, presence (/org/gnome/SessionManager/Presence), the
inhibitor objects themselves, logout and shutdown.

Environment:
  MOCK_GNOME_SESSION_VERBOSE=1  log every call and change on stderr.
"""

import os
import sys

from gi.repository import Gio, GLib

import mockbus

BUS_NAME = 'org.gnome.SessionManager'
OBJECT_PATH = '/org/gnome/SessionManager'
INTERFACE = 'org.gnome.SessionManager'
ERROR_GENERAL = 'org.gnome.SessionManager.GeneralError'

INTROSPECTION = '''
<node>
  <interface name="org.gnome.SessionManager">
    <method name="Setenv">
      <arg name="variable" type="s" direction="in"/>
      <arg name="value" type="s" direction="in"/>
    </method>
    <method name="Inhibit">
      <arg name="app_id" type="s" direction="in"/>
      <arg name="toplevel_xid" type="u" direction="in"/>
      <arg name="reason" type="s" direction="in"/>
      <arg name="flags" type="u" direction="in"/>
      <arg name="inhibit_cookie" type="u" direction="out"/>
    </method>
    <method name="Uninhibit">
      <arg name="inhibit_cookie" type="u" direction="in"/>
    </method>
    <method name="IsInhibited">
      <arg name="flags" type="u" direction="in"/>
      <arg name="is_inhibited" type="b" direction="out"/>
    </method>
    <method name="GetInhibitors">
      <arg name="inhibitors" type="ao" direction="out"/>
    </method>
    <method name="IsSessionRunning">
      <arg name="running" type="b" direction="out"/>
    </method>
    <signal name="InhibitorAdded">
      <arg name="id" type="o"/>
    </signal>
    <signal name="InhibitorRemoved">
      <arg name="id" type="o"/>
    </signal>
    <property name="SessionName" type="s" access="read"/>
    <property name="Renderer" type="s" access="read"/>
    <property name="SessionIsActive" type="b" access="read"/>
    <property name="InhibitedActions" type="u" access="read"/>
  </interface>
</node>
'''

VERBOSE = os.environ.get('MOCK_GNOME_SESSION_VERBOSE') == '1'


def log(message):
    if VERBOSE:
        print(f'mock-gnome-session: {message}', file=sys.stderr, flush=True)


class Inhibitor:
    def __init__(self, cookie, owner, app_id, reason, flags):
        self.cookie = cookie
        self.owner = owner
        self.app_id = app_id
        self.reason = reason
        self.flags = flags

    @property
    def path(self):
        return f'{OBJECT_PATH}/Inhibitor{self.cookie}'


class SessionManager:
    def __init__(self, connection):
        self.connection = connection
        self.inhibitors = {}
        self.next_cookie = 1
        self.inhibited_actions = 0
        # One name watch per holder, so that its inhibitors go when it
        # leaves the bus, as gnome-session does.
        self.owner_watches = {}

    def update_inhibited_actions(self):
        flags = 0
        for inhibitor in self.inhibitors.values():
            flags |= inhibitor.flags
        if flags == self.inhibited_actions:
            return
        self.inhibited_actions = flags
        log(f'InhibitedActions = {flags}')
        self.connection.emit_signal(
            None, OBJECT_PATH, 'org.freedesktop.DBus.Properties', 'PropertiesChanged',
            GLib.Variant('(sa{sv}as)', (INTERFACE,
                                        {'InhibitedActions': GLib.Variant('u', flags)}, [])))

    def add(self, owner, app_id, reason, flags):
        inhibitor = Inhibitor(self.next_cookie, owner, app_id, reason, flags)
        self.next_cookie += 1
        self.inhibitors[inhibitor.cookie] = inhibitor
        if owner not in self.owner_watches:
            self.owner_watches[owner] = Gio.bus_watch_name_on_connection(
                self.connection, owner, Gio.BusNameWatcherFlags.NONE,
                None, self.on_owner_vanished)
        self.update_inhibited_actions()
        self.connection.emit_signal(None, OBJECT_PATH, INTERFACE, 'InhibitorAdded',
                                    GLib.Variant('(o)', (inhibitor.path,)))
        return inhibitor

    def remove(self, cookie):
        inhibitor = self.inhibitors.pop(cookie, None)
        if inhibitor is None:
            return False
        if not any(i.owner == inhibitor.owner for i in self.inhibitors.values()):
            name_watch = self.owner_watches.pop(inhibitor.owner, 0)
            if name_watch:
                Gio.bus_unwatch_name(name_watch)
        self.update_inhibited_actions()
        self.connection.emit_signal(None, OBJECT_PATH, INTERFACE, 'InhibitorRemoved',
                                    GLib.Variant('(o)', (inhibitor.path,)))
        return True

    def on_owner_vanished(self, _connection, owner):
        log(f'{owner} left the bus: dropping its inhibitors')
        for inhibitor in [i for i in self.inhibitors.values() if i.owner == owner]:
            self.remove(inhibitor.cookie)

    # -- D-Bus -------------------------------------------------------------

    def on_method_call(self, _connection, sender, _path, _interface, method, params,
                       invocation):
        log(f'{sender}: {method}{params.unpack()}')
        if method == 'Setenv':
            invocation.return_value(None)
        elif method == 'Inhibit':
            app_id, _xid, reason, flags = params.unpack()
            inhibitor = self.add(sender, app_id, reason, flags)
            invocation.return_value(GLib.Variant('(u)', (inhibitor.cookie,)))
        elif method == 'Uninhibit':
            (cookie,) = params.unpack()
            if self.remove(cookie):
                invocation.return_value(None)
            else:
                invocation.return_dbus_error(
                    ERROR_GENERAL, f'Unable to uninhibit: no inhibitor with cookie {cookie}')
        elif method == 'IsInhibited':
            (flags,) = params.unpack()
            invocation.return_value(
                GLib.Variant('(b)', (bool(self.inhibited_actions & flags),)))
        elif method == 'GetInhibitors':
            invocation.return_value(
                GLib.Variant('(ao)', ([i.path for i in self.inhibitors.values()],)))
        elif method == 'IsSessionRunning':
            invocation.return_value(GLib.Variant('(b)', (True,)))
        else:
            invocation.return_dbus_error('org.freedesktop.DBus.Error.UnknownMethod',
                                         f'No such method {method}')

    def on_get_property(self, _connection, _sender, _path, _interface, name):
        if name == 'InhibitedActions':
            return GLib.Variant('u', self.inhibited_actions)
        if name == 'SessionName':
            return GLib.Variant('s', 'deskbreak-test')
        if name == 'Renderer':
            return GLib.Variant('s', '')
        if name == 'SessionIsActive':
            return GLib.Variant('b', True)
        return None


def main():
    if not os.environ.get('DBUS_SESSION_BUS_ADDRESS'):
        print('mock-gnome-session: DBUS_SESSION_BUS_ADDRESS is not set', file=sys.stderr)
        return 1

    connection = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    manager = SessionManager(connection)
    node = Gio.DBusNodeInfo.new_for_xml(INTROSPECTION)
    connection.register_object(OBJECT_PATH, node.interfaces[0], manager.on_method_call,
                               manager.on_get_property, None)

    return mockbus.serve(connection, BUS_NAME, 'mock-gnome-session')


if __name__ == '__main__':
    sys.exit(main())
