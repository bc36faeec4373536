#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""D-Bus activation: on a bus whose service directory has an activation
file for org.deskbreak.Daemon1, the first `deskbreak` command starts the
daemon. The test runs its own nested dbus-daemon, with a configuration
generated here (tests/session.conf plus one <servicedir>), started with the
test's environment, which the activated daemon inherits."""

import os
import shutil
import signal

import dbktest
from dbktest import BUS_NAME, DeskbreakTestCase, config_text


class ActivationTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        if not shutil.which('dbus-daemon'):
            self.skipTest('dbus-daemon not installed')
        self.write_config(config_text(interval='1h'))
        self.start_activation_bus()
        self.addCleanup(self.stop_activated)
        self.activated_pid = None

    def stop_activated(self):
        # The activated daemon is the nested bus's child, not ours: stop it
        # by the pid the bus reports before the bus goes.
        if self.activated_pid:
            try:
                os.kill(self.activated_pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        self.nested.close()

    def nested_env(self):
        return self.base_env(DBUS_SESSION_BUS_ADDRESS=self.nested_address)

    def test_cli_activates_daemon(self):
        activatable = self.nested.call('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                       'org.freedesktop.DBus', 'ListActivatableNames',
                                       None, None, '(as)').unpack()[0]
        self.assertIn(BUS_NAME, activatable)
        self.assertFalse(self.nested.has_owner(BUS_NAME))
        r = self.cli('status', '--json', env=self.nested_env())
        self.assertEqual(r.returncode, 0, f'deskbreak status on an activating bus: {r.stderr}')
        self.assertTrue(self.nested.has_owner(BUS_NAME))
        self.activated_pid = self.nested.pid_of(BUS_NAME)
        self.assertIn('"state"', r.stdout)
        self.assertIn(self.config_path, r.stdout)
        # And the next command talks to the same daemon.
        self.cli_ok('snooze', env=self.nested_env())
        self.assertEqual(self.nested.pid_of(BUS_NAME), self.activated_pid)

    def test_offline_commands_do_not_activate(self):
        # Commands that never need the daemon must not start it. (stretches,
        # `stretch` without a name and `config path` ask a running daemon
        # first; whether they may start one is not decided here.)
        for args in (['stretch', 'doorway'], ['config', 'default'],
                     ['config', 'check', self.config_path], ['--version'], ['--help'],
                     ['help', 'snooze']):
            with self.subTest(args=args):
                self.cli_ok(*args, env=self.nested_env())
                started = self.nested.has_owner(BUS_NAME)
                if started:
                    # Stop it, so the next command is judged on its own.
                    os.kill(self.nested.pid_of(BUS_NAME), signal.SIGTERM)
                    self.wait_until(lambda: not self.nested.has_owner(BUS_NAME),
                                    what='the activated daemon gone')
                self.assertFalse(started, f'deskbreak {" ".join(args)} started the daemon')

if __name__ == '__main__':
    dbktest.main()
