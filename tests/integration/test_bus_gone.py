#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The session bus going away under deskbreakd (logout, or the bus-daemon
killed): deskbreakd saves the sitting time up to then, as on SIGTERM, says
what happened rather than that another deskbreakd took over, and exits 1,
so that a systemd user manager can tell the failure (Restart=on-failure).

Each test runs the daemon on a dbus-daemon of its own, which it then
stops; the files are read with test_persistence.py's parsers."""

import datetime
import os
import signal
import time

import dbktest
from dbktest import (BUS_NAME, DEADLINE, INTERFACE, OBJECT_PATH, SEC, SESSION_CONF, Bus,
                     config_text)
from test_persistence import PersistenceCase, file_totals, stamp_group

CONFIG = config_text(interval='1h', natural_break='1m', source='none')

# How long the test sits before the bus goes.
SITTING = 4


class BusGoneTest(PersistenceCase):

    def start_own_bus(self):
        proc = self.spawn('own-bus', ['dbus-daemon', '--config-file=' + SESSION_CONF,
                                      '--nofork', '--print-address=1'], stdout_pipe=True)
        address = proc.read_line(DEADLINE)
        if not address:
            self.fail('the bus-daemon did not start:\n' + proc.output())
        return proc, address.strip()

    def bus_goes(self, signum):
        bus_proc, address = self.start_own_bus()
        own = Bus(address)
        self.addCleanup(own.close)
        self.write_config(CONFIG)
        daemon = self.spawn('deskbreakd', [dbktest.DESKBREAKD, '--config', self.config_path,
                                           '--verbose'],
                            env=self.base_env(DBUS_SESSION_BUS_ADDRESS=address))
        self.wait_name(BUS_NAME, daemon, bus=own)

        def status():
            return own.call(BUS_NAME, OBJECT_PATH, INTERFACE, 'GetStatus',
                            reply='(a{sv})').unpack()[0]
        st = self.wait_until(lambda: (lambda s: s if s['state'] == 'sitting' else None)(status()),
                             what='the sitting session')
        since = st['sitting_since']
        self.settle(SITTING)
        own.close()
        t_gone = time.time()
        os.kill(bus_proc.pid, signum)
        self.assertIsNotNone(bus_proc.wait(DEADLINE), 'the bus-daemon did not stop')

        rc = daemon.wait(DEADLINE)
        log = daemon.output()
        self.assertIsNotNone(rc, 'deskbreakd still runs with its bus gone:\n' + log)
        # Each checked on its own, so a failure shows every way it fails.
        with self.subTest('the log says what happened'):
            self.assertNotIn('took over', log)
            self.assertIn('session bus went away', log)
        with self.subTest('the history holds the sitting time'):
            # The last save was the daemon's, at exit.
            sat = t_gone * SEC - since
            history = self.read_history()
            total = file_totals(history)['sitting']
            self.assertGreaterEqual(total, sat - SEC,
                                    f'{total / SEC:.1f} s of sitting in the history, '
                                    f'{sat / SEC:.1f} s sat: {history}')
            self.assertLessEqual(total, (time.time() * SEC - since) + SEC, history)
            self.assertIn(datetime.date.today(), history['days'])
        with self.subTest('the state file is saved at the end'):
            kf = self.read_state()
            realtime = kf.get_int64(stamp_group(kf), 'realtime')
            self.assertGreaterEqual(realtime, int(t_gone * SEC) - SEC,
                                    'the state file was not saved at the end')
        with self.subTest('exit status'):
            self.assertEqual(rc, 1, 'deskbreakd should exit 1 when its bus goes away:\n' + log)

    def test_bus_terminated(self):
        """A bus-daemon stopped as at logout."""
        self.bus_goes(signal.SIGTERM)

    def test_bus_killed(self):
        self.bus_goes(signal.SIGKILL)


if __name__ == '__main__':
    dbktest.main()
