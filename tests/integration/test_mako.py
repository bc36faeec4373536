#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real mako (Debian 12's 1.7.1) on a headless sway, both as `nobody`
(sway refuses root), with mako(5)'s do-not-disturb mode in its config:

    [mode=do-not-disturb]
    invisible=1

mako has no signal for mode changes, so deskbreakd asks its ListModes when
mako appears, when a reminder falls due and on GetStatus:
- a mode added with `makoctl mode -a do-not-disturb` before the reminder
  falls due holds it (GetStatus: held, with mako's mode as the reason), and
  nothing reaches mako;
- once the mode is removed, the next status call shows it, and `makoctl
  invoke` of Done on it reaches deskbreakd (BreakTaken 'action');
- a mode active before deskbreakd starts is read when it finds mako.

The test's session bus only lets its own user in; mako, as nobody, needs
one that lets any user connect, so this file runs deskbreakd, mako and its
own calls on a second bus of that kind.

Skipped, with the reason, when sway, mako, makoctl, busctl or runuser is
missing (packages sway, mako-notifier, systemd, util-linux)."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import dbktest
from dbktest import DEADLINE, NOTIFY_NAME, DeskbreakTestCase

INTERVAL = 10  # room to set the mode before the reminder falls due
MODE = 'do-not-disturb'
REASON = "mako's mode do-not-disturb is active"
MAKO_CONFIG = f'''default-timeout=0

[mode={MODE}]
invisible=1
'''


def _missing():
    programs = ['sway', 'mako', 'makoctl', 'busctl', 'dbus-daemon']
    if dbktest.AS_ROOT:
        programs.append('runuser')
    gone = [p for p in programs if shutil.which(p) is None]
    return f'{", ".join(gone)} not installed' if gone else ''


MISSING = _missing()


@unittest.skipIf(MISSING, MISSING)
class MakoTest(DeskbreakTestCase):
    def setUp(self):
        self.files = tempfile.mkdtemp(prefix='deskbreak-mako-')
        os.chmod(self.files, 0o755)
        self.addCleanup(shutil.rmtree, self.files, ignore_errors=True)
        self.open_bus = None
        self.start_open_bus()
        # The harness takes the session bus from the environment: this one.
        saved = os.environ['DBUS_SESSION_BUS_ADDRESS']
        os.environ['DBUS_SESSION_BUS_ADDRESS'] = self.open_address
        try:
            super().setUp()
        finally:
            os.environ['DBUS_SESSION_BUS_ADDRESS'] = saved
        self.start_sway()
        self.start_mako()

    # -- the desktop ------------------------------------------------------

    def start_open_bus(self):
        """A session bus any user may connect to (mako runs as nobody).
        Stopped after everything on it (cleanups run last-in first-out)."""
        with open(dbktest.SESSION_CONF, encoding='utf-8') as f:
            conf = f.read()
        conf = conf.replace('<policy context="default">',
                            '<policy context="default">\n    <allow user="*"/>', 1)
        path = os.path.join(self.files, 'open-session.conf')
        dbktest.write_file(path, conf)
        with open(os.path.join(self.files, 'open-bus.log'), 'w', encoding='utf-8') as log:
            proc = subprocess.Popen(['dbus-daemon', '--config-file=' + path, '--nofork',
                                     '--print-address=1'], stdout=subprocess.PIPE,
                                    stderr=log, stdin=subprocess.DEVNULL, text=True)

        def stop():
            proc.terminate()
            proc.wait(10)
            proc.stdout.close()
        self.addCleanup(stop)
        line = proc.stdout.readline().strip()
        self.assertTrue(line, 'dbus-daemon printed no address')
        self.open_address = line

    def start_sway(self):
        self.sway = dbktest.Sway(self, self.files, dict(WLR_BACKENDS='headless'),
                                 dict(DBUS_SESSION_BUS_ADDRESS=self.open_address))
        self.desktop_env = self.sway.env

    def start_mako(self):
        os.makedirs(os.path.join(self.files, 'mako'), exist_ok=True)
        os.chmod(os.path.join(self.files, 'mako'), 0o755)
        conf = os.path.join(self.files, 'mako', 'config')
        dbktest.write_file(conf, MAKO_CONFIG)
        os.chmod(conf, 0o644)
        self.mako = self.spawn('mako', dbktest.as_nobody(self.desktop_env, ['mako', '-c', conf]))
        self.wait_name(NOTIFY_NAME, self.mako)

    def makoctl(self, *args):
        """makoctl as a user would run it (busctl on our bus)."""
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.open_address)
        r = subprocess.run(['makoctl'] + list(args), env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=DEADLINE)
        self.assertEqual(r.returncode, 0, f'makoctl {args}: {r.stderr}')
        return r.stdout

    def mako_notifications(self):
        """[(id, app name, summary)] of what mako holds, shown or invisible."""
        data = json.loads(self.makoctl('list'))['data'][0]
        return [(n['id']['data'], n['app-name']['data'], n['summary']['data']) for n in data]

    def ours(self):
        return [n for n in self.mako_notifications() if n[1] == 'deskbreak']

    # -- tests ------------------------------------------------------------

    def start(self):
        self.start_daemon(interval=f'{INTERVAL}s', break_length='5s', stretches='doorway')
        self.wait_until(lambda: self.status()['notification_server'] == 'mako',
                        what='mako named as the server')

    def test_mode_holds_the_reminder_until_it_ends(self):
        self.start()
        st = self.status()
        self.assertEqual(st['state'], 'sitting')
        self.assertFalse(st['dnd'], st)
        # Switched on between reminders, with nothing said to anyone.
        self.makoctl('mode', '-a', MODE)
        self.assertIn(MODE, self.makoctl('mode').split())

        # Asked when the reminder falls due: held, with mako's mode named.
        # Waited for through the State property, not GetStatus, which asks
        # mako too.
        self.wait_announced('State', 'due', timeout=INTERVAL + DEADLINE)
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertTrue(st['held'], st)
        self.assertTrue(st['dnd'], st)
        self.assertEqual(st['held_reason'], REASON)
        self.assertIn('Reminder held', self.daemon_log())
        self.settle(0.5)
        self.assertEqual(self.ours(), [], 'nothing went to mako')
        self.assertEqual(self.reminders_shown(), [])

        # The CLI says so.
        out = subprocess.run([dbktest.DESKBREAK, 'status'], env=self.base_env(),
                             capture_output=True, text=True, timeout=DEADLINE)
        self.assertIn('Reminder held', out.stdout)
        self.assertIn('do-not-disturb', out.stdout)

        # Switched off: the next status call finds out and shows it.
        t = time.time()
        self.makoctl('mode', '-r', MODE)
        st = self.status()
        self.assertFalse(st['dnd'], st)
        self.assertFalse(st['held'], st)
        self.assertEqual(st['held_reason'], '')
        self.wait_signal('ReminderShown', ('doorway', 1), after=t)
        shown = self.wait_until(self.ours, what='the reminder in makoctl list')
        self.assertEqual(len(shown), 1, shown)

        # Done, through mako, reaches deskbreakd.
        self.makoctl('invoke', '-n', str(shown[0][0]), 'done')
        self.wait_signal('BreakTaken', ('action',))
        self.wait_until(lambda: not self.ours(), what='the reminder closed')

    def test_mode_active_before_the_daemon(self):
        self.makoctl('mode', '-a', MODE)
        self.start()
        # Read when deskbreakd finds mako, before any reminder.
        st = self.wait_until(lambda: self.status()['dnd'] and self.status(), what='dnd')
        self.assertEqual(st['state'], 'sitting')
        self.assertFalse(st['held'])
        self.wait_announced('State', 'due', timeout=INTERVAL + DEADLINE)
        st = self.status()
        self.assertTrue(st['held'], st)
        self.assertEqual(st['held_reason'], REASON)
        self.settle(0.5)
        self.assertEqual(self.ours(), [])

    def test_no_mode_shows_and_done_works(self):
        self.start()
        self.wait_signal('ReminderShown', ('doorway', 1), timeout=INTERVAL + DEADLINE)
        st = self.status()
        self.assertFalse(st['held'], st)
        self.assertFalse(st['dnd'], st)
        shown = self.wait_until(self.ours, what='the reminder in makoctl list')
        self.assertEqual(len(shown), 1, shown)
        self.makoctl('invoke', '-n', str(shown[0][0]), 'done')
        self.wait_signal('BreakTaken', ('action',))


if __name__ == '__main__':
    dbktest.main()
