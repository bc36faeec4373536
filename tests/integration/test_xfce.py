#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end with Xfce's notification server: xfce4-notifyd on a virtual X
display (Xvfb), with a real xfconfd, both on the test's private session bus.
xfce4-notifyd has no Inhibited property: its do-not-disturb switch is the
Xfconf property /do-not-disturb of channel xfce4-notifyd (set here with
xfconf-query, as Xfce's settings dialog and panel plugin do), and in that
mode it drops normal notifications without a word. So deskbreakd must
hold a due reminder while it is on and show it when it goes off.

Whether the daemon called Notify is seen by a dbus-monitor on the bus, not
taken from the daemon's own word.

Each test has an Xvfb, an xfconfd (its store under the test's
XDG_CONFIG_HOME) and an xfce4-notifyd of its own. The file is skipped as a
whole when one of the programs is missing (packages xvfb, xfconf,
xfce4-notifyd, dbus-bin)."""

import os
import shutil
import subprocess
import time
import unittest

import dbktest
from dbktest import SEC, DeskbreakTestCase, NOTIFY_NAME

LONG_INTERVAL = 10  # seconds; room to act before the reminder comes due
MARGIN = 1.0

XFCONF_NAME = 'org.xfce.Xfconf'
CHANNEL = 'xfce4-notifyd'
DND_PROPERTY = '/do-not-disturb'
XFCE_REASON = 'xfce4-notifyd is in do-not-disturb'
XFCE_SERVER_NAME = 'Xfce Notify Daemon'


def _find(candidates):
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    return None


XFCONFD = _find(['/usr/lib/x86_64-linux-gnu/xfce4/xfconf/xfconfd',
                 '/usr/lib/xfce4/xfconf/xfconfd', '/usr/libexec/xfconfd'])
XFCE4_NOTIFYD = _find(['/usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd',
                       '/usr/lib/xfce4/notifyd/xfce4-notifyd', '/usr/libexec/xfce4-notifyd'])

MISSING = [p for p in ('Xvfb', 'xfconf-query', 'dbus-monitor') if shutil.which(p) is None]
if XFCONFD is None:
    MISSING.append('xfconfd')
if XFCE4_NOTIFYD is None:
    MISSING.append('xfce4-notifyd')
SKIP_REASON = f'{" and ".join(MISSING)} not installed' if MISSING else ''


class NotifyMonitor:
    """dbus-monitor on the test's bus, recording every Notify call."""

    def __init__(self, test):
        self.test = test
        self.proc = test.spawn('dbus-monitor', [
            'dbus-monitor', '--session', '--profile',
            "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
            # Its own probe below, to know the monitor is in place.
            "type='method_call',interface='org.freedesktop.DBus',member='GetId'"])
        # A call it must see: once it shows, every later Notify is seen too.
        deadline = time.monotonic() + dbktest.DEADLINE
        while not self._lines('GetId'):
            if not self.proc.alive():
                test.fail('dbus-monitor exited:\n' + self.proc.output())
            if time.monotonic() > deadline:
                test.fail('dbus-monitor never saw its probe:\n' + self.proc.output())
            test.bus.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                          'GetId')
            time.sleep(0.1)

    def _lines(self, member):
        # --profile: type time serial sender destination path interface member
        return [l for l in self.proc.output().splitlines()
                if l.startswith('mc\t') and l.rstrip().endswith('\t' + member)]

    def notify_calls(self):
        return len(self._lines('Notify'))


@unittest.skipIf(MISSING, SKIP_REASON)
class XfceDndTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.x = dbktest.Xvfb(self)
        self.env = self.base_env(DISPLAY=self.x.display, XDG_CACHE_HOME=os.path.join(self.tmp,
                                                                                      'cache'),
                                 XDG_DATA_HOME=os.path.join(self.tmp, 'data'))
        self.xfconfd = self.spawn('xfconfd', [XFCONFD], env=self.env)
        self.wait_name(XFCONF_NAME, self.xfconfd)
        self.notifyd = self.spawn('xfce4-notifyd', [XFCE4_NOTIFYD], env=self.env)
        self.wait_name(NOTIFY_NAME, self.notifyd)
        self.monitor = NotifyMonitor(self)

    def set_dnd(self, on):
        argv = ['xfconf-query', '-c', CHANNEL, '-p', DND_PROPERTY, '-n', '-t', 'bool',
                '-s', 'true' if on else 'false']
        r = subprocess.run(argv, env=self.env, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=dbktest.DEADLINE)
        self.assertEqual(r.returncode, 0, f'{" ".join(argv)}: {r.stdout}{r.stderr}')

    def start(self, interval=LONG_INTERVAL, **kw):
        kw.setdefault('interval', f'{interval}s')
        kw.setdefault('break_length', '5s')
        kw.setdefault('snooze', '2m')
        kw.setdefault('stretches', 'bruegger;doorway')
        self.start_daemon(**kw)
        self.session_start = self.status()['sitting_since'] / SEC

    def assert_held(self):
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertTrue(st['held'], st)
        self.assertTrue(st['dnd'], st)
        self.assertEqual(st['held_reason'], XFCE_REASON)
        return st

    def test_dnd_holds_the_reminder_until_it_ends(self):
        self.start()
        self.wait_until(lambda: self.status()['notification_server'] == XFCE_SERVER_NAME,
                        what='xfce4-notifyd named as the notification server')
        st = self.status()
        self.assertFalse(st['dnd'], st)
        self.assertEqual(st['state'], 'sitting')

        # Turned on while sitting, before the reminder is due: seen at once.
        self.set_dnd(True)
        st = self.wait_until(lambda: self.status()['dnd'] and self.status(),
                             what='dnd from xfce4-notifyd\'s Xfconf setting')
        self.assertEqual(st['state'], 'sitting')
        self.assertFalse(st['held'], st)
        self.assertEqual(st['held_reason'], '')

        self.wait_state('due')
        self.assert_held()
        # Held by deskbreak: nothing went to xfce4-notifyd, which would have
        # dropped it without a word.
        self.settle(1.0)
        self.assert_held()
        self.assertEqual(self.reminders_shown(), [])
        self.assertEqual(self.monitor.notify_calls(), 0)
        # What the user reads.
        out = self.cli_ok('status').stdout
        self.assertIn('Reminder held', out)
        self.assertIn(XFCE_REASON, out)
        self.assertTrue(self.cli_json()['held'])

        # Do-not-disturb ends: the reminder shows, on xfce4-notifyd.
        t_off = time.time()
        self.set_dnd(False)
        self.wait_signal('ReminderShown', ('bruegger', 1), after=t_off)
        self.wait_until(lambda: self.monitor.notify_calls() == 1, what='one Notify call')
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertFalse(st['held'], st)
        self.assertFalse(st['dnd'], st)
        self.assertEqual(st['held_reason'], '')
        self.assertNotIn('held', self.cli_ok('status').stdout)
        self.settle(0.5)
        self.assertEqual(len(self.reminders_shown()), 1)
        self.assertEqual(self.monitor.notify_calls(), 1)

    def test_dnd_set_before_the_daemon_starts(self):
        # Read when the daemon finds xfconfd, not only from later changes.
        self.set_dnd(True)
        self.start()
        self.wait_until(lambda: self.status()['dnd'], what='dnd read at start')
        self.wait_state('due')
        self.assert_held()
        self.settle(1.0)
        self.assertEqual(self.reminders_shown(), [])
        self.assertEqual(self.monitor.notify_calls(), 0)

        t_off = time.time()
        self.set_dnd(False)
        self.wait_signal('ReminderShown', ('bruegger', 1), after=t_off)
        self.wait_until(lambda: self.monitor.notify_calls() == 1, what='one Notify call')
        self.assertFalse(self.status()['held'])

    def test_property_removed_ends_dnd(self):
        self.set_dnd(True)
        self.start()
        self.wait_until(lambda: self.status()['dnd'], what='dnd read at start')
        argv = ['xfconf-query', '-c', CHANNEL, '-p', DND_PROPERTY, '-r']
        r = subprocess.run(argv, env=self.env, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=dbktest.DEADLINE)
        self.assertEqual(r.returncode, 0, f'{" ".join(argv)}: {r.stdout}{r.stderr}')
        self.wait_until(lambda: not self.status()['dnd'], what='dnd off once the property is gone')

    def test_xfconfd_gone_ends_dnd(self):
        self.set_dnd(True)
        self.start()
        self.wait_until(lambda: self.status()['dnd'], what='dnd read at start')
        self.xfconfd.stop()
        self.wait_until(lambda: not self.status()['dnd'], what='dnd off once xfconfd is gone')
        self.assertTrue(self.daemon.alive())



@unittest.skipIf(MISSING, SKIP_REASON)
class XfceDndOtherServerTest(DeskbreakTestCase):
    """xfce4-notifyd's switch left on in Xfconf holds nothing while another
    server (here python3-dbusmock's) shows the notifications."""

    def test_other_server_ignores_xfce_dnd(self):
        env = self.base_env(XDG_CACHE_HOME=os.path.join(self.tmp, 'cache'))
        xfconfd = self.spawn('xfconfd', [XFCONFD], env=env)
        self.wait_name(XFCONF_NAME, xfconfd)
        r = subprocess.run(['xfconf-query', '-c', CHANNEL, '-p', DND_PROPERTY, '-n', '-t', 'bool',
                            '-s', 'true'], env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=dbktest.DEADLINE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.start_notify_mock()
        self.start_daemon(interval='6s', break_length='5s', stretches='bruegger;doorway')
        # The setting was read, and did not count.
        self.wait_until(lambda: 'do-not-disturb is true' in self.daemon_log(),
                        what='the Xfconf setting read')
        self.wait_signal('ReminderShown', ('bruegger', 1))
        self.wait_notify_calls('Notify', 1)
        st = self.status()
        self.assertFalse(st['dnd'], st)
        self.assertFalse(st['held'], st)


if __name__ == '__main__':
    dbktest.main()
