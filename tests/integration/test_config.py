#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The config file at run time: the daemon's own watch (in-place writes and
editor-style renames), Reload() and `deskbreak reload`, SIGHUP, invalid
values at start-up and on reload, and the XDG lookup."""

import os
import shutil
import signal

import dbktest
from dbktest import (SEC, MIN, ERROR_INVALID_CONFIG, DeskbreakTestCase, config_text,
                     replace_by_rename, write_in_place)

HOUR = 3600 * SEC


class LiveEditTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_daemon(interval='1h')

    def wait_interval(self, usec):
        self.wait_until(lambda: self.status()['interval_usec'] == usec,
                        what=f'interval_usec {usec}')

    def test_in_place_write(self):
        write_in_place(self.config_path, config_text(interval='2h'))
        self.wait_interval(2 * HOUR)
        self.assertEqual(self.get_property('Interval').unpack(), 2 * HOUR)
        self.wait_until(lambda: [c for _, c in self.properties_changed
                                 if c.get('Interval') == 2 * HOUR],
                        what='PropertiesChanged Interval')
        self.assertEqual(self.status()['config_error'], '')
        self.assertTrue(self.daemon.alive())

    def test_replace_by_rename(self):
        replace_by_rename(self.config_path, config_text(interval='3h'))
        self.wait_interval(3 * HOUR)
        # And again: the watch survives the file being replaced.
        replace_by_rename(self.config_path, config_text(interval='4h'))
        self.wait_interval(4 * HOUR)
        write_in_place(self.config_path, config_text(interval='5h'))
        self.wait_interval(5 * HOUR)

    def test_lowered_interval_reminds_now(self):
        # Sitting for a while with a long interval; lowering it below the
        # sitting time brings the reminder at once.
        self.settle(7)  # sitting time must exceed the new interval (6 s)
        self.assertEqual(self.reminders_shown(), [])
        write_in_place(self.config_path, config_text(interval='6s'))
        self.wait_until(lambda: self.reminders_shown(), what='reminder after lowering interval')
        self.assertEqual(self.status()['state'], 'due')

    def test_invalid_value_keeps_last_good_config(self):
        write_in_place(self.config_path, config_text(interval='2h'))
        self.wait_interval(2 * HOUR)
        write_in_place(self.config_path, config_text(interval='banana'))
        err = self.wait_until(lambda: self.status()['config_error'],
                              what='config_error after an invalid value')
        self.assertIn('interval', err)
        self.assertIn('banana', err)
        self.assertEqual(self.get_property('ConfigError').unpack(), err)
        self.assertEqual(self.status()['interval_usec'], 2 * HOUR, 'last good config stays')
        # Reload says so too, in the reply and the CLI's exit code.
        msg = self.assertDBusError(ERROR_INVALID_CONFIG, 'Reload',
                                   msg_contains=('interval', 'banana'))
        self.assertIn(self.config_path, msg, 'the error names the file')
        r = self.cli('reload')
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn('interval', r.stderr)
        self.assertIn('banana', r.stderr)
        # The human status shows the error.
        r = self.cli_ok('status')
        self.assertIn('banana', r.stdout + r.stderr)
        self.assertEqual(self.status()['interval_usec'], 2 * HOUR)
        # Fixing the file clears it and applies the new value.
        write_in_place(self.config_path, config_text(interval='90m'))
        self.wait_until(lambda: self.status()['config_error'] == '',
                        what='config_error cleared')
        self.assertEqual(self.status()['interval_usec'], 90 * MIN)
        self.assertEqual(self.get_property('ConfigError').unpack(), '')
        self.cli_ok('reload')

    def test_break_length_not_below_interval_is_invalid(self):
        write_in_place(self.config_path, config_text(interval='10m', break_length='10m'))
        err = self.wait_until(lambda: self.status()['config_error'],
                              what='config_error for break-length >= interval')
        self.assertIn('break-length', err)
        self.assertEqual(self.status()['interval_usec'], HOUR)

    def test_file_removed_and_back(self):
        os.unlink(self.config_path)
        self.settle(1)
        self.assertTrue(self.daemon.alive())
        dbktest.write_file(self.config_path, config_text(interval='2h'))
        self.wait_interval(2 * HOUR)


class DirectoryReplacedTest(DeskbreakTestCase):
    """The watch follows the config's directory when it goes away (replaced
    by a file) and comes back as a directory with a config in it: no
    Reload needed."""

    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.config_dir = os.path.dirname(self.config_path)

    def wait_interval(self, usec, what):
        self.wait_until(lambda: self.status()['interval_usec'] == usec, what=what)

    def replace_dir_by_file(self):
        shutil.rmtree(self.config_dir)
        with open(self.config_dir, 'w', encoding='utf-8') as f:
            f.write('not a directory\n')

    def test_lookup(self):
        self.start_daemon(use_config_option=False, interval='2h')
        self.replace_dir_by_file()
        self.wait_interval(30 * MIN, 'the defaults once the directory is gone')
        self.assertEqual(self.status()['config_path'], '')

        # Back as a directory, the config written into it at once.
        os.unlink(self.config_dir)
        dbktest.write_file(self.config_path, config_text(interval='3h'))
        self.wait_interval(3 * HOUR, 'the config in the directory made again')
        self.assertEqual(self.status()['config_path'], self.config_path)

        # Gone again, then back whole: a directory renamed into place.
        self.replace_dir_by_file()
        self.wait_interval(30 * MIN, 'the defaults once the directory is gone again')
        staged = os.path.join(self.tmp, 'staged')
        dbktest.write_file(os.path.join(staged, 'deskbreak.conf'), config_text(interval='4h'))
        os.unlink(self.config_dir)
        os.rename(staged, self.config_dir)
        self.wait_interval(4 * HOUR, 'the config in the directory renamed into place')

        # And edits in it are seen as before.
        write_in_place(self.config_path, config_text(interval='5h'))
        self.wait_interval(5 * HOUR, 'an edit in the directory that came back')
        self.assertEqual(self.status()['config_error'], '')

    def test_config_option(self):
        self.start_daemon(interval='2h')
        self.replace_dir_by_file()
        self.wait_until(lambda: self.status()['config_error'],
                        what='config_error once the directory is gone')
        self.assertIn(self.config_path, self.status()['config_error'])
        self.assertEqual(self.status()['interval_usec'], 2 * HOUR, 'the last good config stays')

        os.unlink(self.config_dir)
        dbktest.write_file(self.config_path, config_text(interval='3h'))
        self.wait_interval(3 * HOUR, 'the config in the directory made again')
        self.assertEqual(self.status()['config_error'], '')
        write_in_place(self.config_path, config_text(interval='4h'))
        self.wait_interval(4 * HOUR, 'an edit in the directory that came back')


class ExplicitReloadTest(DeskbreakTestCase):
    """Reload(), `deskbreak reload` and SIGHUP, told apart from the file watch:
    the change is made through a hard link in another directory, which the
    daemon's directory watch does not see."""

    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_daemon(interval='1h')
        self.link = os.path.join(self.tmp, 'unwatched', 'link.conf')
        os.makedirs(os.path.dirname(self.link))
        os.link(self.config_path, self.link)

    def change_unseen(self, interval, usec):
        write_in_place(self.link, config_text(interval=interval))
        self.settle(1.5)
        if self.status()['interval_usec'] == usec:
            self.skipTest('the file watch saw a change made through a hard link elsewhere; '
                          'an explicit reload cannot be told apart here')

    def test_sighup(self):
        self.change_unseen('2h', 2 * HOUR)
        self.daemon.signal(signal.SIGHUP)
        self.wait_until(lambda: self.status()['interval_usec'] == 2 * HOUR,
                        what='interval after SIGHUP')
        self.assertTrue(self.daemon.alive())

    def test_reload_method(self):
        self.change_unseen('3h', 3 * HOUR)
        self.call('Reload')
        # The reply comes after the reload: no waiting needed.
        self.assertEqual(self.status()['interval_usec'], 3 * HOUR)

    def test_cli_reload(self):
        self.change_unseen('4h', 4 * HOUR)
        self.cli_ok('reload')
        self.assertEqual(self.status()['interval_usec'], 4 * HOUR)


class StartupTest(DeskbreakTestCase):
    def test_one_bad_key_takes_its_default(self):
        self.start_notify_mock()
        self.start_daemon(interval='2h', natural_break='1s', snooze='7m')
        st = self.status()
        self.assertEqual(st['interval_usec'], 2 * HOUR, 'the good keys are taken')
        self.assertEqual(st['snooze_usec'], 7 * MIN)
        self.assertEqual(st['natural_break_usec'], 5 * MIN, 'the bad key has its default')
        self.assertIn('natural-break', st['config_error'])
        self.assertIn('1s', st['config_error'])
        self.assertIn('natural-break', self.daemon_log(), 'the error is logged')
        r = self.cli_ok('status')
        self.assertIn('natural-break', r.stdout + r.stderr)

    def test_unknown_key_is_a_warning(self):
        self.start_notify_mock()
        text = config_text(interval='2h').replace('[timer]\n', '[timer]\nfrobnication=3\n')
        self.start_daemon(config=text)
        st = self.status()
        self.assertEqual(st['config_error'], '')
        self.assertEqual(st['interval_usec'], 2 * HOUR)
        self.assertIn('frobnication', self.daemon_log())

    def test_not_a_key_file(self):
        self.start_notify_mock()
        self.start_daemon(config='this is = not [ an ini file\n\x01\n')
        st = self.status()
        self.assertTrue(st['config_error'], 'an unreadable file is an error')
        self.assertEqual(st['interval_usec'], 30 * MIN, 'defaults apply')

    def test_xdg_config_home_lookup(self):
        self.start_notify_mock()
        self.start_daemon(use_config_option=False, interval='2h')
        st = self.status()
        self.assertEqual(st['config_path'], self.config_path)
        self.assertEqual(st['interval_usec'], 2 * HOUR)
        # The looked-up file is watched as well.
        write_in_place(self.config_path, config_text(interval='3h'))
        self.wait_until(lambda: self.status()['interval_usec'] == 3 * HOUR,
                        what='interval after editing the looked-up file')

    def test_xdg_config_dirs_lookup(self):
        system_dir = os.path.join(self.tmp, 'xdg-dirs')
        system_file = os.path.join(system_dir, 'deskbreak', 'deskbreak.conf')
        dbktest.write_file(system_file, config_text(interval='3h'))
        env = self.base_env(XDG_CONFIG_DIRS=os.path.join(self.tmp, 'nothing') + ':' + system_dir)
        self.start_notify_mock()
        self.start_daemon(config=False, use_config_option=False, env=env)
        st = self.status()
        self.assertEqual(st['config_path'], system_file)
        self.assertEqual(st['interval_usec'], 3 * HOUR)
        r = self.cli_ok('config', 'path', env=env)
        self.assertIn(system_file, r.stdout)

    def test_no_file_uses_defaults(self):
        self.start_notify_mock()
        self.start_daemon(config=False, use_config_option=False)
        st = self.status()
        self.assertEqual(st['config_path'], '')
        self.assertEqual(st['config_error'], '')
        self.assertEqual(st['interval_usec'], 30 * MIN)
        self.assertEqual(st['break_length_usec'], 30 * SEC)
        self.assertEqual(st['natural_break_usec'], 5 * MIN)
        self.assertEqual(st['snooze_usec'], 10 * MIN)
        self.assertEqual(st['remind_again_usec'], 5 * MIN)
        self.assertEqual(st['stretches'], ['bruegger', 'doorway'])


if __name__ == '__main__':
    dbktest.main()
