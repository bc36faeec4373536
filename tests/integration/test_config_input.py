#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Config input the daemon must survive and report clearly: text that is
not UTF-8, huge values, a huge file, many errors, a FIFO or a device in
place of the file. Each case is seen through GetStatus, the ConfigError
property, Reload, `deskbreak status` and `deskbreak config check`; the
harness fails a test on any GLib critical or sanitizer report of the
daemon."""

import os

import dbktest
from dbktest import SEC, MIN, ERROR_INVALID_CONFIG, DeskbreakTestCase, config_text

HOUR = 3600 * SEC
EXIT_REFUSED = 1


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def rewrite_bytes(path, data):
    """Rewrites the file's content in place, as dbktest.write_in_place does."""
    with open(path, 'r+b') as f:
        f.write(data)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())


class InputTestCase(DeskbreakTestCase):
    def config_error(self):
        st = self.status()
        self.assertIn('config_error', st, 'GetStatus has no config_error')
        return st['config_error']

    def wait_config_error(self, what):
        return self.wait_until(self.config_error, what=f'config_error for {what}')

    def assertSameErrorEverywhere(self, err, *parts):
        """The error in GetStatus is the ConfigError property, Reload's error
        reply, and what `deskbreak status` and `deskbreak reload` show."""
        for part in parts:
            self.assertIn(part, err)
        self.assertEqual(self.get_property('ConfigError').unpack(), err)
        msg = self.assertDBusError(ERROR_INVALID_CONFIG, 'Reload', msg_contains=parts)
        self.assertEqual(msg, err)
        r = self.cli_ok('status')
        for part in parts:
            self.assertIn(part, r.stdout + r.stderr)
        r = self.cli('reload')
        self.assertEqual(r.returncode, EXIT_REFUSED, r.stdout + r.stderr)
        for part in parts:
            self.assertIn(part, r.stderr)


class NotUtf8Test(InputTestCase):
    """Group names, keys, values and paths with bytes that are not UTF-8:
    messages quote them with \\xNN escapes; a value that is not UTF-8 is an
    error for its key."""

    def setUp(self):
        super().setUp()
        self.start_notify_mock()

    def test_group_name_at_start(self):
        text = (config_text(interval='2h').encode()
                + b'\n[stretch:\xff\xfeway]\ntitle=T\nsteps=A\nhold=H\n'
                + b'\n[\xc3sound]\nbeep=true\n')
        write_bytes(self.config_path, text)
        self.start_daemon(config=False)
        err = self.config_error()
        self.assertEqual(self.status()['interval_usec'], 2 * HOUR, 'the good keys are taken')
        self.assertSameErrorEverywhere(err, self.config_path, '[stretch:\\xff\\xfeway]',
                                       'not a stretch id')
        # The unknown group is a warning, in the log.
        self.assertIn('[\\xc3sound]', self.daemon_log())
        r = self.cli('config', 'check')
        self.assertEqual(r.returncode, EXIT_REFUSED, r.stdout + r.stderr)
        self.assertIn('[stretch:\\xff\\xfeway]', r.stderr)
        self.assertIn('[\\xc3sound]', r.stderr)

    def test_key_name_on_reload(self):
        self.start_daemon(interval='2h')
        # GLib refuses this key name, quoting it: the whole file is refused,
        # and on reload the last good config stays.
        rewrite_bytes(self.config_path, config_text(interval='3h').encode() + b'a[\xff]=1\n')
        err = self.wait_config_error('a key name that is not UTF-8')
        self.assertSameErrorEverywhere(err, self.config_path, 'a[\\xff]')
        self.assertEqual(self.status()['interval_usec'], 2 * HOUR, 'the last good config stays')
        r = self.cli('config', 'check')
        self.assertEqual(r.returncode, EXIT_REFUSED, r.stdout + r.stderr)
        self.assertIn('a[\\xff]', r.stderr)
        # Fixed, the new file applies and the error goes.
        rewrite_bytes(self.config_path, config_text(interval='3h').encode())
        self.wait_until(lambda: self.config_error() == '', what='config_error cleared')
        self.assertEqual(self.status()['interval_usec'], 3 * HOUR)

    def test_path_not_utf8(self):
        self.config_path = os.path.join(self.config_home, 'deskbreak',
                                        os.fsdecode(b'bad-\xff.conf'))
        self.start_daemon(interval='2h', natural_break='1s')
        st = self.status()
        self.assertEqual(st['config_path'], os.path.join(self.config_home, 'deskbreak',
                                                         'bad-\\xff.conf'))
        self.assertEqual(st['interval_usec'], 2 * HOUR)
        self.assertSameErrorEverywhere(st['config_error'],
                                       'bad-\\xff.conf: [timer] natural-break=1s')

    def test_value_at_start(self):
        text = config_text(snooze='7m').encode().replace(b'interval=1h', b'interval=5m\xff')
        write_bytes(self.config_path, text)
        self.start_daemon(config=False)
        st = self.status()
        self.assertEqual(st['interval_usec'], 30 * MIN, 'the bad key has its default')
        self.assertEqual(st['snooze_usec'], 7 * MIN, 'the good keys are taken')
        self.assertSameErrorEverywhere(st['config_error'], self.config_path,
                                       '[timer] interval=5m\\xff: not valid UTF-8')
        r = self.cli('config', 'check')
        self.assertEqual(r.returncode, EXIT_REFUSED, r.stdout + r.stderr)
        self.assertIn('interval=5m\\xff: not valid UTF-8', r.stderr)
        self.assertNotIn('ok', r.stdout)

    def test_value_on_reload(self):
        self.start_daemon(interval='2h')
        rewrite_bytes(self.config_path,
                      config_text(interval='3h').encode() + b'\n[notify]\nurgency=low\xff\n')
        err = self.wait_config_error('a value that is not UTF-8')
        self.assertSameErrorEverywhere(err, '[notify] urgency=low\\xff: not valid UTF-8')
        self.assertEqual(self.status()['interval_usec'], 2 * HOUR, 'the last good config stays')


# A message quotes at most 64 characters of the file's text; with the path
# and what is allowed it stays well below this.
MESSAGE_MAX = 1000


def peak_rss_kib(pid):
    with open(f'/proc/{pid}/status', encoding='ascii') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return 0


class LargeInputTest(InputTestCase):
    """Huge values, a huge file and many errors give short messages."""

    def setUp(self):
        super().setUp()
        self.start_notify_mock()

    def test_huge_value_on_reload(self):
        self.start_daemon(interval='2h')
        rewrite_bytes(self.config_path, config_text(interval='x' * 500000).encode())
        err = self.wait_config_error('a huge value')
        self.assertLess(len(err), MESSAGE_MAX)
        self.assertSameErrorEverywhere(err, self.config_path,
                                       '[timer] interval=' + 'x' * 64 + '…: not a duration')
        self.assertEqual(self.status()['interval_usec'], 2 * HOUR, 'the last good config stays')
        changed = [c['ConfigError'] for _, c in self.properties_changed if 'ConfigError' in c]
        self.assertTrue(changed, 'PropertiesChanged for ConfigError')
        self.assertLess(max(len(c) for c in changed), MESSAGE_MAX)
        self.assertLess(len(self.daemon_log()), 100000, 'the log quotes no huge value')

    def test_50_mb_file(self):
        os.makedirs(os.path.dirname(self.config_path))
        with open(self.config_path, 'wb') as f:
            f.write(b'[timer]\ninterval=')
            f.write(b'x' * (50 << 20))
            f.write(b'\n')
        self.start_daemon(config=False)
        st = self.status()
        self.assertEqual(st['interval_usec'], 30 * MIN, 'the built-in defaults apply')
        err = st['config_error']
        self.assertLess(len(err), MESSAGE_MAX)
        self.assertSameErrorEverywhere(err, self.config_path, 'too large', '1 MiB')
        self.assertLess(peak_rss_kib(self.daemon.pid), 50 << 10, 'the file was not read')
        self.assertLess(len(self.daemon_log()), 100000)
        r = self.cli('config', 'check')
        self.assertEqual(r.returncode, EXIT_REFUSED, r.stdout + r.stderr)
        self.assertIn('too large', r.stderr)
        self.assertLess(len(r.stderr), MESSAGE_MAX)

    def test_many_errors(self):
        bad = ''.join(f'[stretch:s{i}]\nsteps=A\nhold=H\n' for i in range(1000))
        self.start_daemon(config=config_text(interval='2h', extra=bad))
        st = self.status()
        self.assertEqual(st['interval_usec'], 2 * HOUR)
        err = st['config_error']
        self.assertLessEqual(len(err.splitlines()), 11, err)
        self.assertLess(len(err), 20 * MESSAGE_MAX)
        self.assertSameErrorEverywhere(err, '[stretch:s0] title: missing', 'and 990 more')
        # `deskbreak config check` lists them all.
        r = self.cli('config', 'check')
        self.assertEqual(r.returncode, EXIT_REFUSED, r.stdout + r.stderr)
        self.assertEqual(len(r.stderr.splitlines()), 1000)


class NotRegularFileTest(InputTestCase):
    """Only regular files are read: a FIFO without a writer or a symlink to
    /dev/zero is a named error at once, never a daemon that hangs."""

    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        os.makedirs(os.path.dirname(self.config_path))

    def check_refused(self, what):
        st = self.status()
        self.assertEqual(st['interval_usec'], 30 * MIN, 'the built-in defaults apply')
        self.assertSameErrorEverywhere(st['config_error'], self.config_path, what,
                                       'not a regular file')
        r = self.cli('config', 'check', self.config_path)
        self.assertEqual(r.returncode, EXIT_REFUSED, r.stdout + r.stderr)
        self.assertIn(what, r.stderr)

    def test_fifo_at_start(self):
        os.mkfifo(self.config_path)
        self.start_daemon(config=False)
        self.check_refused('a FIFO')

    def test_fifo_on_reload(self):
        self.start_daemon(interval='2h')
        os.unlink(self.config_path)
        os.mkfifo(self.config_path)
        err = self.wait_config_error('a FIFO in place of the file')
        self.assertSameErrorEverywhere(err, self.config_path, 'a FIFO', 'not a regular file')
        self.assertEqual(self.status()['interval_usec'], 2 * HOUR, 'the last good config stays')
        # A regular file again, and it is read.
        os.unlink(self.config_path)
        dbktest.write_file(self.config_path, config_text(interval='3h'))
        self.wait_until(lambda: self.status()['interval_usec'] == 3 * HOUR,
                        what='the file read again')
        self.assertEqual(self.config_error(), '')

    def test_symlink_to_dev_zero(self):
        os.symlink('/dev/zero', self.config_path)
        self.start_daemon(config=False)
        self.check_refused('a character device')
        self.assertLess(peak_rss_kib(self.daemon.pid), 50 << 10, 'nothing was read')

    def test_fifo_in_lookup_is_skipped(self):
        # The lookup passes over the FIFO in the user's place, saying so,
        # and takes the next file.
        system_dir = os.path.join(self.tmp, 'xdg-dirs')
        system_file = os.path.join(system_dir, 'deskbreak', 'deskbreak.conf')
        dbktest.write_file(system_file, config_text(interval='3h'))
        os.mkfifo(self.config_path)
        env = self.base_env(XDG_CONFIG_DIRS=system_dir)
        self.start_daemon(config=False, use_config_option=False, env=env)
        st = self.status()
        self.assertEqual(st['config_path'], system_file)
        self.assertEqual(st['interval_usec'], 3 * HOUR)
        self.assertEqual(st['config_error'], '')
        warning = f'{self.config_path}: a FIFO, not a regular file: skipped'
        self.assertIn(warning, self.daemon_log())
        r = self.cli('config', 'check', env=env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(warning, r.stderr)
        self.assertIn(system_file, r.stdout)


if __name__ == '__main__':
    dbktest.main()
