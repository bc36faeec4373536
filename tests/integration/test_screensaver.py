#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The screensaver idle source (org.freedesktop.ScreenSaver's
GetSessionIdleTime, polled adaptively), against tests/mock-screensaver.py:
idleness turns into a natural break, input starts a new session, and a
desktop that answers NotSupported (KDE on Wayland) is passed over."""

import os
import time

import dbktest
from dbktest import SEC, DeskbreakTestCase

MOCK = os.path.join(dbktest.SOURCE_DIR, 'tests', 'mock-screensaver.py')
NAME = 'org.freedesktop.ScreenSaver'
NATURAL_BREAK = 10
MARGIN = 1.0


class ScreenSaverSourceTest(DeskbreakTestCase):
    def start_screensaver(self, *args):
        proc = self.spawn('mock-screensaver', [dbktest.PYTHON, MOCK, *args], stdout_pipe=True)
        line = proc.read_line(dbktest.DEADLINE)
        if line is None or 'ready' not in line:
            self.fail(f'mock-screensaver did not say ready:\n{proc.output()}')
        self.wait_name(NAME, proc)
        return proc

    def user_input(self):
        self.bus.call(NAME, '/org/freedesktop/ScreenSaver', NAME, 'SimulateUserActivity', None)

    def test_idle_natural_break_and_return(self):
        self.start_notify_mock()
        self.start_screensaver()
        self.start_daemon(interval='1h', break_length='5s', natural_break=f'{NATURAL_BREAK}s',
                          source='auto')
        st = self.status()
        self.assertEqual(st['idle_source'], 'screensaver')
        t_last = time.time()
        self.user_input()
        self.wait_state('idle')
        t_break, _ = self.wait_signal('BreakTaken', ('natural',))
        self.assertGreaterEqual(t_break, t_last + NATURAL_BREAK - MARGIN)
        self.assertEqual(self.status()['state'], 'away')

        t_back = time.time()
        self.user_input()
        st = self.wait_state('sitting')
        self.assertGreaterEqual(st['sitting_since'] / SEC, t_back - MARGIN)

    def test_not_supported_is_passed_over(self):
        self.start_notify_mock()
        self.start_screensaver('--not-supported')
        self.start_daemon(interval='1h', source='auto')
        st = self.status()
        self.assertEqual(st['idle_source'], 'none')
        self.assertIn('screensaver', st['idle_source_detail'])
        self.assertIn('not supported', st['idle_source_detail'].lower())


if __name__ == '__main__':
    dbktest.main()
