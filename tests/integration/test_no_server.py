#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""No notification server on the bus: the reminder goes to stderr, the
daemon keeps running, and the due reminder is shown once a server appears
(and again after the server is replaced)."""

import dbktest
from dbktest import DeskbreakTestCase

INTERVAL = 6


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


if __name__ == '__main__':
    dbktest.main()
