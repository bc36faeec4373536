#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Snooze, pause and resume through the CLI and D-Bus, with source=none."""

import time

import dbktest
from dbktest import SEC, MIN, DeskbreakTestCase, now_usec

INTERVAL = 6
MARGIN = 1.0


class SnoozePauseTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_daemon(interval=f'{INTERVAL}s', break_length='5s', snooze='5m')

    def wait_due(self, count=1):
        self.wait_until(lambda: len(self.reminders_shown()) >= count, what=f'reminder #{count}')
        return self.wait_state('due')

    def test_cli_snooze_while_due_then_resume(self):
        self.wait_due()
        before = now_usec()
        r = self.cli_ok('snooze', '1m')
        self.assertIn('Snoozed', r.stdout)
        st = self.status()
        self.assertEqual(st['state'], 'snoozed')
        self.assertAlmostEqual(st['snoozed_until'], before + 1 * MIN, delta=3 * SEC)
        self.assertEqual(st['snoozes_today'], 1)
        self.assertEqual(self.get_property('SnoozedUntil').unpack(), st['snoozed_until'])
        # The reminder on screen goes away.
        self.assertEqual(self.wait_notify_calls('CloseNotification', 1)[0][0], 1)
        # Resume: sitting time is past the interval, so the reminder comes at once.
        self.cli_ok('resume')
        self.wait_until(lambda: len(self.reminders_shown()) >= 2, what='reminder after resume')
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertEqual(st['snoozed_until'], 0)
        self.assertEqual(len(self.notify_calls('Notify')), 2)

    def test_cli_snooze_default_while_sitting(self):
        before = now_usec()
        self.cli_ok('snooze')
        st = self.status()
        self.assertEqual(st['state'], 'snoozed')
        self.assertAlmostEqual(st['snoozed_until'], before + 5 * MIN, delta=3 * SEC)
        # No reminder during the snooze, though the interval passes.
        self.settle(INTERVAL + MARGIN)
        self.assertEqual(self.reminders_shown(), [])
        st = self.status()
        self.assertEqual(st['state'], 'snoozed')
        self.assertGreaterEqual(st['sitting_usec'], INTERVAL * SEC)
        self.assertEqual(st['next_reminder'], st['snoozed_until'])

    def test_break_clears_snooze(self):
        self.call('Snooze', (0,), '(t)', '(x)')
        self.cli_ok('break')
        self.wait_signal('BreakTaken', ('command',))
        st = self.status()
        self.assertEqual(st['state'], 'sitting')
        self.assertEqual(st['snoozed_until'], 0)

    def test_cli_pause_until_resume(self):
        self.wait_due()
        r = self.cli_ok('pause')
        self.assertIn('Paused', r.stdout)
        st = self.status()
        self.assertEqual(st['state'], 'paused')
        self.assertEqual(st['paused_until'], -1)
        self.assertEqual(st['next_reminder'], 0)
        self.assertEqual(self.wait_notify_calls('CloseNotification', 1)[0][0], 1)
        # Tracking goes on, reminders do not.
        self.settle(2)
        self.assertEqual(len(self.reminders_shown()), 1)
        self.assertGreaterEqual(self.status()['sitting_usec'], (INTERVAL + 1) * SEC)
        self.cli_ok('resume')
        self.wait_until(lambda: len(self.reminders_shown()) >= 2, what='reminder after resume')
        self.assertEqual(self.status()['state'], 'due')

    def test_cli_pause_duration(self):
        before = now_usec()
        r = self.cli_ok('pause', '2m')
        self.assertIn('Paused', r.stdout)
        st = self.status()
        self.assertEqual(st['state'], 'paused')
        self.assertAlmostEqual(st['paused_until'], before + 2 * MIN, delta=3 * SEC)
        self.assertEqual(self.get_property('PausedUntil').unpack(), st['paused_until'])
        self.cli_ok('resume')
        st = self.status()
        self.assertIn(st['state'], ('sitting', 'due'))
        self.assertEqual(st['paused_until'], 0)

    def test_timed_pause_ends_with_reminder(self):
        self.wait_due()
        t_pause = time.time()
        self.call('Pause', (3 * SEC,), '(t)')
        self.assertEqual(self.status()['state'], 'paused')
        # When the pause ends the sitting time is past the interval: remind at once.
        self.wait_until(lambda: len(self.reminders_shown()) >= 2, what='reminder after the pause')
        t = self.signals.of('ReminderShown')[1][0]
        self.assertGreaterEqual(t, t_pause + 3 - MARGIN, 'reminder before the pause ended')
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertEqual(st['paused_until'], 0)

    def test_pause_over_snooze_and_resume_ends_both(self):
        self.call('Snooze', (0,), '(t)', '(x)')
        self.call('Pause', (0,), '(t)')
        self.assertEqual(self.status()['state'], 'paused')
        self.cli_ok('resume')
        st = self.status()
        self.assertEqual(st['snoozed_until'], 0)
        self.assertEqual(st['paused_until'], 0)
        self.assertIn(st['state'], ('sitting', 'due'))

    def test_resume_when_neither(self):
        r = self.cli('resume')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.status()['state'], 'sitting')


if __name__ == '__main__':
    dbktest.main()
