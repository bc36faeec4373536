#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The x11 idle source on a real X server: Xvfb for the display, xdotool for
the user's hands. Hands off past the threshold is a short idle (the same
session); hands off for natural-break is a natural break and the next input
starts a new session; a due reminder is completed by break-length hands
off; a threshold lowered below the idle time so far reports idle at once; the
MIT-SCREEN-SAVER fallback does the same by polling; and an X server that
dies leaves the daemon running on another source, the session kept.

Each test has an Xvfb of its own, on a free display number, started with
-noreset (without it the idle counter restarts whenever the last client
leaves). The file is skipped as a whole when Xvfb or xdotool is missing."""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import unittest

import dbktest
from dbktest import SEC, DeskbreakTestCase

MARGIN = 1.0
# How late a break may come after the moment the rules give, on a loaded
# machine: less than the threshold, so a break timed from the idle report
# rather than from the last input shows.
LATE = 3.0
BREAK_LENGTH = 5
NATURAL_BREAK = 10
WAIT_FOR_PAUSE = 2

MISSING = [p for p in ('Xvfb', 'xdotool') if shutil.which(p) is None]
SKIP_REASON = f'{" and ".join(MISSING)} not installed' if MISSING else ''


class XServer:
    """An Xvfb of one test's own, on a display number nobody uses."""

    TRIES = 10

    def __init__(self, test):
        self.test = test
        self.proc = None
        self.number = None
        self.display = None
        self.moves = 0
        last = None
        for _ in range(self.TRIES):
            n = random.randint(100, 9999)
            if os.path.exists(self.lock_path(n)) or os.path.exists(self.socket_path(n)):
                continue
            # -displayfd: it prints the number once it accepts connections.
            proc = test.spawn(f'Xvfb-{n}', ['Xvfb', f':{n}', '-displayfd', '1', '-noreset',
                                            '-nolisten', 'tcp', '-screen', '0', '1280x800x24'],
                              stdout_pipe=True)
            line = proc.read_line(dbktest.DEADLINE)
            if line is not None and line.strip() == str(n):
                self.proc, self.number, self.display = proc, n, f':{n}'
                return
            # Taken in the meantime (or broken): another number.
            proc.stop()
            last = proc
        test.fail(f'Xvfb did not start in {self.TRIES} tries:\n'
                  + (last.output() if last else 'every display number tried was in use'))

    @staticmethod
    def lock_path(n):
        return f'/tmp/.X{n}-lock'

    @staticmethod
    def socket_path(n):
        return f'/tmp/.X11-unix/X{n}'

    def env(self, **extra):
        return self.test.base_env(DISPLAY=self.display, **extra)

    def _xdotool(self, *args):
        """Runs xdotool; returns the wall times just before and just after."""
        before = time.time()
        r = subprocess.run(['xdotool'] + [str(a) for a in args], env=self.env(),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=dbktest.DEADLINE)
        after = time.time()
        self.test.assertEqual(r.returncode, 0,
                              f'xdotool {" ".join(map(str, args))}: {r.stderr}')
        return before, after

    def key(self):
        """A key press and release: resets the server's idle time."""
        return self._xdotool('key', 'shift')

    def move(self):
        """Moves the pointer somewhere else (moving it nowhere is no input)."""
        self.moves += 1
        return self._xdotool('mousemove', 100 + 37 * (self.moves % 20), 100 + 23 * (self.moves % 17))

    def restart(self):
        """A new X server on the same display number, as after a crash."""
        n = self.number
        proc = self.test.spawn(f'Xvfb-{n}-again',
                               ['Xvfb', f':{n}', '-displayfd', '1', '-noreset', '-nolisten', 'tcp',
                                '-screen', '0', '1280x800x24'], stdout_pipe=True)
        line = proc.read_line(dbktest.DEADLINE)
        self.test.assertEqual((line or '').strip(), str(n),
                              f'Xvfb did not start again on :{n}:\n{proc.output()}')
        self.proc = proc

    def kill(self):
        """Dies as in a crash, then removes the socket file a clean exit
        would have removed (with -displayfd Xvfb writes no lock file; one
        that is there now belongs to a server that took the number since)."""
        self.proc.signal(signal.SIGKILL)
        self.test.assertIsNotNone(self.proc.wait(dbktest.DEADLINE), 'Xvfb survived SIGKILL')
        if not os.path.exists(self.lock_path(self.number)):
            try:
                os.unlink(self.socket_path(self.number))
            except OSError:
                pass


@unittest.skipIf(MISSING, SKIP_REASON)
class X11Test(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.x = XServer(self)

    def start_x11_daemon(self, env=None, **kw):
        """deskbreakd with source=x11 on our display; returns its first status.
        Starts at the keyboard, so a slow start is never taken for idleness."""
        self.x.key()
        self.start_daemon(env=env or self.x.env(), source='x11', **kw)
        st = self.status()
        if st['idle_source'] != 'x11':
            detail = st.get('idle_source_detail', '')
            if 'not built' in detail:
                self.skipTest(f'deskbreakd without the x11 source: {detail}')
            if 'DESKBREAK_DEBUG_X11_POLL' in detail:
                self.skipTest(f'deskbreakd without the MIT-SCREEN-SAVER fallback: {detail}')
            self.fail(f'idle source {st["idle_source"]!r}, not x11: {detail}')
        return st

    def type_for(self, seconds, every=1.0):
        """A key every `every` s for `seconds`; returns the time of the last one."""
        end = time.monotonic() + seconds
        while True:
            _, last = self.x.key()
            if time.monotonic() >= end:
                return last
            self.settle(every)

    def hands_off_until_natural_break(self):
        """The last input now; waits for the natural break it makes and checks
        its timing: natural-break after that input, not after the idle report."""
        t_before, t_last = self.x.key()
        t_break, _ = self.wait_signal('BreakTaken', ('natural',), after=t_last)
        self.assertGreaterEqual(t_break, t_before + NATURAL_BREAK - MARGIN,
                                'natural break before natural-break of idleness')
        self.assertLess(t_break, t_last + NATURAL_BREAK + LATE,
                        'natural break late: idleness not timed from the last input')
        st = self.status()
        self.assertEqual(st['state'], 'away')
        self.assertEqual(st['sitting_usec'], 0)
        return st

    def test_short_idle_keeps_session_natural_break_ends_it(self):
        st = self.start_x11_daemon(interval='1h', break_length=f'{BREAK_LENGTH}s',
                                   natural_break=f'{NATURAL_BREAK}s')
        self.assertEqual(st['state'], 'sitting')
        since = st['sitting_since']

        # Hands off past the threshold (break-length here): a short idle.
        _, t_key = self.x.key()
        st = self.wait_state('idle')
        self.assertGreaterEqual(time.time(), t_key + BREAK_LENGTH - MARGIN,
                                'idle before break-length without input')
        self.assertSameStamp(st['sitting_since'], since)

        # Input during the short idle: sitting again, the same session.
        self.x.move()
        st = self.wait_state('sitting')
        self.assertSameStamp(st['sitting_since'], since)
        self.assertEqual(self.breaks_taken(), [])

        # Hands off for natural-break: a natural break.
        st = self.hands_off_until_natural_break()
        self.assertEqual(st['breaks_today'], 1)

        # Back at the desk: a new session from that input.
        t_back, _ = self.x.move()
        st = self.wait_state('sitting')
        self.assertGreaterEqual(st['sitting_since'] / SEC, t_back - MARGIN)
        self.assertGreater(st['sitting_since'], since)
        self.assertEqual(self.breaks_taken(), ['natural'])

    def test_due_break_completes_after_break_length(self):
        self.start_x11_daemon(interval='6s', break_length=f'{BREAK_LENGTH}s',
                              natural_break='1m',
                              extra=f'[timer]\nwait-for-pause={WAIT_FOR_PAUSE}s\n')
        # Work until past the interval: the reminder waits for the first
        # pause in typing, the threshold lowered to wait-for-pause meanwhile.
        t_typed = self.type_for(7, every=0.5)
        t_shown, _ = self.wait_signal('ReminderShown')
        self.assertLess(t_shown, t_typed + WAIT_FOR_PAUSE + 2.5,
                        'the lowered threshold (wait-for-pause) was not taken up')
        self.assertEqual(self.status()['state'], 'due')
        # Working on through the reminder is no break.
        t_last = self.type_for(BREAK_LENGTH + 2, every=1.0)
        self.assertEqual(self.breaks_taken(), [])
        self.assertEqual(self.status()['state'], 'due')
        # Hands off for break-length completes it.
        t_break, _ = self.wait_signal('BreakTaken', ('break-length',), after=t_last)
        self.assertGreaterEqual(t_break, t_last + BREAK_LENGTH - MARGIN)
        st = self.status()
        self.assertEqual(st['state'], 'away')
        self.assertEqual(st['breaks_today'], 1)
        self.x.key()
        self.wait_state('sitting')
        self.assertEqual(len(self.reminders_shown()), 1)

    def test_threshold_changes_apply_at_once(self):
        # Threshold 20 s (break-length), natural-break 30 s.
        st = self.start_x11_daemon(interval='1h', break_length='20s', natural_break='30s')
        since = st['sitting_since']
        t_before, t_last = self.x.key()
        self.settle(BREAK_LENGTH + 1)
        self.assertEqual(self.status()['state'], 'sitting')

        # Lowered below the idle time so far: idle at once, since the last input.
        self.write_config(interval='1h', break_length=f'{BREAK_LENGTH}s',
                          natural_break=f'{NATURAL_BREAK}s', source='x11')
        self.call('Reload')
        st = self.wait_state('idle')
        self.assertSameStamp(st['sitting_since'], since)
        t_break, _ = self.wait_signal('BreakTaken', ('natural',))
        self.assertGreaterEqual(t_break, t_before + NATURAL_BREAK - MARGIN)
        self.assertLess(t_break, t_last + NATURAL_BREAK + LATE,
                        'idleness not timed from the last input')
        self.x.key()
        self.wait_state('sitting')

        # Raised again: the old threshold passes without an idle report.
        self.write_config(interval='1h', break_length='20s', natural_break='30s', source='x11')
        self.call('Reload')
        self.x.key()
        self.settle(BREAK_LENGTH + 1.5)
        self.assertEqual(self.status()['state'], 'sitting')
        self.assertEqual(self.breaks_taken(), ['natural'])

    def test_screensaver_fallback_polls(self):
        st = self.start_x11_daemon(env=self.x.env(DESKBREAK_DEBUG_X11_POLL='1'), interval='1h',
                                   break_length=f'{BREAK_LENGTH}s',
                                   natural_break=f'{NATURAL_BREAK}s')
        since = st['sitting_since']
        self.assertIn('polling MIT-SCREEN-SAVER', self.daemon_log())

        _, t_key = self.x.key()
        st = self.wait_state('idle')
        self.assertGreaterEqual(time.time(), t_key + BREAK_LENGTH - MARGIN)
        self.assertSameStamp(st['sitting_since'], since)
        self.x.key()
        st = self.wait_state('sitting')
        self.assertSameStamp(st['sitting_since'], since)

        self.hands_off_until_natural_break()
        t_back, _ = self.x.move()
        st = self.wait_state('sitting')
        self.assertGreaterEqual(st['sitting_since'] / SEC, t_back - MARGIN)

    def test_x_server_dying_keeps_daemon_and_session(self):
        st = self.start_x11_daemon(interval='1h', break_length=f'{BREAK_LENGTH}s',
                                   natural_break='1m')
        since = st['sitting_since']
        self.x.key()
        self.x.kill()

        def moved_on():
            st = self.status()
            return st if st['idle_source'] != 'x11' else None
        st = self.wait_until(moved_on, what='another idle source once the X server died')
        self.assertTrue(self.daemon.alive())
        # Nothing else works here: every moment counts as sitting.
        self.assertEqual(st['idle_source'], 'none')
        self.assertIn('x11', st['idle_source_detail'])
        self.assertEqual(st['state'], 'sitting')
        self.assertSameStamp(st['sitting_since'], since)
        self.assertEqual(self.breaks_taken(), [])
        self.assertIn('the X server closed the connection', self.daemon_log())
        self.cli_ok('status')

        # The X server comes back (its socket is created again): the daemon
        # returns to x11 by itself, in the same sitting session.
        self.x.restart()
        self.wait_until(lambda: self.status()['idle_source'] == 'x11',
                        what='the x11 source back once the X server returned')
        st = self.status()
        self.assertSameStamp(st['sitting_since'], since)
        self.assertEqual(self.breaks_taken(), [])


@unittest.skipIf(MISSING, SKIP_REASON)
class X11NoDisplayTest(DeskbreakTestCase):
    def test_without_display_says_why(self):
        self.start_daemon(interval='1h', source='x11')  # the harness clears DISPLAY
        st = self.status()
        if 'not built' in st['idle_source_detail']:
            self.skipTest(f'deskbreakd without the x11 source: {st["idle_source_detail"]}')
        self.assertEqual(st['idle_source'], 'none')
        self.assertIn('x11: DISPLAY is not set', st['idle_source_detail'])


if __name__ == '__main__':
    if MISSING:
        dbktest.log(f'SKIP: {SKIP_REASON}')
        sys.exit(dbktest.SKIP_EXIT)
    dbktest.main()
