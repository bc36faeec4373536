#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Idle detection through Mutter's IdleMonitor (tests/mock-mutter.py):
input keeps a session going, idleness turns into a natural break, a due
break completes after break-length hands off, and source=auto falls back
when Mutter leaves the bus."""

import time

import dbktest
from dbktest import SEC, DeskbreakTestCase

MARGIN = 1.0
BREAK_LENGTH = 5
NATURAL_BREAK = 10


class MutterTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_mutter_mock()

    def test_source_is_mutter(self):
        self.start_daemon(interval='1h', source='mutter')
        st = self.status()
        self.assertEqual(st['idle_source'], 'mutter')
        self.assertEqual(st['state'], 'sitting')

    def test_input_keeps_session_idleness_ends_it(self):
        self.start_daemon(interval='1h', break_length=f'{BREAK_LENGTH}s',
                          natural_break=f'{NATURAL_BREAK}s', source='mutter')
        since = self.status()['sitting_since']
        # Input now and then, for longer than natural-break: one session.
        t_last = self.type_for(NATURAL_BREAK + 2, every=1.5)
        st = self.status()
        self.assertEqual(st['state'], 'sitting')
        self.assertSameStamp(st['sitting_since'], since)
        self.assertEqual(self.breaks_taken(), [])
        self.assertGreaterEqual(st['sitting_usec'], NATURAL_BREAK * SEC)

        # Hands off: a short idle first (still sitting time), then a natural break.
        st = self.wait_state('idle')
        self.assertSameStamp(st['sitting_since'], since)
        st = self.wait_natural_break(t_last, NATURAL_BREAK, MARGIN)
        self.assertEqual(st['next_reminder'], 0)

        # Back at the desk: a new session from the first input.
        st = self.come_back(MARGIN)
        self.assertAlmostEqual(st['next_reminder'], st['sitting_since'] + 3600 * SEC,
                               delta=1 * SEC)

    def test_due_break_completes_after_break_length(self):
        self.start_daemon(interval='6s', break_length=f'{BREAK_LENGTH}s',
                          natural_break='1m', source='mutter')
        # Work until past the interval; the reminder shows at the first
        # pause in typing (wait-for-pause, 2s by default).
        self.type_for(7, every=0.5)
        self.wait_signal('ReminderShown')
        self.assertEqual(self.status()['state'], 'due')
        self.work_through_then_break(BREAK_LENGTH, MARGIN)


class GentleTimingTest(DeskbreakTestCase):
    """A reminder that falls due mid-sentence waits for a pause in typing."""

    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_mutter_mock()

    def test_waits_for_a_pause_in_typing(self):
        self.start_daemon(interval='6s', break_length='5s', natural_break='1m',
                          source='mutter', extra='[timer]\nwait-for-pause=2s\n')
        # Typing every half second from before the interval to well after it.
        end = time.monotonic() + 12
        last = time.time()
        while time.monotonic() < end:
            last = time.time()
            self.user_input()
            self.settle(0.5)
        self.assertEqual(self.reminders_shown(), [], 'reminder shown in the middle of typing')
        self.assertEqual(self.status()['state'], 'sitting')
        t_shown, _ = self.wait_signal('ReminderShown')
        self.assertGreaterEqual(t_shown, last + 2 - MARGIN, 'shown before the pause')

    def test_wait_for_pause_zero_shows_at_once(self):
        self.start_daemon(interval='6s', break_length='5s', natural_break='1m',
                          source='mutter', extra='[timer]\nwait-for-pause=0\n')
        deadline = time.monotonic() + dbktest.DEADLINE
        while not self.reminders_shown():
            self.assertLess(time.monotonic(), deadline, 'no reminder while working')
            self.user_input()
            self.settle(0.5)
        self.assertEqual(self.status()['state'], 'due')


class AutoMutterTest(DeskbreakTestCase):
    def test_auto_picks_mutter_and_falls_back(self):
        self.start_notify_mock()
        mutter = self.start_mutter_mock()
        self.start_daemon(interval='1h', source='auto')
        self.assertEqual(self.status()['idle_source'], 'mutter')
        mutter.stop()
        self.wait_until(lambda: self.status()['idle_source'] == 'none',
                        what='idle_source none after Mutter left')
        self.assertTrue(self.daemon.alive())
        self.assertIn(self.status()['state'], ('sitting', 'idle', 'away'))


if __name__ == '__main__':
    dbktest.main()
