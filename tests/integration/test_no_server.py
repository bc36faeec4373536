#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""No notification server on the bus: the reminder goes to stderr, the
daemon keeps running, and the due reminder is shown once a server appears
(and again after the server is replaced). A server that takes the name a
moment before it answers (GNOME Shell's, tests/mock-slow-notifications.py)
gets the due reminder once it answers."""

import json
import os
import time

import dbktest
from dbktest import DeskbreakTestCase

INTERVAL = 6
SLOW_MOCK = os.path.join(dbktest.SOURCE_DIR, 'tests', 'mock-slow-notifications.py')
# Generous: the daemon asks again with a backoff of up to a few seconds.
SLOW_DEADLINE = 40.0


class NoServerTest(DeskbreakTestCase):
    def test_reminder_logged_then_shown_when_server_appears(self):
        self.start_daemon(interval=f'{INTERVAL}s', break_length='5s',
                          stretches='doorway;bruegger')
        st = self.status()
        self.assertEqual(st['notification_server'], '')
        # The reminder text reaches the log.
        self.wait_until(lambda: 'doorway' in self.daemon_log().lower(),
                        what='the reminder on stderr')
        st = self.wait_state('due')
        self.assertTrue(self.daemon.alive())

        # A server arrives: the due reminder is shown there.
        self.start_notify_mock()
        calls = self.wait_notify_calls('Notify', 1)
        self.assertIn('doorway', calls[0][3].lower())
        self.wait_until(lambda: self.status()['notification_server'] == 'mock-notify',
                        what='notification_server set')
        self.assertEqual(self.status()['state'], 'due')

        # The server goes away and another one comes: shown there again,
        # as a new notification (old ids mean nothing to the new server).
        self.notify.stop()
        self.wait_until(lambda: self.status()['notification_server'] == '',
                        what='notification_server cleared')
        self.start_notify_mock()
        calls = self.wait_notify_calls('Notify', 1)
        self.assertEqual(calls[0][1], 0, 'replaces_id of a gone server must not be reused')
        # Its buttons work.
        self.emit_action(1, 'done')
        self.wait_signal('BreakTaken', ('action',))
        self.assertEqual(self.status()['state'], 'sitting')

    def test_break_without_server(self):
        self.start_daemon(interval=f'{INTERVAL}s', break_length='5s')
        self.wait_state('due')
        self.cli_ok('break')
        self.wait_signal('BreakTaken', ('command',))
        self.assertEqual(self.status()['state'], 'sitting')
        self.assertTrue(self.daemon.alive())


class SlowServerTest(DeskbreakTestCase):
    """The server owns org.freedesktop.Notifications at once and answers
    calls only two seconds after the first one reached it."""

    def start_slow_server(self):
        proc = self.spawn('slow-notify', [dbktest.PYTHON, SLOW_MOCK, '--delay', '2'],
                          stdout_pipe=True)
        self.notify = proc
        self.server_lines = []
        # The daemon may call before the stand-in hears that the name is its own.
        self.wait_server_line('ready', timeout=dbktest.DEADLINE)
        return proc

    def wait_server_line(self, prefix, timeout=SLOW_DEADLINE):
        """The stand-in's lines up to the first starting with `prefix`."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            line = self.notify.read_line(left) if left > 0 else None
            if line is None:
                self.fail(f'timed out waiting for "{prefix}" from the notification server; '
                          f'it said {self.server_lines!r}\ndaemon log:\n{self.daemon_log()}')
            self.server_lines.append(line)
            if line.startswith(prefix):
                return line

    def seen(self, prefix):
        return any(line.startswith(prefix) for line in self.server_lines)

    def test_due_reminder_reaches_server_once_it_answers(self):
        self.start_daemon(interval=f'{INTERVAL}s', break_length='5s',
                          stretches='doorway;bruegger')
        self.wait_until(lambda: 'doorway' in self.daemon_log().lower(),
                        what='the reminder on stderr')
        self.wait_state('due')

        self.start_slow_server()
        # The daemon meets it before it answers…
        if not self.seen('unanswered '):
            self.wait_server_line('unanswered ')
        self.wait_server_line('exported')
        # …and the reminder still arrives, without remind-again.
        line = self.wait_server_line('call Notify ')
        args = json.loads(line[len('call Notify '):])
        self.assertEqual(args[0], 'deskbreak')
        self.assertIn('doorway', (args[3] + args[4]).lower())
        self.wait_until(lambda: self.status()['notification_server'] == 'slow-notify',
                        timeout=SLOW_DEADLINE, what='notification_server set')
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertEqual(st['remind_again_usec'], 0)
        # The retry is logged once, not per attempt.
        self.assertEqual(self.daemon_log().count('asking it again'), 1,
                         self.daemon_log())

    def test_server_name_known_once_it_answers(self):
        self.start_daemon(interval='1h', break_length='5s')
        self.start_slow_server()
        if not self.seen('unanswered '):
            self.wait_server_line('unanswered ')
        self.wait_server_line('exported')
        self.wait_until(lambda: self.status()['notification_server'] == 'slow-notify',
                        timeout=SLOW_DEADLINE, what='notification_server set')
        self.assertEqual(self.status()['state'], 'sitting')


if __name__ == '__main__':
    dbktest.main()
