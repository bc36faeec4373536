#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reminders with source=none (every moment counts as sitting): timing, the
notification as the server receives it, the signals, and what the buttons
(Done, Snooze, Skip) and `deskbreak break` do."""

import time

import dbktest
from dbktest import SEC, MIN, DeskbreakTestCase, now_usec

INTERVAL = 6  # seconds; the smallest that allows a valid break-length (5s .. < interval)
ACTIONS = ['done', 'snooze', 'skip']
# The lower bound on when a reminder may come is a rule; 1 s of margin for
# clock reading and scheduling.
MARGIN = 1.0


def notify_args(call):
    """Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout)."""
    keys = ('app_name', 'replaces_id', 'app_icon', 'summary', 'body', 'actions', 'hints',
            'expire_timeout')
    return dict(zip(keys, call))


class ReminderTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_daemon(interval=f'{INTERVAL}s', break_length='5s', snooze='2m',
                          stretches='bruegger;doorway')
        self.session_start = self.status()['sitting_since'] / SEC

    def wait_reminder(self, count=1, timeout=dbktest.DEADLINE, after=0.0):
        """Waits for the count-th ReminderShown and the Notify call behind it."""
        self.wait_until(lambda: len([s for s in self.signals.of('ReminderShown')
                                     if s[0] >= after]) >= count,
                        timeout, f'ReminderShown #{count}')
        calls = self.wait_notify_calls('Notify', count)
        return notify_args(calls[count - 1])

    def test_first_reminder(self):
        n = self.wait_reminder()
        t = self.signals.of('ReminderShown')[0][0]
        self.assertGreaterEqual(t, self.session_start + INTERVAL - MARGIN,
                                'reminder came before the interval was up')
        self.assertEqual(self.reminders_shown(), [('bruegger', 1)])
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertEqual(st['times_shown'], 1)
        self.assertEqual(st['reminders_today'], 1)
        self.assertGreaterEqual(st['sitting_usec'], (INTERVAL - MARGIN) * SEC)
        # remind-again=0: nothing further is scheduled.
        self.assertEqual(st['next_reminder'], 0)

        # The notification as the server got it.
        self.assertEqual(n['app_name'].lower(), 'deskbreak')
        self.assertEqual(n['replaces_id'], 0)
        self.assertIn('bruegger', n['summary'].lower(), 'summary should name the stretch')
        self.assertTrue(n['body'].strip(), 'body should give the steps')
        self.assertGreaterEqual(len(n['body'].strip().splitlines()), 2,
                                f'body should give the stretch in steps: {n["body"]!r}')
        self.assertIn('symbolic', n['app_icon'], 'a symbolic icon')
        actions = n['actions']
        self.assertEqual(len(actions), 6, f'actions: {actions}')
        self.assertEqual(actions[0::2], ACTIONS)
        labels = actions[1::2]
        self.assertEqual(labels[0], 'Done')
        self.assertTrue(labels[1].startswith('Snooze'), labels[1])
        self.assertIn('2m', labels[1], 'Snooze label names the configured duration')
        self.assertEqual(labels[2], 'Skip')
        hints = n['hints']
        self.assertEqual(hints.get('desktop-entry'), 'deskbreak')
        self.assertEqual(hints.get('category'), 'presence')
        self.assertEqual(hints.get('urgency'), 1, 'urgency normal for the first reminder')

    def test_break_command_then_next_stretch(self):
        self.wait_reminder()
        due = self.status()
        t_break = time.time()  # the break happens after this
        self.cli_ok('break')
        self.wait_signal('BreakTaken', ('command',))
        closes = self.wait_notify_calls('CloseNotification', 1)
        self.assertEqual(closes[0][0], 1, 'CloseNotification for the id Notify returned')
        st = self.status()
        self.assertEqual(st['state'], 'sitting')
        self.assertLess(st['sitting_usec'], due['sitting_usec'])
        self.assertGreater(st['sitting_since'], due['sitting_since'])
        self.assertEqual(st['breaks_today'], 1)
        self.assertEqual(st['times_shown'], 0)
        self.assertAlmostEqual(st['next_reminder'], st['sitting_since'] + INTERVAL * SEC,
                               delta=1 * SEC)

        # The next reminder, an interval later, suggests the next stretch.
        self.assertEqual(st['next_stretch'], 'doorway')
        n = self.wait_reminder(count=2)
        t = self.signals.of('ReminderShown')[1][0]
        self.assertGreaterEqual(t, t_break + INTERVAL - MARGIN)
        self.assertEqual(self.reminders_shown(), [('bruegger', 1), ('doorway', 1)])
        self.assertIn('doorway', n['summary'].lower())
        # A new reminder after a break is a new notification, not a repeat.
        self.assertEqual(n['replaces_id'], 0)
        self.assertEqual(n['hints'].get('urgency'), 1)
        self.assertEqual(self.status()['reminders_today'], 2)

    def test_action_done(self):
        self.wait_reminder()
        self.emit_action(1, 'done')
        self.wait_signal('BreakTaken', ('action',))
        st = self.status()
        self.assertEqual(st['state'], 'sitting')
        self.assertEqual(st['breaks_today'], 1)
        self.assertLess(st['sitting_usec'], (INTERVAL - MARGIN) * SEC)

    def test_action_snooze(self):
        self.wait_reminder()
        before = now_usec()
        self.emit_action(1, 'snooze')
        st = self.wait_state('snoozed')
        self.assertAlmostEqual(st['snoozed_until'], before + 2 * MIN, delta=3 * SEC)
        self.assertEqual(st['snoozes_today'], 1)
        self.assertEqual(self.breaks_taken(), [])
        # Sitting time keeps counting through a snooze.
        self.assertGreaterEqual(st['sitting_usec'], (INTERVAL - MARGIN) * SEC)

    def test_action_skip(self):
        self.wait_reminder()
        t_skip = time.time()
        self.emit_action(1, 'skip')
        st = self.wait_until(lambda: self.status()['state'] == 'sitting' and self.status(),
                             what='state sitting after Skip')
        self.assertEqual(st['skips_today'], 1)
        self.assertEqual(self.breaks_taken(), [])
        self.assertAlmostEqual(st['next_reminder'] / SEC, t_skip + INTERVAL, delta=2)
        # No reminder for another interval, then one.
        self.wait_reminder(count=2)
        t = self.signals.of('ReminderShown')[1][0]
        self.assertGreaterEqual(t, t_skip + INTERVAL - MARGIN)

    def test_dismiss_and_unknown_actions_are_no_break(self):
        self.wait_reminder()
        # Closing the bubble is not a break; neither is a button we did not offer,
        # nor a button of someone else's notification.
        self.emit_closed(1, 2)
        self.emit_action(1, 'bogus')
        self.emit_action(12345, 'done')
        self.settle(0.5)
        self.assertEqual(self.status()['state'], 'due')
        self.assertEqual(self.breaks_taken(), [])
        self.assertTrue(self.daemon.alive())


class OtherServerTest(DeskbreakTestCase):
    def test_server_without_actions_and_low_urgency(self):
        self.start_notify_mock(capabilities='body')
        self.start_daemon(interval=f'{INTERVAL}s', break_length='5s', urgency='low')
        self.wait_signal('ReminderShown')
        n = notify_args(self.wait_notify_calls('Notify', 1)[0])
        self.assertEqual(n['actions'], [], 'no actions offered to a server without "actions"')
        self.assertTrue(n['body'].strip())
        self.assertEqual(n['hints'].get('urgency'), 0, 'urgency=low')

if __name__ == '__main__':
    dbktest.main()
