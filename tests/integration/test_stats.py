#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`deskbreak stats` against the real daemon's GetHistory: the JSON (every
documented key, the days asked for, oldest first and today last, the same
counts as the daemon's), the human output (today, a row a day, block
bars in a UTF-8 locale and plain ASCII otherwise, colour only on a
terminal and never with NO_COLOR), and usage errors."""

import datetime
import json
import os
import pty
import re
import subprocess

import dbktest
from dbktest import DESKBREAK, DeskbreakTestCase

EXIT_USAGE = 2

DAY_KEYS = {'date', 'sitting_usec', 'longest_usec', 'reminders', 'breaks', 'breaks_by_kind',
            'snoozes', 'skips'}
BREAK_KINDS = {'break-length', 'action', 'command', 'natural', 'lock', 'suspend'}

ROW = re.compile(r'^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{4}-\d{2}-\d{2}) ')
ESCAPE = '\033['


def history_call(test, days):
    return test.call('GetHistory', (days,), '(u)', '(aa{sv})').unpack()[0]


class StatsTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_daemon(interval='6s', break_length='5s', snooze='2m')
        # A reminder, a snooze and a break today.
        self.wait_until(lambda: self.reminders_shown(), what='the reminder')
        self.cli_ok('snooze')
        self.cli_ok('break')
        self.wait_signal('BreakTaken', ('command',))

    def stats_json(self, *args):
        r = self.cli_ok('stats', '--json', *args)
        self.assertEqual(r.stdout.count('\n'), 1, 'one line')
        try:
            return json.loads(r.stdout)
        except ValueError as e:
            self.fail(f'deskbreak stats --json is not JSON ({e}): {r.stdout!r}')

    def test_json(self):
        data = self.stats_json()
        self.assertEqual(set(data), {'days'})
        days = data['days']
        self.assertEqual(len(days), 7, 'a week by default')
        for day in days:
            self.assertEqual(set(day), DAY_KEYS, day)
            self.assertIsInstance(day['date'], str)
            for key in DAY_KEYS - {'date', 'breaks_by_kind'}:
                self.assertIsInstance(day[key], int, key)
                self.assertGreaterEqual(day[key], 0, key)
            self.assertEqual(set(day['breaks_by_kind']), BREAK_KINDS)
            self.assertTrue(all(isinstance(n, int) for n in day['breaks_by_kind'].values()))
        # Consecutive days, oldest first, today (local) last.
        dates = [datetime.date.fromisoformat(d['date']) for d in days]
        self.assertEqual(dates[-1], datetime.date.today())
        for a, b in zip(dates, dates[1:]):
            self.assertEqual((b - a).days, 1, dates)

        today = days[-1]
        self.assertGreaterEqual(today['reminders'], 1)
        self.assertGreaterEqual(today['snoozes'], 1)
        self.assertGreaterEqual(today['breaks'], 1)
        self.assertGreaterEqual(today['breaks_by_kind']['command'], 1)
        self.assertGreater(today['sitting_usec'], 0)
        # The daemon's own numbers (sitting time aside: it grows meanwhile).
        for ours, theirs in zip(days, history_call(self, 7)):
            self.assertEqual(ours['date'], theirs['date'])
            for key in ('reminders', 'breaks', 'snoozes', 'skips'):
                self.assertEqual(ours[key], theirs[key], f'{ours["date"]} {key}')
            self.assertEqual(ours['breaks_by_kind'], dict(theirs['breaks_by_kind']))

    def test_days(self):
        for n in (1, 30, 1000):
            with self.subTest(days=n):
                days = self.stats_json('--days', str(n))['days']
                self.assertEqual(len(days), n)
                self.assertEqual(days[-1]['date'], datetime.date.today().isoformat())
        self.assertEqual(len(self.stats_json('--days=3')['days']), 3)

    def test_human(self):
        r = self.cli_ok('stats')
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith('Today: '), r.stdout)
        self.assertRegex(lines[0], r'\b1 break\b|\b\d+ breaks\b')
        self.assertRegex(r.stdout, r'\d+ reminders?\b')
        rows = [l for l in lines if ROW.match(l)]
        self.assertEqual(len(rows), 7, r.stdout)
        self.assertEqual(ROW.match(rows[-1]).group(2), datetime.date.today().isoformat())
        self.assertEqual(ROW.match(rows[-1]).group(1), datetime.date.today().strftime('%a'))
        # C.UTF-8 (the tests' locale): block bars; not a terminal: no colour.
        self.assertIn('\u2588', rows[-1])
        self.assertNotIn(ESCAPE, r.stdout)
        self.assertEqual(len(self.cli_ok('stats', '--days', '2').stdout.splitlines()), 3 + 2 + 1)

    def test_ascii_locale(self):
        r = self.cli_ok('stats', env=self.base_env(LC_ALL='C'))
        self.assertTrue(r.stdout.isascii(), r.stdout)
        self.assertRegex(r.stdout.splitlines()[-1], r'  #+ ')

    def run_on_terminal(self, *args, **env):
        """Runs deskbreak with stdout on a pseudo-terminal; returns its output."""
        primary, secondary = pty.openpty()
        try:
            proc = subprocess.Popen([DESKBREAK] + list(args), env=self.base_env(**env),
                                    stdin=subprocess.DEVNULL, stdout=secondary,
                                    stderr=subprocess.PIPE)
            os.close(secondary)
            secondary = -1
            out = b''
            while True:
                try:
                    chunk = os.read(primary, 4096)
                except OSError:  # EIO: the other side closed
                    break
                if not chunk:
                    break
                out += chunk
            _, err = proc.communicate(timeout=30)
            self.assertEqual(proc.returncode, 0, err)
            return out.decode('utf-8')
        finally:
            os.close(primary)
            if secondary >= 0:
                os.close(secondary)

    def test_colour_only_on_a_terminal_without_no_color(self):
        out = self.run_on_terminal('stats', TERM='xterm')
        self.assertIn(ESCAPE, out)
        self.assertIn('Today:', out)
        # https://no-color.org: any non-empty NO_COLOR turns it off…
        for value in ('1', 'yes', '0'):
            with self.subTest(NO_COLOR=value):
                self.assertNotIn(ESCAPE, self.run_on_terminal('stats', TERM='xterm',
                                                              NO_COLOR=value))
        # …an empty one does not.
        self.assertIn(ESCAPE, self.run_on_terminal('stats', TERM='xterm', NO_COLOR=''))
        # JSON never has colour.
        self.assertNotIn(ESCAPE, self.run_on_terminal('stats', '--json', TERM='xterm'))


class StatsUsageTest(DeskbreakTestCase):
    needs_daemon = False

    def test_usage_errors(self):
        for args, word in ((['--days', '0'], '0'), (['--days', '1001'], '1001'),
                           (['--days', 'week'], 'week'), (['--days', '-3'], '-3'),
                           (['--days', '7d'], '7d'), (['--days'], 'days'),
                           (['--days='], 'days'), (['--bogus'], '--bogus'),
                           (['extra'], 'extra')):
            with self.subTest(args=args):
                r = self.cli('stats', *args)
                self.assertEqual(r.returncode, EXIT_USAGE, f'{args}: {r.stdout} {r.stderr}')
                self.assertIn(word, r.stderr)
                self.assertEqual(r.stdout, '')

    def test_unreachable(self):
        r = self.cli('stats')
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertRegex(r.stderr, r'deskbreakd|systemctl')


if __name__ == '__main__':
    dbktest.main()
