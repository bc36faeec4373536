#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end with KDE Plasma's notification server (Debian 12's 5.27), the
Notifications applet run on its own, without plasmashell:

    QT_QPA_PLATFORM=offscreen plasmawindowed org.kde.plasma.notifications

(with Qt Quick's software renderer: there is no OpenGL here), on the test's
private session bus with the test's HOME and XDG directories.

Plasma holds its notifications back in two ways, and both reach its
Inhibited property on org.freedesktop.Notifications, which deskbreakd
follows:
- an application's Inhibit() (a video player, a presentation): here
  another client of the bus; UnInhibit(), or the application leaving the
  bus, ends it;
- the user's Do Not Disturb, kept as `[DoNotDisturb] Until=` (a local date
  and time as KConfig writes it, year,month,day,hour,minute,second) in
  plasmanotifyrc and announced with org.kde.kconfig.notify's ConfigChanged
  signal on /plasmanotifyrc, as the applet's own switch does; the key
  removed ends it.

What Plasma did with the reminder is seen from Plasma itself: the test
registers as a notification watcher (org.kde.NotificationManager's
RegisterWatcher), and Plasma hands every notification it takes to
/NotificationWatcher with the id it gave it. Done is pressed through
Plasma's InvokeAction, so the ActionInvoked that reaches deskbreakd is
Plasma's own.

Skipped, with the reason, only when Plasma's server cannot start here:
plasmawindowed or the applet missing (packages plasma-workspace,
plasma-workspace-data), or it exits before owning
org.freedesktop.Notifications."""

import datetime
import os
import shutil
import time
import unittest

import dbktest
from dbktest import NOTIFY_NAME, NOTIFY_PATH, DeskbreakTestCase, Gio, GLib

PLASMAWINDOWED = shutil.which('plasmawindowed')
APPLET = 'org.kde.plasma.notifications'
APPLET_DIR = f'/usr/share/plasma/plasmoids/{APPLET}'
START_TIMEOUT = 60.0

NOTIFY_IFACE = 'org.freedesktop.Notifications'
MANAGER_IFACE = 'org.kde.NotificationManager'
WATCHER_PATH = '/NotificationWatcher'
WATCHER_XML = '''<node>
  <interface name="org.kde.NotificationWatcher">
    <method name="Notify">
      <arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="as" direction="in"/><arg type="a{sv}" direction="in"/>
      <arg type="i" direction="in"/>
    </method>
    <method name="CloseNotification">
      <arg type="u" direction="in"/>
    </method>
  </interface>
</node>'''

SUMMARY = 'Time to stretch: Doorway stretch'
SERVER_REASON = 'the notification server is in do-not-disturb'
INTERVAL = 10  # room to act before the reminder falls due


def _missing():
    gone = []
    if PLASMAWINDOWED is None:
        gone.append('plasmawindowed')
    if not os.path.isdir(APPLET_DIR):
        gone.append(f'the applet {APPLET}')
    return f'{", ".join(gone)} not installed' if gone else ''


MISSING = _missing()
_plasma_problem = ''


def kconfig_datetime(t):
    """A local date and time as KConfig writes it."""
    return f'{t.year},{t.month},{t.day},{t.hour},{t.minute},{t.second}'


@unittest.skipIf(MISSING, MISSING)
class PlasmaTest(DeskbreakTestCase):
    def setUp(self):
        if _plasma_problem:
            self.skipTest(f"Plasma's notification server cannot start here: {_plasma_problem}")
        super().setUp()
        self.watched = []  # (id, app name, summary, body, actions) Plasma handed on
        self.plasma = None

    def plasma_env(self):
        return self.base_env(QT_QPA_PLATFORM='offscreen', QT_QUICK_BACKEND='software',
                             # No crash handler (drkonqi) should anything crash.
                             KDE_DEBUG='1',
                             XDG_DATA_HOME=os.path.join(self.home, '.local', 'share'),
                             XDG_CACHE_HOME=os.path.join(self.home, '.cache'))

    def start_plasma(self):
        global _plasma_problem
        proc = self.spawn('plasmawindowed', [PLASMAWINDOWED, APPLET], env=self.plasma_env())
        deadline = time.monotonic() + START_TIMEOUT
        while not self.bus.has_owner(NOTIFY_NAME):
            problem = None
            if not proc.alive():
                problem = f'plasmawindowed exited with status {proc.returncode()} at start-up'
            elif time.monotonic() > deadline:
                problem = f'plasmawindowed did not own {NOTIFY_NAME} in {START_TIMEOUT:.0f} s'
            if problem:
                lines = [l for l in proc.output().splitlines() if l.strip()]
                problem += f' (last words: {lines[-1].strip()})' if lines else ' (no output)'
                _plasma_problem = problem
                dbktest.log(proc.output()[-4000:])
                self.skipTest(f"Plasma's notification server cannot start here: {problem}")
            time.sleep(0.1)
        self.plasma = proc
        name = self.bus.call(NOTIFY_NAME, NOTIFY_PATH, NOTIFY_IFACE, 'GetServerInformation',
                             reply='(ssss)').unpack()[0]
        self.assertEqual(name, 'Plasma')
        self.watch_plasma()
        return proc

    # -- what Plasma does ---------------------------------------------------

    def watch_plasma(self):
        """Registers this connection as Plasma's notification watcher."""
        info = Gio.DBusNodeInfo.new_for_xml(WATCHER_XML).interfaces[0]

        def on_call(conn, sender, path, iface, method, params, invocation):
            if method == 'Notify':
                nid, app, _, _, summary, body, actions = params.unpack()[:7]
                self.watched.append((nid, app, summary, body, actions))
            invocation.return_value(None)
        reg = self.bus.conn.register_object(WATCHER_PATH, info, on_call, None, None)
        self.addCleanup(self.bus.conn.unregister_object, reg)
        self.bus.call(NOTIFY_NAME, NOTIFY_PATH, MANAGER_IFACE, 'RegisterWatcher')

    def ours(self):
        return [w for w in self.watched if w[1] == 'deskbreak']

    def wait_taken(self, count=1):
        """Waits until Plasma has taken `count` reminders; returns the last."""
        return self.wait_until(lambda: len(self.ours()) >= count and self.ours()[count - 1],
                               what=f'{count} reminder(s) taken by Plasma')

    def inhibited(self):
        return self.bus.call(NOTIFY_NAME, NOTIFY_PATH, 'org.freedesktop.DBus.Properties', 'Get',
                             (NOTIFY_IFACE, 'Inhibited'), '(ss)', '(v)').unpack()[0]

    def wait_inhibited(self, value):
        self.wait_until(lambda: self.inhibited() == value, what=f"Plasma's Inhibited {value}")

    def wait_dnd(self, dnd):
        return self.wait_until(lambda: self.status()['dnd'] == dnd and self.status(),
                               what=f'dnd {dnd} in deskbreakd')

    def set_do_not_disturb(self, until, announce=True):
        """plasmanotifyrc's [DoNotDisturb] Until= (None: no such key), and
        the signal with which KConfig tells running programs about it."""
        text = '[DoNotDisturb]\n'
        if until is not None:
            text += f'Until={kconfig_datetime(until)}\n'
        dbktest.write_file(os.path.join(self.config_home, 'plasmanotifyrc'), text)
        if announce:
            self.bus.conn.emit_signal(None, '/plasmanotifyrc', 'org.kde.kconfig.notify',
                                      'ConfigChanged',
                                      GLib.Variant('(a{saay})', ({'DoNotDisturb': [b'Until']},)))
            self.bus.conn.flush_sync(None)

    # -- the daemon ---------------------------------------------------------

    def start(self):
        self.start_daemon(interval=f'{INTERVAL}s', break_length='5s', stretches='doorway')
        self.wait_until(lambda: self.status()['notification_server'] == 'Plasma',
                        what='Plasma named as the notification server')

    def assert_held(self):
        st = self.wait_state('due')
        self.assertTrue(st['held'], st)
        self.assertTrue(st['dnd'], st)
        self.assertEqual(st['held_reason'], SERVER_REASON)
        self.settle(0.5)
        self.assertEqual(self.reminders_shown(), [])
        self.assertEqual(self.ours(), [], 'the held reminder went to Plasma')
        self.assertIn('Reminder held', self.cli_ok('status').stdout)

    def assert_shown_after(self, t):
        self.wait_signal('ReminderShown', ('doorway', 1), after=t)
        nid, _, summary, _, actions = self.wait_taken()
        self.assertEqual(summary, SUMMARY)
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertFalse(st['held'], st)
        self.assertFalse(st['dnd'], st)
        self.settle(0.3)
        self.assertEqual(len(self.ours()), 1, 'shown once')
        return nid, actions

    # -- tests --------------------------------------------------------------

    def test_reminder_and_done(self):
        self.start_plasma()
        self.start()
        self.assertFalse(self.inhibited())
        self.wait_signal('ReminderShown', ('doorway', 1))
        nid, _, summary, body, actions = self.wait_taken()
        self.assertEqual(summary, SUMMARY)
        self.assertTrue(body.startswith('1. '), body)
        self.assertEqual(actions, ['done', 'Done', 'snooze', 'Snooze 2m', 'skip', 'Skip'])
        self.assertGreater(nid, 0)

        # Done, through Plasma: its ActionInvoked reaches deskbreakd.
        self.bus.call(NOTIFY_NAME, NOTIFY_PATH, MANAGER_IFACE, 'InvokeAction', (nid, 'done'),
                      '(us)')
        self.wait_signal('BreakTaken', ('action',))
        self.assertEqual(self.status()['breaks_today'], 1)

    def test_application_inhibition(self):
        self.start_plasma()
        self.start()

        # A player inhibits notifications, then quits: Plasma ends it.
        player = dbktest.Bus(self.session_address)
        player.call(NOTIFY_NAME, NOTIFY_PATH, NOTIFY_IFACE, 'Inhibit',
                    ('org.example.Player', 'Playing a video', {}), '(ssa{sv})', '(u)')
        self.wait_inhibited(True)
        st = self.wait_dnd(True)
        self.assertEqual(st['state'], 'sitting')
        self.assertFalse(st['held'])
        player.close()
        self.wait_inhibited(False)
        self.wait_dnd(False)

        # Another one inhibits while the reminder falls due: held, and
        # shown once it lets go.
        slides = dbktest.Bus(self.session_address)
        self.addCleanup(slides.close)
        cookie = slides.call(NOTIFY_NAME, NOTIFY_PATH, NOTIFY_IFACE, 'Inhibit',
                             ('org.example.Slides', 'Presenting', {}), '(ssa{sv})',
                             '(u)').unpack()[0]
        self.wait_dnd(True)
        self.assert_held()
        t = time.time()
        slides.call(NOTIFY_NAME, NOTIFY_PATH, NOTIFY_IFACE, 'UnInhibit', (cookie,), '(u)')
        self.assertFalse(self.inhibited())
        self.assert_shown_after(t)

    def test_do_not_disturb(self):
        # Switched on before Plasma starts: Plasma reads it at start, and
        # deskbreakd when it finds Plasma.
        in_an_hour = datetime.datetime.now() + datetime.timedelta(hours=1)
        self.set_do_not_disturb(in_an_hour, announce=False)
        self.start_plasma()
        self.wait_inhibited(True)
        self.start()
        self.wait_dnd(True)
        self.assert_held()

        # Switched off: shown.
        t = time.time()
        self.set_do_not_disturb(None)
        self.wait_inhibited(False)
        self.assert_shown_after(t)

        # On again while it shows: seen at once (the reminder stays).
        self.set_do_not_disturb(in_an_hour)
        st = self.wait_dnd(True)
        self.assertFalse(st['held'])

        # A time that has passed is no Do Not Disturb.
        self.set_do_not_disturb(datetime.datetime.now() - datetime.timedelta(minutes=5))
        self.wait_dnd(False)


if __name__ == '__main__':
    dbktest.main()
