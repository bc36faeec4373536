#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A notification server that takes its name before it answers, as GNOME
Shell's notification service does for a moment after it starts.

    /usr/bin/python3 tests/mock-slow-notifications.py [--delay SECONDS]

Owns org.freedesktop.Notifications at once, but exports
/org/freedesktop/Notifications only DELAY seconds (default 2) after the
first call to that path reached it, so that the caller surely met a server
that does not answer yet: until then the bus library answers every call
with org.freedesktop.DBus.Error.UnknownMethod. From then on it answers
GetServerInformation ("slow-notify"), GetCapabilities (body, actions) and
Notify (ids from 1, or replaces_id), and CloseNotification.

Prints one line per event to stdout:
  ready                      the name is owned
  unanswered METHOD          a call that came before the object was exported
  exported                   the object is there
  call METHOD JSON-ARGS      a call it answered
Exits 0 on SIGTERM or SIGINT.
"""

import json
import sys
import threading

from gi.repository import Gio, GLib

import mockbus

BUS_NAME = 'org.freedesktop.Notifications'
PATH = '/org/freedesktop/Notifications'
SERVER_NAME = 'slow-notify'
INTROSPECTION = '''
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="GetServerInformation">
      <arg name="name" direction="out" type="s"/>
      <arg name="vendor" direction="out" type="s"/>
      <arg name="version" direction="out" type="s"/>
      <arg name="spec_version" direction="out" type="s"/>
    </method>
    <method name="GetCapabilities">
      <arg name="capabilities" direction="out" type="as"/>
    </method>
    <method name="Notify">
      <arg name="app_name" direction="in" type="s"/>
      <arg name="replaces_id" direction="in" type="u"/>
      <arg name="app_icon" direction="in" type="s"/>
      <arg name="summary" direction="in" type="s"/>
      <arg name="body" direction="in" type="s"/>
      <arg name="actions" direction="in" type="as"/>
      <arg name="hints" direction="in" type="a{sv}"/>
      <arg name="expire_timeout" direction="in" type="i"/>
      <arg name="id" direction="out" type="u"/>
    </method>
    <method name="CloseNotification">
      <arg name="id" direction="in" type="u"/>
    </method>
    <signal name="NotificationClosed">
      <arg name="id" type="u"/>
      <arg name="reason" type="u"/>
    </signal>
    <signal name="ActionInvoked">
      <arg name="id" type="u"/>
      <arg name="action_key" type="s"/>
    </signal>
  </interface>
</node>
'''


def say(line):
    """Prints a line; only ever on the main thread, so lines never mix."""
    print(line, flush=True)
    return GLib.SOURCE_REMOVE


def main():
    delay = 2.0
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == '--delay':
        delay = float(args[1])
    elif args:
        print(__doc__, file=sys.stderr)
        return 2

    connection = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    node = Gio.DBusNodeInfo.new_for_xml(INTROSPECTION)
    lock = threading.Lock()
    state = {'exported': False, 'export_scheduled': False, 'next_id': 1}

    def on_method_call(_conn, _sender, _path, _iface, method, params, invocation):
        say(f'call {method} {json.dumps(params.unpack() if params else [], default=str)}')
        if method == 'GetServerInformation':
            invocation.return_value(GLib.Variant('(ssss)', (SERVER_NAME, 'deskbreak tests',
                                                            '1.0', '1.2')))
        elif method == 'GetCapabilities':
            invocation.return_value(GLib.Variant('(as)', (['body', 'actions'],)))
        elif method == 'Notify':
            replaces_id = params.unpack()[1]
            if replaces_id:
                nid = replaces_id
            else:
                nid = state['next_id']
                state['next_id'] += 1
            invocation.return_value(GLib.Variant('(u)', (nid,)))
        elif method == 'CloseNotification':
            invocation.return_value(None)
        else:
            invocation.return_dbus_error('org.freedesktop.DBus.Error.UnknownMethod', method)

    def export():
        with lock:
            connection.register_object(PATH, node.interfaces[0], on_method_call, None, None)
            state['exported'] = True
        say('exported')
        return GLib.SOURCE_REMOVE

    # Runs in GDBus's worker thread, for every message in or out.
    def on_message(_conn, message, incoming):
        if (incoming and message.get_message_type() == Gio.DBusMessageType.METHOD_CALL
                and message.get_path() == PATH):
            with lock:
                if state['exported']:
                    return message
                GLib.idle_add(say, f'unanswered {message.get_member()}')
                if not state['export_scheduled']:
                    state['export_scheduled'] = True
                    GLib.timeout_add(int(delay * 1000), export)
        return message

    connection.add_filter(on_message)
    return mockbus.serve(connection, BUS_NAME, 'mock-slow-notifications')


if __name__ == '__main__':
    sys.exit(main())
