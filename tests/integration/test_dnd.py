#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Do-not-disturb holds a due reminder back, and its end shows it: the
notification server's Inhibited property (python3-dbusmock's notification
server with the property added, as KDE Plasma's has it), followed live and
read when a server appears, and forgotten with the server; GNOME's
org.gnome.desktop.notifications show-banners through GSettings' keyfile
backend (set with the gsettings tool, as a user would); and
`[notify] respect-dnd=false`, which shows reminders regardless. dunst's
paused state is tested with the real dunst in test_dunst.py.

The GNOME tests are skipped when the schema or the gsettings tool is
missing (packages gsettings-desktop-schemas, libglib2.0-bin)."""

import json
import os
import shutil
import subprocess
import time
import unittest

import dbktest
from dbktest import DeskbreakTestCase, NOTIFY_NAME, NOTIFY_PATH, MOCK_IFACE
from gi.repository import Gio, GLib  # noqa: E402 (versions chosen by dbktest)

INTERVAL = 6
# For tests that act before the reminder comes due: room for a loaded machine.
LONG_INTERVAL = 10
NOTIFY_IFACE = 'org.freedesktop.Notifications'
SERVER_REASON = 'the notification server is in do-not-disturb'

GNOME_SCHEMA = 'org.gnome.desktop.notifications'
GNOME_KEY = 'show-banners'


def _gnome_missing():
    if shutil.which('gsettings') is None:
        return 'gsettings (libglib2.0-bin) not installed'
    source = Gio.SettingsSchemaSource.get_default()
    schema = source.lookup(GNOME_SCHEMA, True) if source else None
    if schema is None or not schema.has_key(GNOME_KEY):
        return f'GSettings schema {GNOME_SCHEMA} (gsettings-desktop-schemas) not installed'
    return ''


GNOME_MISSING = _gnome_missing()

# A notification server that has Inhibited from its first moment: the
# dbusmock notification server, with the property added before it answers
# anyone.
INHIBITED_TEMPLATE = '''
import dbus
from dbusmock.templates import notification_daemon as base

BUS_NAME = base.BUS_NAME
MAIN_OBJ = base.MAIN_OBJ
MAIN_IFACE = base.MAIN_IFACE
SYSTEM_BUS = False


def load(mock, parameters):
    base.load(mock, parameters)
    mock.AddProperty(MAIN_IFACE, 'Inhibited', dbus.Boolean(parameters.get('inhibited', False)))
'''


class DndTestCase(DeskbreakTestCase):
    def start(self, extra='', env=None, interval=INTERVAL):
        self.start_daemon(interval=f'{interval}s', break_length='5s', stretches='doorway',
                          extra=extra, env=env)

    def start_inhibited_mock(self, inhibited):
        """The notification server mock with Inhibited set from the start."""
        path = os.path.join(self.tmp, 'inhibited_notification_daemon.py')
        dbktest.write_file(path, INHIBITED_TEMPLATE)
        params = json.dumps({'capabilities': 'body actions', 'inhibited': inhibited})
        proc = self.spawn('notification-mock-inhibited',
                          [dbktest.PYTHON, '-m', 'dbusmock', '--template', path, '-p', params])
        self.wait_name(NOTIFY_NAME, proc)
        self.notify = proc
        return proc

    def add_inhibited(self, value):
        self.bus.call(NOTIFY_NAME, NOTIFY_PATH, MOCK_IFACE, 'AddProperty',
                      GLib.Variant('(ssv)', (NOTIFY_IFACE, 'Inhibited', GLib.Variant('b', value))))

    def set_inhibited(self, value):
        """Sets the mock's Inhibited; it sends PropertiesChanged with the value."""
        self.bus.call(NOTIFY_NAME, NOTIFY_PATH, 'org.freedesktop.DBus.Properties', 'Set',
                      GLib.Variant('(ssv)', (NOTIFY_IFACE, 'Inhibited', GLib.Variant('b', value))))

    def notifies(self):
        return len(self.notify_calls('Notify'))

    def wait_dnd(self, dnd):
        return self.wait_until(lambda: self.status()['dnd'] == dnd and self.status(),
                               what=f'dnd {dnd}')

    def wait_held(self, reason_contains):
        """Waits for the reminder to come due, and checks it is held."""
        st = self.wait_state('due')
        self.assertTrue(st['held'], st)
        self.assertTrue(st['dnd'], st)
        self.assertIn(reason_contains, st['held_reason'])
        # Nothing went to the server, now or a moment later.
        self.settle(0.5)
        self.assertEqual(self.notifies(), 0)
        self.assertEqual(self.reminders_shown(), [])
        self.assertTrue(self.status()['held'])
        return st

    def assert_shown_after(self, t):
        """The held reminder is shown, once, after wall time t."""
        self.wait_signal('ReminderShown', ('doorway', 1), after=t)
        self.wait_notify_calls('Notify', 1)
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertFalse(st['held'], st)
        self.assertEqual(st['held_reason'], '')
        self.settle(0.3)
        self.assertEqual(self.notifies(), 1, 'shown once')
        return st


class InhibitedTest(DndTestCase):
    def test_followed_live(self):
        self.start_notify_mock()
        self.start(interval=LONG_INTERVAL)
        self.add_inhibited(False)
        self.set_inhibited(True)
        st = self.wait_dnd(True)
        # Only a due reminder is held; while sitting there is nothing to hold.
        self.assertEqual(st['state'], 'sitting')
        self.assertFalse(st['held'])
        self.assertEqual(st['held_reason'], '')

        self.wait_held(SERVER_REASON)
        t = time.time()
        self.set_inhibited(False)
        st = self.assert_shown_after(t)
        self.assertFalse(st['dnd'])
        # Do-not-disturb again while it shows: the reminder stays.
        self.set_inhibited(True)
        self.wait_dnd(True)
        self.assertFalse(self.status()['held'])
        self.emit_action(1, 'done')
        self.wait_signal('BreakTaken', ('action',))

    def test_read_when_the_server_appears(self):
        self.start_inhibited_mock(True)
        self.start()
        self.wait_dnd(True)
        self.wait_held(SERVER_REASON)
        t = time.time()
        self.set_inhibited(False)
        self.assert_shown_after(t)

    def test_forgotten_with_the_server(self):
        self.start_inhibited_mock(True)
        self.start()
        self.wait_held(SERVER_REASON)

        # The server goes: its do-not-disturb goes with it (the reminder
        # goes to the log, there being no server).
        self.notify.stop()
        self.wait_until(lambda: self.status()['notification_server'] == '',
                        what='the server gone')
        self.wait_dnd(False)

        # Another one in do-not-disturb from its first moment: held again,
        # never shown there.
        self.start_inhibited_mock(True)
        self.wait_until(lambda: self.status()['notification_server'] == 'mock-notify',
                        what='the new server named')
        st = self.wait_dnd(True)
        self.assertTrue(st['held'], st)
        self.assertEqual(st['held_reason'], SERVER_REASON)
        self.settle(0.5)
        self.assertEqual(self.notifies(), 0)

        # And one without Inhibited shows it.
        self.notify.stop()
        self.wait_until(lambda: self.status()['notification_server'] == '',
                        what='the second server gone')
        t = time.time()
        self.start_notify_mock()
        self.assert_shown_after(t)
        self.assertFalse(self.status()['dnd'])
        self.emit_action(1, 'done')
        self.wait_signal('BreakTaken', ('action',))

    def test_respect_dnd_false(self):
        self.start_inhibited_mock(True)
        self.start(extra='[notify]\nrespect-dnd=false')
        self.wait_dnd(True)
        self.wait_signal('ReminderShown', ('doorway', 1))
        self.wait_notify_calls('Notify', 1)
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertTrue(st['dnd'])
        self.assertFalse(st['held'])
        self.assertEqual(st['held_reason'], '')

    def test_respect_dnd_turned_off_while_held(self):
        self.start_inhibited_mock(True)
        self.start()
        self.wait_held(SERVER_REASON)
        t = time.time()
        self.write_config(interval=f'{INTERVAL}s', break_length='5s', stretches='doorway',
                          extra='[notify]\nrespect-dnd=false')
        self.call('Reload')
        self.assert_shown_after(t)
        self.assertTrue(self.status()['dnd'])


@unittest.skipIf(GNOME_MISSING, GNOME_MISSING)
class GnomeBannersTest(DndTestCase):
    def gnome_env(self):
        # GSettings in files under the test's XDG_CONFIG_HOME, read by the
        # daemon and written by gsettings alike.
        return self.base_env(GSETTINGS_BACKEND='keyfile', XDG_CURRENT_DESKTOP='GNOME')

    def gsettings(self, *args):
        r = subprocess.run(['gsettings'] + list(args), env=self.gnome_env(),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=dbktest.DEADLINE)
        self.assertEqual(r.returncode, 0, f'gsettings {" ".join(args)}: {r.stderr}')
        return r.stdout.strip()

    def set_banners(self, on):
        self.gsettings('set', GNOME_SCHEMA, GNOME_KEY, 'true' if on else 'false')
        self.assertEqual(self.gsettings('get', GNOME_SCHEMA, GNOME_KEY), 'true' if on else 'false')

    def test_followed_live(self):
        self.start_notify_mock()
        self.start(env=self.gnome_env(), interval=LONG_INTERVAL)
        self.assertFalse(self.status()['dnd'])
        self.set_banners(False)
        self.wait_dnd(True)
        self.wait_held('GNOME')
        t = time.time()
        self.set_banners(True)
        st = self.assert_shown_after(t)
        self.assertFalse(st['dnd'])

    def test_read_at_start(self):
        self.set_banners(False)
        self.start_notify_mock()
        self.start(env=self.gnome_env())
        self.wait_dnd(True)
        self.wait_held('notification banners are off')
        t = time.time()
        self.gsettings('reset', GNOME_SCHEMA, GNOME_KEY)
        self.assert_shown_after(t)

    def test_not_read_outside_gnome(self):
        # Banners left off in GNOME long ago do not hold reminders on sway.
        self.set_banners(False)
        self.start_notify_mock()
        self.start(env=self.base_env(GSETTINGS_BACKEND='keyfile', XDG_CURRENT_DESKTOP='sway'))
        self.wait_signal('ReminderShown', ('doorway', 1))
        st = self.status()
        self.assertFalse(st['dnd'])
        self.assertFalse(st['held'])

    def test_respect_dnd_false(self):
        self.set_banners(False)
        self.start_notify_mock()
        self.start(extra='[notify]\nrespect-dnd=false', env=self.gnome_env())
        self.wait_signal('ReminderShown', ('doorway', 1))
        self.wait_notify_calls('Notify', 1)
        st = self.status()
        self.assertTrue(st['dnd'])
        self.assertFalse(st['held'])


if __name__ == '__main__':
    dbktest.main()
