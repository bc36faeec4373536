#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`deskbreak monitor` against the real daemon: a line at start and at
every change, through every state (sitting, idle and away with
tests/mock-mutter.py, due, snoozed, paused, and off while deskbreakd is
gone), each line checked as waybar reads it; the other formats; no
re-activation of a stopped daemon; a clean exit on SIGINT, SIGTERM and a
closed pipe; and (MonitorTickTest, a minute long) the line of the next
minute, at that minute."""

import json
import os
import re
import shutil
import signal
import time

import dbktest
from dbktest import (BUS_NAME, DEADLINE, DESKBREAK, SEC, DeskbreakTestCase, config_text,
                     now_usec)

# The states a line's class names (DESIGN §1), and "off" for no daemon.
CLASSES = dbktest.STATES + ('off',)

# What waybar's custom module reads with "return-type": "json".
WAYBAR_KEYS = {'text', 'alt', 'tooltip', 'class', 'percentage'}

MINUTES = re.compile(r'^(\d+m|\d+h( \d+m)?)$')


def classes_of(data):
    cls = data['class']
    return [cls] if isinstance(cls, str) else cls


class MonitorTestCase(DeskbreakTestCase):
    """Runs `deskbreak monitor` and reads its lines with deadlines."""

    def setUp(self):
        super().setUp()
        self.monitor = None
        self.lines = []  # every line read, parsed

    def start_monitor(self, fmt='waybar', env=None):
        argv = [DESKBREAK, 'monitor']
        if fmt is not None:
            argv += ['--format', fmt]
        self.monitor_format = fmt or 'json'
        self.monitor = self.spawn('monitor', argv, env=env, stdout_pipe=True)
        return self.monitor

    def check_waybar(self, line):
        """One line as waybar would take it; returns the object."""
        try:
            data = json.loads(line)
        except ValueError as e:
            self.fail(f'not JSON ({e}): {line!r}')
        self.assertIsInstance(data, dict, line)
        self.assertEqual(set(data), WAYBAR_KEYS, line)
        self.assertIsInstance(data['text'], str, line)
        self.assertTrue(data['text'], f'empty text: {line!r}')
        self.assertIsInstance(data['tooltip'], str, line)
        self.assertTrue(data['tooltip'], f'empty tooltip: {line!r}')
        self.assertIsInstance(data['alt'], str, line)
        cls = data['class']
        self.assertTrue(isinstance(cls, str)
                        or (isinstance(cls, list) and all(isinstance(c, str) for c in cls)),
                        f'class is neither a string nor a list of strings: {line!r}')
        self.assertIsInstance(data['percentage'], int, line)
        self.assertNotIsInstance(data['percentage'], bool, line)
        self.assertTrue(0 <= data['percentage'] <= 100, line)
        # The state is the class and the alt (for format-icons).
        self.assertEqual(len(classes_of(data)), 1, line)
        self.assertIn(classes_of(data)[0], CLASSES, line)
        self.assertEqual(data['alt'], classes_of(data)[0], line)
        self.assertNotIn('\n', data['text'], line)
        return data

    def read_line(self, timeout=DEADLINE, what='a line'):
        line = self.monitor.read_line(timeout)
        if line is None:
            self.fail(f'deskbreak monitor gave no {what} within {timeout:.0f} s '
                      f'(alive: {self.monitor.alive()}); lines so far: {self.lines}\n'
                      + self.monitor.output())
        return line

    def next_line(self, timeout=DEADLINE):
        data = self.check_waybar(self.read_line(timeout))
        self.lines.append(data)
        return data

    def wait_class(self, cls, timeout=DEADLINE):
        """Reads lines until one has class `cls` (or one of a tuple); returns it."""
        wanted = (cls,) if isinstance(cls, str) else cls
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail(f'no line of class {cls} within {timeout:.0f} s; lines: {self.lines}')
            data = self.check_waybar(self.read_line(left, f'line of class {cls}'))
            self.lines.append(data)
            if classes_of(data)[0] in wanted:
                return data

    def stop_monitor(self, signum=signal.SIGTERM):
        self.monitor.signal(signum)
        rc = self.monitor.wait(DEADLINE)
        self.assertEqual(rc, 0, f'deskbreak monitor on signal {signum}:\n' + self.monitor.output())


class WaybarStatesTest(MonitorTestCase):
    """sitting → due → snoozed → paused → due → sitting → off → back, as
    the CLI drives them, with source=none."""

    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_daemon(interval='6s', break_length='5s', snooze='10m')

    def test_every_state_through_the_cli(self):
        self.start_monitor()
        data = self.next_line()
        self.assertEqual(classes_of(data), ['sitting'], data)
        self.assertRegex(data['text'], MINUTES)
        self.assertEqual(data['text'], '0m')
        self.assertRegex(data['tooltip'], r'^(Just sat down|Sitting for)')
        # source=none: the tooltip says so, on its own line.
        self.assertIn('\nNo idle detection', data['tooltip'])

        data = self.wait_class('due')
        self.assertEqual(data['text'], 'stretch!')
        self.assertEqual(data['percentage'], 100)
        self.assertIn('deskbreak break', data['tooltip'])
        self.assertIn('\n', data['tooltip'], 'the due status has two lines')

        self.cli_ok('snooze', '10m')
        data = self.wait_class('snoozed')
        self.assertEqual(data['text'], 'snoozed 10m')
        self.assertIn('Snoozed for 10m', data['tooltip'])

        self.cli_ok('pause')
        data = self.wait_class('paused')
        self.assertEqual(data['text'], 'paused')
        self.assertIn('resume', data['tooltip'])

        self.cli_ok('pause', '1h')
        data = self.next_line()
        self.assertEqual(classes_of(data), ['paused'])
        self.assertEqual(data['text'], 'paused 1h')

        # Sitting time is past the interval: resuming brings the reminder back.
        self.cli_ok('resume')
        self.wait_class('due')

        self.cli_ok('break')
        data = self.wait_class('sitting')
        self.assertEqual(data['text'], '0m')
        self.assertLess(data['percentage'], 100)

        # The daemon goes: "off", and the monitor waits for it.
        self.stop_daemon()
        data = self.wait_class('off')
        self.assertEqual(data['text'], 'off')
        self.assertIn('not running', data['tooltip'])
        self.assertEqual(data['percentage'], 0)
        self.settle(1)
        self.assertTrue(self.monitor.alive(), 'deskbreak monitor ended with the daemon')

        # And comes back (saying "away" for a moment, until its session starts).
        self.start_daemon(interval='6s', break_length='5s', snooze='10m')
        self.wait_class(('sitting', 'due'))

        self.stop_monitor(signal.SIGTERM)

    def test_changes_only_and_in_step_with_the_daemon(self):
        """A line per change, none without one, the same state as GetStatus."""
        self.start_monitor()
        self.assertEqual(classes_of(self.next_line()), ['sitting'])
        self.call('Pause', (0,), '(t)')
        data = self.wait_class('paused')
        self.assertEqual(self.status()['state'], 'paused')
        # Nothing changes, nothing printed (the minute tick is a minute away).
        line = self.monitor.read_line(2)
        self.assertIsNone(line, f'a line without a change: {line!r}')
        self.call('Resume')
        data = self.next_line()
        self.assertEqual(classes_of(data), [self.status()['state']])
        self.stop_monitor(signal.SIGINT)


class IdleAwayTest(MonitorTestCase):
    """idle and away, from Mutter's idle monitor (tests/mock-mutter.py)."""

    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_mutter_mock()
        self.start_daemon(interval='1h', break_length='5s', natural_break='10s',
                          source='mutter')

    def test_idle_then_away_then_back(self):
        self.start_monitor()
        self.user_input()
        data = self.next_line()
        self.assertEqual(classes_of(data), ['sitting'], data)
        self.assertEqual(data['text'], '0m')

        # Hands off: a short idle first, still sitting time...
        data = self.wait_class('idle')
        self.assertEqual(data['text'], '0m')
        self.assertIn('Idle', data['tooltip'])
        # ...then a natural break.
        data = self.wait_class('away')
        self.assertEqual(data['text'], 'away')
        self.assertEqual(data['percentage'], 0)
        self.assertIn('Away', data['tooltip'])

        self.user_input()
        data = self.wait_class('sitting')
        self.assertEqual(data['text'], '0m')
        self.stop_monitor()


class OffAtStartTest(MonitorTestCase):
    def test_off_until_the_daemon_starts(self):
        # Nothing can activate it on this bus: the first line says off.
        self.start_monitor()
        data = self.next_line()
        self.assertEqual(classes_of(data), ['off'], data)
        self.assertFalse(self.bus.has_owner(BUS_NAME))
        self.start_daemon(interval='1h')
        data = self.wait_class('sitting')
        self.assertEqual(data['text'], '0m')
        self.stop_monitor(signal.SIGINT)

    def test_usage_errors(self):
        for args in (['--format', 'xml'], ['--format'], ['--bogus'], ['extra']):
            with self.subTest(args=args):
                r = self.cli('monitor', *args)
                self.assertEqual(r.returncode, 2, f'{args}: {r.stdout} {r.stderr}')
                self.assertTrue(r.stderr.strip())
                self.assertEqual(r.stdout, '')


class FormatsTest(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_daemon(interval='6s', break_length='5s')

    def test_json(self):
        self.start_monitor(fmt=None)
        data = json.loads(self.read_line())
        st = self.status()
        for key, kind in (('state', str), ('text', str), ('tooltip', str), ('class', str),
                          ('percentage', int), ('sitting_usec', int), ('sitting_since', int),
                          ('interval_usec', int), ('next_reminder', int),
                          ('snoozed_until', int), ('paused_until', int)):
            self.assertIsInstance(data.get(key), kind, f'{key} in {data}')
        if data['state'] == 'sitting':
            self.assertSameStamp(data['next_reminder'], st['next_reminder'])
            self.assertSameStamp(data['sitting_since'], st['sitting_since'])
            self.assertEqual(data['interval_usec'], 6 * SEC)
            self.assertAlmostEqual(data['sitting_usec'], now_usec() - st['sitting_since'],
                                   delta=2 * SEC)
        deadline = time.monotonic() + DEADLINE
        while data['state'] != 'due':
            data = json.loads(self.read_line(max(0.1, deadline - time.monotonic())))
        self.assertEqual(data['text'], 'stretch!')
        self.assertEqual(data['class'], 'due')
        self.stop_monitor()

    def test_i3blocks(self):
        self.start_monitor('i3blocks')
        self.assertEqual(self.read_line(), '0m')
        self.assertEqual(self.read_line(), 'stretch!')
        self.stop_daemon()
        self.assertEqual(self.read_line(), 'off')
        self.stop_monitor()

    def test_polybar(self):
        self.start_monitor('polybar')
        self.assertEqual(self.read_line(), '0m')
        # The due state in colour, polybar's format tags around it.
        self.assertRegex(self.read_line(), r'^%\{F#[0-9a-f]{6}\}stretch!%\{F-\}$')
        self.stop_daemon()
        self.assertRegex(self.read_line(), r'^%\{F#[0-9a-f]{6}\}off%\{F-\}$')
        self.stop_monitor()


class ExitTest(MonitorTestCase):
    def setUp(self):
        super().setUp()
        self.start_daemon(interval='1h')

    def test_sigint_and_sigterm(self):
        for signum in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(signal=signum):
                self.start_monitor()
                self.assertEqual(classes_of(self.next_line()), ['sitting'])
                self.stop_monitor(signum)

    def test_closed_pipe(self):
        """The bar goes away: the monitor ends at once, without an error."""
        self.start_monitor()
        self.assertEqual(classes_of(self.next_line()), ['sitting'])
        self.monitor.popen.stdout.close()
        rc = self.monitor.wait(DEADLINE)
        self.assertEqual(rc, 0, self.monitor.output())
        self.assertEqual(self.monitor.output().strip(), '', 'a closed pipe is no error')


class NoReactivationTest(MonitorTestCase):
    """On a bus that can activate deskbreakd, the monitor's first GetStatus
    starts it; once it is stopped, the monitor waits and does not start it
    again. A nested dbus-daemon with an activation file, as in
    test_activation.py."""

    def setUp(self):
        super().setUp()
        if not shutil.which('dbus-daemon'):
            self.skipTest('dbus-daemon not installed')
        self.write_config(config_text(interval='1h'))
        self.start_activation_bus()
        self.addCleanup(self.nested.close)

    def kill_activated(self):
        # The activated daemon is the nested bus's child: stop it by its pid.
        os.kill(self.nested.pid_of(BUS_NAME), signal.SIGTERM)
        self.wait_until(lambda: not self.nested.has_owner(BUS_NAME),
                        what='the activated daemon gone')

    def test_activates_once_then_waits(self):
        self.start_monitor(env=self.base_env(DBUS_SESSION_BUS_ADDRESS=self.nested_address))
        # A daemon just started says "away" until its idle source's first
        # report begins the session; the change comes as a line of its own.
        self.wait_class('sitting')
        self.assertNotIn('off', [classes_of(d)[0] for d in self.lines])
        self.assertTrue(self.nested.has_owner(BUS_NAME))
        try:
            self.kill_activated()
            self.wait_class('off')
            # The minute tick aside, nothing would ask the daemon now; wait
            # long enough to see a GetStatus with auto-start if one came.
            self.settle(2)
            self.assertFalse(self.nested.has_owner(BUS_NAME),
                             'deskbreak monitor started the stopped daemon again')
        finally:
            if self.nested.has_owner(BUS_NAME):
                self.kill_activated()
        self.stop_monitor()


class MonitorTickTest(MonitorTestCase):
    """A minute long: with nothing happening, the next line comes when the
    minute of sitting time changes, counted by the CLI alone."""

    def test_minute_tick(self):
        self.start_daemon(interval='1h')
        # GetStatus says "sitting" as soon as the session starts; the
        # daemon's own announcements of its start (State "away", then
        # "sitting") may still be on their way. Only once the last of them
        # is in does the silence below count.
        self.wait_announced('State', 'sitting')
        self.properties_changed.clear()
        self.start_monitor()
        data = self.next_line()
        self.assertEqual(data['text'], '0m')
        since = self.status()['sitting_since'] / SEC
        data = self.next_line(timeout=75)
        t = time.time()
        self.assertEqual(classes_of(data), ['sitting'])
        self.assertEqual(data['text'], '1m')
        self.assertIn('Sitting for 1m', data['tooltip'])
        self.assertEqual(data['percentage'], 1)
        # At the minute, not before it and not much after.
        self.assertGreaterEqual(t, since + 60 - 0.1)
        self.assertLess(t, since + 62)
        # The daemon had nothing to say meanwhile: the tick was the CLI's own.
        self.pump()
        self.assertEqual(self.properties_changed, [])
        self.stop_monitor()


if __name__ == '__main__':
    dbktest.main()
