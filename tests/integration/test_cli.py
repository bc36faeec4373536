#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The deskbreak CLI against the real daemon: status (human and JSON),
stretches, usage errors, refusals and exit codes, an unreachable daemon,
and the config subcommands."""

import os
import re
import subprocess

import dbktest
from dbktest import SEC, MIN, DeskbreakTestCase, config_text, now_usec

INTERVAL = 6

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3

# The documented JSON keys: GetStatus's, one to one.
JSON_KEYS = ('state', 'sitting_usec', 'sitting_since', 'interval_usec', 'break_length_usec',
             'natural_break_usec', 'snooze_usec', 'remind_again_usec', 'next_reminder',
             'snoozed_until', 'paused_until', 'idle_source', 'idle_source_detail', 'locked',
             'config_path', 'config_error', 'notification_server', 'next_stretch',
             'stretches', 'times_shown', 'breaks_today', 'reminders_today', 'snoozes_today',
             'skips_today', 'version')

SIX_STRETCHES = 6


def stretch_ids(text, marked_only=False):
    """Ids from `deskbreak stretches`: lines "<mark> <id>  <title>", the
    mark "*" for those in the rotation."""
    ids = []
    for line in text.splitlines():
        m = re.match(r'^([* ]) ([a-z][a-z0-9-]*)\s{2,}\S', line)
        if m and (m.group(1) == '*' or not marked_only):
            ids.append(m.group(2))
    return ids


class StatusOutputTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_daemon(interval=f'{INTERVAL}s', break_length='5s', snooze='4m')

    def status_text(self, *extra):
        r = self.cli_ok('status', *extra)
        self.assertTrue(r.stdout.strip())
        return r.stdout

    def test_human_status_each_state(self):
        text = self.status_text()
        self.assertRegex(text.lower(), r'sit|sat', text)
        self.assertLessEqual(len(text.strip().splitlines()), 3,
                             f'a glance, not a report:\n{text}')
        # source=none is worth a word.
        self.assertIn('idle', text.lower())

        self.wait_until(lambda: self.reminders_shown(), what='reminder')
        text = self.status_text()
        self.assertIn('break', text.lower(), text)
        self.assertIn('deskbreak break', text, 'the due status says how to record the break')

        self.cli_ok('snooze')
        text = self.status_text()
        self.assertIn('snoozed', text.lower(), text)

        self.cli_ok('pause')
        text = self.status_text()
        self.assertIn('paused', text.lower(), text)
        self.assertIn('resume', text.lower(), text)

        self.cli_ok('resume')
        self.assertEqual(self.status()['state'], 'due')

    def test_verbose_status(self):
        text = self.status_text('--verbose')
        self.assertIn(self.config_path, text)
        self.assertIn('none', text)
        self.assertIn('mock-notify', text)
        self.assertIn(self.status()['version'], text)

    def test_json_status(self):
        data = self.cli_json()
        for key in JSON_KEYS:
            self.assertIn(key, data, f'--json lacks "{key}"')
        st = self.status()
        for key in ('state', 'interval_usec', 'config_path', 'config_error', 'idle_source',
                    'stretches', 'version', 'snoozed_until', 'paused_until', 'locked'):
            self.assertEqual(data[key], st[key], key)
        self.assertIsInstance(data['sitting_usec'], int)
        self.assertIsInstance(data['locked'], bool)
        self.assertAlmostEqual(data['sitting_since'], st['sitting_since'], delta=1 * SEC)
        # Negative values survive: paused until resume is -1.
        self.cli_ok('pause')
        data = self.cli_json()
        self.assertEqual(data['state'], 'paused')
        self.assertEqual(data['paused_until'], -1)

    def test_json_is_one_line(self):
        r = self.cli_ok('status', '--json')
        self.assertEqual(r.stdout.count('\n'), 1)
        self.assertTrue(r.stdout.endswith('\n'))

    def test_stretches(self):
        r = self.cli_ok('stretches')
        ids = stretch_ids(r.stdout)
        self.assertEqual(len(ids), SIX_STRETCHES, r.stdout)
        self.assertEqual(len(set(ids)), len(ids))
        self.assertIn('bruegger', ids)
        self.assertIn('doorway', ids)
        # The rotation in force (the default here) is marked.
        self.assertEqual(stretch_ids(r.stdout, marked_only=True), ['bruegger', 'doorway'],
                         r.stdout)

    def test_stretch_by_name(self):
        r = self.cli_ok('stretch', 'bruegger')
        self.assertIn("Bruegger", r.stdout)
        steps = [l for l in r.stdout.splitlines() if re.match(r'^\s*\d\.\s+\S', l)]
        self.assertGreaterEqual(len(steps), 2, r.stdout)
        # Every stretch listed can be shown.
        for sid in stretch_ids(self.cli_ok('stretches').stdout):
            with self.subTest(stretch=sid):
                self.assertTrue(self.cli_ok('stretch', sid).stdout.strip())

    def test_stretch_next(self):
        # Without a name: the one the next reminder suggests.
        r = self.cli_ok('stretch')
        self.assertIn('Bruegger', r.stdout)

    def test_stretch_unknown(self):
        r = self.cli('stretch', 'nope')
        self.assertEqual(r.returncode, EXIT_USAGE)
        self.assertIn('nope', r.stderr)

    def test_usage_errors(self):
        for args in (['snooze', '10x'], ['snooze', '-5m'], ['pause', 'soon'], ['frobnicate'],
                     ['status', '--bogus'], ['snooze', '1m', 'extra'], ['config', 'bogus']):
            with self.subTest(args=args):
                r = self.cli(*args)
                self.assertEqual(r.returncode, EXIT_USAGE, f'{args}: {r.stdout} {r.stderr}')
                self.assertTrue(r.stderr.strip(), f'{args}: usage error without a message')
        self.assertEqual(self.status()['state'], 'sitting')
        self.assertEqual(self.status()['snoozes_today'], 0)

    def test_daemon_refuses(self):
        # Parsed fine, but outside what the daemon accepts: its message, exit 1.
        for args in (['snooze', '5s'], ['snooze', '25h'], ['pause', '200h']):
            with self.subTest(args=args):
                r = self.cli(*args)
                self.assertEqual(r.returncode, EXIT_REFUSED, f'{args}: {r.stdout} {r.stderr}')
                self.assertTrue(r.stderr.strip())
        st = self.status()
        self.assertEqual(st['state'], 'sitting')
        self.assertEqual(st['snoozed_until'], 0)
        self.assertEqual(st['paused_until'], 0)
        self.assertTrue(self.daemon.alive())

    def test_help_and_version(self):
        r = self.cli_ok('--help')
        for word in ('status', 'snooze', 'pause', 'resume', 'break', 'reload', 'stretches',
                     'config'):
            self.assertIn(word, r.stdout)
        r = self.cli_ok('--version')
        self.assertIn(self.status()['version'], r.stdout)

    def test_snooze_reply(self):
        r = self.cli_ok('snooze', '1h30m')
        self.assertIn('1h 30m', r.stdout)
        self.assertAlmostEqual(self.status()['snoozed_until'], now_usec() + 90 * MIN,
                               delta=5 * SEC)


class UnreachableTest(DeskbreakTestCase):
    def assert_unreachable(self, r):
        self.assertEqual(r.returncode, EXIT_UNREACHABLE, f'{r.stdout} {r.stderr}')
        self.assertTrue(re.search(r'deskbreakd|systemctl', r.stderr),
                        f'the message should say how to start the daemon: {r.stderr!r}')

    def test_no_daemon_on_bus(self):
        for args in (['status'], ['status', '--json'], ['snooze'], ['pause'], ['resume'],
                     ['break'], ['reload']):
            with self.subTest(args=args):
                self.assert_unreachable(self.cli(*args))

    def test_no_bus_at_all(self):
        env = self.base_env(DBUS_SESSION_BUS_ADDRESS='unix:path=' +
                            os.path.join(self.tmp, 'no-such-bus'))
        self.assert_unreachable(self.cli('status', env=env))
        env.pop('DBUS_SESSION_BUS_ADDRESS')
        self.assert_unreachable(self.cli('status', env=env))

    def test_offline_commands_work_without_daemon(self):
        r = self.cli_ok('stretches')
        self.assertEqual(len(stretch_ids(r.stdout)), SIX_STRETCHES, r.stdout)
        self.cli_ok('stretch', 'doorway')
        self.cli_ok('config', 'default')
        self.cli_ok('--version')

    def test_daemon_gone_mid_session(self):
        self.start_daemon(interval='1h')
        self.cli_ok('status')
        self.stop_daemon()
        self.assert_unreachable(self.cli('status'))


class ConfigCommandTest(DeskbreakTestCase):
    def test_config_default_is_the_shipped_file(self):
        r = self.cli_ok('config', 'default')
        with open(dbktest.DEFAULT_CONFIG, encoding='utf-8') as f:
            self.assertEqual(r.stdout, f.read())

    def test_shipped_file_checks_clean(self):
        r = self.cli('config', 'check', dbktest.DEFAULT_CONFIG)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_config_path_lookup_without_daemon(self):
        self.write_config()
        r = self.cli_ok('config', 'path')
        self.assertEqual(r.stdout.strip(), self.config_path)

    def test_config_path_shows_daemons_file(self):
        other = os.path.join(self.tmp, 'elsewhere', 'my.conf')
        dbktest.write_file(other, config_text())
        self.write_config()  # the lookup would find this one
        self.start_daemon(config=False, use_config_option=False,
                          args=('--config', other))
        self.assertEqual(self.status()['config_path'], other)
        r = self.cli_ok('config', 'path')
        self.assertIn(other, r.stdout)

    def test_config_check(self):
        good = os.path.join(self.tmp, 'good.conf')
        dbktest.write_file(good, config_text(interval='45m', break_length='1m'))
        r = self.cli('config', 'check', good)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        bad = os.path.join(self.tmp, 'bad.conf')
        dbktest.write_file(bad, config_text(interval='45x'))
        r = self.cli('config', 'check', bad)
        self.assertNotEqual(r.returncode, 0)
        out = r.stdout + r.stderr
        for part in (bad, 'interval', '45x'):
            self.assertIn(part, out)

        bad2 = os.path.join(self.tmp, 'bad2.conf')
        dbktest.write_file(bad2, config_text(interval='10m', break_length='10m'))
        r = self.cli('config', 'check', bad2)
        self.assertNotEqual(r.returncode, 0, 'break-length must be less than interval')
        self.assertIn('break-length', r.stdout + r.stderr)

        r = self.cli('config', 'check', os.path.join(self.tmp, 'missing.conf'))
        self.assertNotEqual(r.returncode, 0)

    def test_config_check_without_path_checks_the_file_in_use(self):
        self.write_config(config_text(snooze='3s'))
        r = self.cli('config', 'check')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('snooze', r.stdout + r.stderr)
        self.write_config()
        r = self.cli('config', 'check')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_config_check_runs_deskbreakd_from_env(self):
        # `config check` leaves the checking to the daemon binary named by
        # DESKBREAKD: a stand-in records how it was run and answers.
        record = os.path.join(self.tmp, 'ran')
        fake = os.path.join(self.tmp, 'fake-deskbreakd')
        with open(fake, 'w', encoding='utf-8') as f:
            f.write('#!/bin/sh\nprintf "%s\\n" "$@" > "$RECORD"\nexit 1\n')
        os.chmod(fake, 0o755)
        conf = os.path.join(self.tmp, 'x.conf')
        dbktest.write_file(conf, config_text())
        r = self.cli('config', 'check', conf,
                     env=self.base_env(DESKBREAKD=fake, RECORD=record))
        self.assertNotEqual(r.returncode, 0, 'the checker said no')
        with open(record, encoding='utf-8') as f:
            args = f.read().split('\n')
        self.assertIn('--check-config', args)
        self.assertIn(conf, args)

    def test_config_check_direct(self):
        bad = os.path.join(self.tmp, 'bad.conf')
        dbktest.write_file(bad, config_text(urgency='shouting'))
        r = subprocess.run([dbktest.DESKBREAKD, '--check-config', bad], env=self.base_env(),
                           capture_output=True, text=True, timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('urgency', r.stdout + r.stderr)
        self.assertIn('shouting', r.stdout + r.stderr)
        # Checking does not start a daemon.
        self.assertFalse(self.bus.has_owner(dbktest.BUS_NAME))


if __name__ == '__main__':
    dbktest.main()
