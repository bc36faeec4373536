#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end with a real notification server: dunst on a virtual X display
(Xvfb), on the test's private session bus. The reminder arrives with its
summary, body, app name, category and buttons; each button, pressed through
dunst's own menu, has its effect; dunst paused holds the reminder back and
resuming dunst shows it; a dunst killed and started again gets the reminder
back.

dunst has no buttons on screen: actions other than "default" are offered
through a context menu program (`dmenu` in tests/dunst/dunstrc), here
tests/dunst/picker.sh, which picks the action the test wrote into a file
and records every menu offered. `dunstctl history` lists only notifications
no longer on screen, so the reminder's text is read there after it closed.

Each test has an Xvfb and a dunst of its own. The file is skipped as a whole
when Xvfb or dunst is missing."""

import json
import os
import shutil
import signal
import subprocess
import time
import unittest

import dbktest
from dbktest import MIN, SEC, DeskbreakTestCase, NOTIFY_NAME, now_usec

INTERVAL = 6  # seconds; the smallest that allows a valid break-length (5s .. < interval)
# For tests that act before the reminder comes due: room for a loaded machine.
LONG_INTERVAL = 10
MARGIN = 1.0
DUNST_DIR = os.path.join(dbktest.SOURCE_DIR, 'tests', 'dunst')
DUNSTRC = os.path.join(DUNST_DIR, 'dunstrc')
PICKER = os.path.join(DUNST_DIR, 'picker.sh')

MISSING = [p for p in ('Xvfb', 'dunst', 'dunstctl', 'busctl') if shutil.which(p) is None]
SKIP_REASON = f'{" and ".join(MISSING)} not installed' if MISSING else ''

SUMMARY = "Time to stretch: Bruegger's relief position"
FIRST_STEP = '1. Sit on the front edge of your chair'


class Dunst:
    """dunst on the test's bus and display, with the test dunstrc."""

    def __init__(self, test, display):
        self.test = test
        self.picker_dir = os.path.join(test.tmp, 'picker')
        os.makedirs(self.picker_dir, exist_ok=True)
        self.config = os.path.join(test.tmp, 'dunstrc')
        with open(DUNSTRC, encoding='utf-8') as f:
            text = f.read()
        dbktest.write_file(self.config, text.replace('@PICKER@', PICKER))
        env = test.base_env(DISPLAY=display, DESKBREAK_DUNST_PICKER_DIR=self.picker_dir)
        self.proc = test.spawn('dunst', ['dunst', '-config', self.config], env=env)
        test.wait_name(NOTIFY_NAME, self.proc)

    def ctl(self, *args):
        r = subprocess.run(['dunstctl'] + [str(a) for a in args], env=self.test.base_env(),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=dbktest.DEADLINE)
        self.test.assertEqual(r.returncode, 0, f'dunstctl {" ".join(map(str, args))}: {r.stderr}')
        return r.stdout

    def count(self, which):
        """How many notifications are displayed, waiting (paused) or in the history."""
        return int(self.ctl('count', which).strip())

    def wait_count(self, which, n):
        self.test.wait_until(lambda: self.count(which) == n, what=f'dunst: {n} {which}')

    def history(self):
        """`dunstctl history` as a list of {key: value}, newest first."""
        data = json.loads(self.ctl('history'))['data'][0]
        return [{k: v['data'] for k, v in entry.items()} for entry in data]

    def set_paused(self, paused):
        self.ctl('set-paused', 'true' if paused else 'false')

    # -- the context menu ----------------------------------------------------

    def _menus_path(self):
        return os.path.join(self.picker_dir, 'menus')

    def menus(self):
        """Every menu dunst offered so far: lists of lines."""
        try:
            with open(self._menus_path(), encoding='utf-8') as f:
                text = f.read()
        except FileNotFoundError:
            return []
        return [[l for l in block.split('\n') if l] for block in text.split('--\n')
                if block.strip()]

    def choose(self, action, how=('context',)):
        """Opens dunst's menu (`dunstctl context`, or `dunstctl action 0`,
        which opens it for a notification without a default action) and
        picks `action` there; None picks nothing. Returns the menu."""
        with open(os.path.join(self.picker_dir, 'choice'), 'w', encoding='utf-8') as f:
            f.write(action or '')
        before = len(self.menus())
        self.ctl(*how)
        self.test.wait_until(lambda: len(self.menus()) > before, what='dunst running the picker')
        return self.menus()[-1]

    def kill(self):
        self.proc.signal(signal.SIGKILL)
        self.test.assertIsNotNone(self.proc.wait(dbktest.DEADLINE), 'dunst survived SIGKILL')


@unittest.skipIf(MISSING, SKIP_REASON)
class DunstTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.x = dbktest.Xvfb(self)
        self.dunst = Dunst(self, self.x.display)

    def start(self, interval=INTERVAL, **kw):
        kw.setdefault('interval', f'{interval}s')
        kw.setdefault('break_length', '5s')
        kw.setdefault('snooze', '2m')
        kw.setdefault('stretches', 'bruegger;doorway')
        self.start_daemon(**kw)
        self.session_start = self.status()['sitting_since'] / SEC

    def wait_reminder(self, count=1):
        """Waits for the count-th ReminderShown and for dunst to show it."""
        self.wait_until(lambda: len(self.reminders_shown()) >= count, what=f'ReminderShown #{count}')
        self.dunst.wait_count('displayed', 1)

    def test_reminder_arrives(self):
        self.start()
        self.wait_until(lambda: self.status()['notification_server'] == 'dunst',
                        what='dunst named as the notification server')
        self.wait_reminder()
        t = self.signals.of('ReminderShown')[0][0]
        self.assertGreaterEqual(t, self.session_start + INTERVAL - MARGIN)
        self.assertEqual(self.reminders_shown(), [('bruegger', 1)])
        self.assertEqual(self.status()['state'], 'due')

        # The buttons, as dunst offers them (picking none).
        menu = self.dunst.choose(None)
        self.assertEqual(len(menu), 3, f'menu: {menu}')
        for line, (label, key) in zip(menu, [('Done', 'done'), ('Snooze 2m', 'snooze'),
                                             ('Skip', 'skip')]):
            self.assertTrue(line.startswith(f'#{label} ({SUMMARY})'), line)
            self.assertTrue(line.endswith(f',{key}]'), line)

        # Dismissed, it goes to dunst's history, where its text can be read.
        self.dunst.ctl('close')
        self.dunst.wait_count('displayed', 0)
        history = self.dunst.history()
        self.assertEqual(len(history), 1, history)
        n = history[0]
        self.assertEqual(n['appname'], 'deskbreak')
        self.assertEqual(n['summary'], SUMMARY)
        self.assertEqual(n['category'], 'presence')
        body = n['body']
        self.assertTrue(body.startswith(FIRST_STEP), body)
        self.assertIn('\n2. ', body)
        self.assertIn('Hold about 30 s', body)
        # dunst has buttons (through its menu): no command hint in the text.
        self.assertNotIn('deskbreak break', body)

        # Dismissing is no break: the reminder stays due.
        self.settle(0.5)
        self.assertEqual(self.status()['state'], 'due')
        self.assertEqual(self.breaks_taken(), [])

    def test_done(self):
        self.start()
        self.wait_reminder()
        due = self.status()
        # No default action: `dunstctl action 0` opens the menu.
        self.dunst.choose('done', how=('action', 0))
        self.wait_signal('BreakTaken', ('action',))
        st = self.status()
        self.assertEqual(st['state'], 'sitting')
        self.assertEqual(st['breaks_today'], 1)
        self.assertEqual(st['times_shown'], 0)
        self.assertGreater(st['sitting_since'], due['sitting_since'])
        self.assertLess(st['sitting_usec'], (INTERVAL - MARGIN) * SEC)
        self.dunst.wait_count('displayed', 0)

    def test_snooze(self):
        self.start()
        self.wait_reminder()
        before = now_usec()
        self.dunst.choose('snooze')
        st = self.wait_state('snoozed')
        after = now_usec()
        self.assertGreaterEqual(st['snoozed_until'], before + 2 * MIN - MARGIN * SEC)
        self.assertLessEqual(st['snoozed_until'], after + 2 * MIN + MARGIN * SEC)
        self.assertEqual(st['snoozes_today'], 1)
        self.assertEqual(self.breaks_taken(), [])
        self.assertGreaterEqual(st['sitting_usec'], (INTERVAL - MARGIN) * SEC)
        self.dunst.wait_count('displayed', 0)

    def test_skip(self):
        self.start()
        self.wait_reminder()
        t_skip = time.time()
        self.dunst.choose('skip')
        st = self.wait_until(lambda: self.status()['state'] == 'sitting' and self.status(),
                             what='state sitting after Skip')
        t_seen = time.time()
        self.assertEqual(st['skips_today'], 1)
        self.assertEqual(self.breaks_taken(), [])
        # Another whole interval from the moment of the Skip.
        self.assertGreaterEqual(st['next_reminder'] / SEC, t_skip + INTERVAL - MARGIN)
        self.assertLessEqual(st['next_reminder'] / SEC, t_seen + INTERVAL + MARGIN)
        self.dunst.wait_count('displayed', 0)
        # No reminder for another interval, then the next one, on screen.
        self.wait_reminder(count=2)
        t = self.signals.of('ReminderShown')[1][0]
        self.assertGreaterEqual(t, t_skip + INTERVAL - MARGIN)
        self.assertEqual(self.reminders_shown(), [('bruegger', 1), ('doorway', 1)])

    def assert_held(self):
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertTrue(st['held'], st)
        self.assertTrue(st['dnd'], st)
        self.assertIn('dunst', st['held_reason'])
        self.assertIn('paused', st['held_reason'])
        return st

    def test_paused_holds_the_reminder(self):
        self.start(interval=LONG_INTERVAL)
        self.assertFalse(self.status()['dnd'])
        # Paused while sitting, before the interval is up.
        self.dunst.set_paused(True)
        st = self.wait_until(lambda: self.status()['dnd'] and self.status(),
                             what='dnd from dunst paused')
        self.assertEqual(st['state'], 'sitting')
        self.assertFalse(st['held'])
        self.assertEqual(st['held_reason'], '')

        self.wait_state('due')
        self.assert_held()
        # Held by deskbreak, not queued by dunst: nothing reached dunst.
        self.settle(1.0)
        self.assert_held()
        self.assertEqual(self.reminders_shown(), [])
        self.assertEqual(self.dunst.count('displayed'), 0)
        self.assertEqual(self.dunst.count('waiting'), 0)
        self.assertEqual(self.dunst.history(), [])
        # What the user reads.
        out = self.cli_ok('status').stdout
        self.assertIn('held', out)
        self.assertIn('dunst is paused', out)
        self.assertTrue(self.cli_json()['held'])

        t_resume = time.time()
        self.dunst.set_paused(False)
        self.wait_signal('ReminderShown', ('bruegger', 1), after=t_resume)
        self.dunst.wait_count('displayed', 1)
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertFalse(st['held'])
        self.assertFalse(st['dnd'])
        self.assertEqual(st['held_reason'], '')
        self.assertNotIn('held', self.cli_ok('status').stdout)
        # Shown once, and its buttons work.
        self.dunst.choose('done')
        self.wait_signal('BreakTaken', ('action',))
        self.assertEqual(len(self.reminders_shown()), 1)

    def test_paused_before_the_daemon_starts(self):
        # Read when the daemon finds dunst, not only from later changes.
        self.dunst.set_paused(True)
        self.start()
        self.wait_until(lambda: self.status()['dnd'], what='dnd read at start')
        self.wait_state('due')
        self.assert_held()
        self.assertEqual(self.reminders_shown(), [])
        self.dunst.set_paused(False)
        self.wait_reminder()
        self.assertFalse(self.status()['held'])

    def test_dunst_killed_and_started_again(self):
        self.start()
        self.wait_reminder()
        self.dunst.kill()
        self.wait_until(lambda: self.status()['notification_server'] == '',
                        what='dunst gone from the status')
        self.assertEqual(self.status()['state'], 'due')

        t_restart = time.time()
        self.dunst = Dunst(self, self.x.display)
        # The due reminder is shown again, on the new dunst.
        self.wait_signal('ReminderShown', ('bruegger', 1), after=t_restart)
        self.dunst.wait_count('displayed', 1)
        self.wait_until(lambda: self.status()['notification_server'] == 'dunst',
                        what='dunst named again')
        # Its buttons reach the daemon from the new server.
        self.dunst.choose('done')
        self.wait_signal('BreakTaken', ('action',))
        self.assertEqual(self.status()['state'], 'sitting')
        self.assertTrue(self.daemon.alive())


if __name__ == '__main__':
    dbktest.main()
