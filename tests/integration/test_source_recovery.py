#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Idle source recovery (DESIGN §5): when the source in use goes away the
daemon falls back to the next one, and when a better one comes back it
returns to it — without losing the sitting session."""

import dbktest
from dbktest import DeskbreakTestCase

# Long enough that stopping and starting the provider never makes a
# natural break by itself.
NATURAL_BREAK = '1m'
BREAK_LENGTH = 5


class SourceRecoveryTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.start_notify_mock()

    def test_falls_back_and_returns_keeping_the_session(self):
        mutter = self.start_mutter_mock()
        self.start_daemon(interval='1h', natural_break=NATURAL_BREAK,
                          break_length=f'{BREAK_LENGTH}s', source='auto')
        st = self.status()
        self.assertEqual(st['idle_source'], 'mutter')
        self.assertEqual(st['idle_source_detail'], '')
        since = st['sitting_since']

        mutter.stop()
        self.wait_until(lambda: self.get_property('IdleSource').unpack() == 'none',
                        what='fallback to none once Mutter left')
        st = self.status()
        self.assertIn('mutter', st['idle_source_detail'])
        self.assertSameStamp(st['sitting_since'], since)
        self.assertNotEqual(st['state'], 'away')

        self.start_mutter_mock()
        self.wait_until(lambda: self.status()['idle_source'] == 'mutter',
                        what='back to mutter once it returned')
        st = self.status()
        self.assertEqual(st['idle_source_detail'], '')
        self.assertSameStamp(st['sitting_since'], since)
        self.assertEqual(self.breaks_taken(), [])

        # The returned source really works: hands off is seen as idle
        # (break-length is the threshold here), input as sitting again,
        # and still the same session.
        self.user_input()
        self.wait_state('idle')
        self.user_input()
        st = self.wait_state('sitting')
        self.assertSameStamp(st['sitting_since'], since)

    def test_configured_source_that_arrives_later_is_taken(self):
        self.start_daemon(interval='1h', natural_break=NATURAL_BREAK, source='mutter')
        st = self.status()
        self.assertEqual(st['idle_source'], 'none')
        self.assertIn('mutter', st['idle_source_detail'])
        self.assertIn('configured', self.daemon_log())
        since = st['sitting_since']

        self.start_mutter_mock()
        self.wait_until(lambda: self.status()['idle_source'] == 'mutter',
                        what='the configured source taken once it appeared')
        self.assertSameStamp(self.status()['sitting_since'], since)

    def test_status_verbose_says_why_sources_were_passed_over(self):
        self.start_daemon(interval='1h', source='auto')
        out = self.cli_ok('status', '--verbose').stdout
        self.assertIn('none', out)
        self.assertIn('mutter', out)
        self.assertIn('org.gnome.Mutter.IdleMonitor', out)


if __name__ == '__main__':
    dbktest.main()
