#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The two rules whose shortest allowed duration is a minute: an ignored
reminder repeating after remind-again (1m minimum) and a snooze ending
(1m minimum). About 70 s each; meson runs each class as its own test so
they overlap with the rest of the suite."""

import dbktest
from dbktest import SEC, DeskbreakTestCase

INTERVAL = 6
MARGIN = 1.0
LONG_DEADLINE = 100.0


class RepeatTest(DeskbreakTestCase):
    def test_ignored_reminder_repeats_critical(self):
        self.start_notify_mock()
        self.start_daemon(interval=f'{INTERVAL}s', break_length='5s', remind_again='1m',
                          urgency='low')
        self.wait_until(lambda: self.reminders_shown(), what='first reminder')
        t1 = self.signals.of('ReminderShown')[0][0]
        first = self.wait_notify_calls('Notify', 1)[0]
        self.assertEqual(first[1], 0)
        self.assertEqual(first[6].get('urgency'), 0)
        st = self.status()
        self.assertEqual(st['times_shown'], 1)
        self.assertAlmostEqual(st['next_reminder'] / SEC, t1 + 60, delta=2)
        repeat_at = st['next_reminder'] / SEC

        self.wait_until(lambda: len(self.reminders_shown()) >= 2, LONG_DEADLINE,
                        'the ignored reminder shown again')
        t2 = self.signals.of('ReminderShown')[1][0]
        self.assertGreaterEqual(t2, repeat_at - MARGIN, 'repeated before remind-again')
        stretch = self.reminders_shown()[0][0]
        self.assertEqual(self.reminders_shown()[1], (stretch, 2))
        second = self.wait_notify_calls('Notify', 2)[1]
        self.assertEqual(second[1], 1, 'the repeat replaces the first notification')
        self.assertIn(stretch.split('-')[0], second[3].lower(), 'the repeat names the same stretch')
        self.assertEqual(second[6].get('urgency'), 2, 'repeats are critical')
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertEqual(st['times_shown'], 2)
        # Still one notification on screen: no CloseNotification in between.
        self.assertEqual(self.notify_calls('CloseNotification'), [])
        # Snooze closes it.
        self.cli_ok('snooze')
        self.assertEqual(self.wait_notify_calls('CloseNotification', 1)[0][0], 1)


class SnoozeEndTest(DeskbreakTestCase):
    def test_snooze_end_reminds_at_once(self):
        self.start_notify_mock()
        self.start_daemon(interval=f'{INTERVAL}s', break_length='5s', snooze='1m')
        self.wait_until(lambda: self.reminders_shown(), what='first reminder')
        self.cli_ok('snooze', '1m')
        st = self.status()
        self.assertEqual(st['state'], 'snoozed')
        until = st['snoozed_until'] / SEC
        self.wait_until(lambda: len(self.reminders_shown()) >= 2, LONG_DEADLINE,
                        'the reminder when the snooze ends')
        t2 = self.signals.of('ReminderShown')[1][0]
        self.assertGreaterEqual(t2, until - MARGIN, 'reminded before the snooze ended')
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertEqual(st['snoozed_until'], 0)
        self.assertEqual(st['times_shown'], 1)
        self.assertEqual(len(self.notify_calls('Notify')), 2)


if __name__ == '__main__':
    dbktest.main()
