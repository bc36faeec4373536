#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""org.deskbreak.Daemon1 as a client sees it: GetStatus, properties and
PropertiesChanged, introspection against the installed XML, argument
checking, and the daemon's process behaviour (--replace, SIGTERM)."""

import os
import subprocess

from gi.repository import Gio, GLib

import dbktest
from dbktest import (BUS_NAME, INTERFACE, OBJECT_PATH, SEC, MIN, ERROR_INVALID_ARGS,
                     DeskbreakTestCase, now_usec)

# GetStatus keys and their D-Bus types, as org.deskbreak.Daemon1.xml documents them.
STATUS_KEYS = {
    'state': 's',
    'sitting_usec': 't',
    'sitting_since': 'x',
    'interval_usec': 't',
    'break_length_usec': 't',
    'natural_break_usec': 't',
    'snooze_usec': 't',
    'remind_again_usec': 't',
    'next_reminder': 'x',
    'snoozed_until': 'x',
    'paused_until': 'x',
    'idle_source': 's',
    'idle_source_detail': 's',
    'locked': 'b',
    'config_path': 's',
    'config_error': 's',
    'notification_server': 's',
    'next_stretch': 's',
    'stretches': 'as',
    'times_shown': 'u',
    'breaks_today': 'u',
    'reminders_today': 'u',
    'snoozes_today': 'u',
    'skips_today': 'u',
    'version': 's',
}

PROPERTIES = {
    'State': 's',
    'SittingSince': 'x',
    'NextReminder': 'x',
    'SnoozedUntil': 'x',
    'PausedUntil': 'x',
    'Interval': 't',
    'IdleSource': 's',
    'ConfigError': 's',
    'Version': 's',
}

U64_MAX = 2**64 - 1
DAY = 24 * 3600 * SEC


class StatusTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_daemon(interval='1h', break_length='45s', natural_break='7m',
                          snooze='3m', remind_again='2m', stretches='doorway;seated-twist',
                          urgency='low')

    def test_get_status_keys_and_types(self):
        raw = self.status_raw()
        for key, sig in STATUS_KEYS.items():
            self.assertIn(key, raw, f'GetStatus lacks "{key}"')
            self.assertEqual(raw[key].get_type_string(), sig, f'GetStatus "{key}" type')

    def test_get_status_values(self):
        before = now_usec()
        st = self.status()
        self.assertEqual(st['state'], 'sitting')
        self.assertEqual(st['interval_usec'], 3600 * SEC)
        self.assertEqual(st['break_length_usec'], 45 * SEC)
        self.assertEqual(st['natural_break_usec'], 7 * MIN)
        self.assertEqual(st['snooze_usec'], 3 * MIN)
        self.assertEqual(st['remind_again_usec'], 2 * MIN)
        self.assertEqual(st['stretches'], ['doorway', 'seated-twist'])
        self.assertEqual(st['next_stretch'], 'doorway')
        self.assertEqual(st['idle_source'], 'none')
        self.assertEqual(st['config_path'], self.config_path)
        self.assertEqual(st['config_error'], '')
        self.assertEqual(st['notification_server'], 'mock-notify')
        self.assertFalse(st['locked'])
        self.assertEqual(st['snoozed_until'], 0)
        self.assertEqual(st['paused_until'], 0)
        self.assertEqual(st['times_shown'], 0)
        for key in ('breaks_today', 'reminders_today', 'snoozes_today', 'skips_today'):
            self.assertEqual(st[key], 0, key)
        self.assertTrue(st['version'])
        # Sitting since the daemon started (source=none: always sitting).
        self.assertGreater(st['sitting_since'], 0)
        self.assertLessEqual(st['sitting_since'], before + 2 * SEC)
        self.assertGreater(st['sitting_since'], before - 60 * SEC)
        self.assertLess(st['sitting_usec'], 60 * SEC)
        # The next reminder is one interval after the session began.
        self.assertAlmostEqual(st['next_reminder'], st['sitting_since'] + 3600 * SEC,
                               delta=2 * SEC)

    def test_sitting_time_counts(self):
        first = self.status()['sitting_usec']
        self.settle(1.2)
        second = self.status()['sitting_usec']
        self.assertGreater(second, first)
        self.assertGreaterEqual(second - first, 1 * SEC)

    def test_properties(self):
        props = self.get_all_properties()
        for name, sig in PROPERTIES.items():
            self.assertIn(name, props, f'GetAll lacks {name}')
            self.assertEqual(props[name].get_type_string(), sig, f'property {name} type')
        st = self.status()
        self.assertEqual(props['State'].unpack(), st['state'])
        # One instant, one time stamp: properties and GetStatus agree to the µs.
        self.assertEqual(props['SittingSince'].unpack(), st['sitting_since'])
        self.assertEqual(props['NextReminder'].unpack(), st['next_reminder'])
        self.assertEqual(props['SnoozedUntil'].unpack(), 0)
        self.assertEqual(props['PausedUntil'].unpack(), 0)
        self.assertEqual(props['Interval'].unpack(), st['interval_usec'])
        self.assertEqual(props['IdleSource'].unpack(), 'none')
        self.assertEqual(props['ConfigError'].unpack(), '')
        self.assertEqual(props['Version'].unpack(), st['version'])
        self.assertEqual(self.get_property('State').unpack(), st['state'])

    def test_properties_are_read_only(self):
        with self.assertRaises(GLib.Error):
            self.bus.call(BUS_NAME, OBJECT_PATH, 'org.freedesktop.DBus.Properties', 'Set',
                          GLib.Variant('(ssv)', (INTERFACE, 'State', GLib.Variant('s', 'paused'))))
        self.assertEqual(self.status()['state'], 'sitting')

    def test_version_matches_cli(self):
        version = self.status()['version']
        r = self.cli_ok('--version')
        self.assertIn(version, r.stdout)
        r = subprocess.run([dbktest.DESKBREAKD, '--version'], env=self.base_env(),
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(version, r.stdout)

    def test_introspection_matches_interface_xml(self):
        ret = self.bus.call(BUS_NAME, OBJECT_PATH, 'org.freedesktop.DBus.Introspectable',
                            'Introspect', None, None, '(s)')
        live = Gio.DBusNodeInfo.new_for_xml(ret.unpack()[0]).lookup_interface(INTERFACE)
        self.assertIsNotNone(live, f'{INTERFACE} not introspectable at {OBJECT_PATH}')
        with open(dbktest.INTERFACE_XML, encoding='utf-8') as f:
            spec = Gio.DBusNodeInfo.new_for_xml(f.read()).lookup_interface(INTERFACE)

        def methods(info):
            return {m.name: ([(a.name, a.signature) for a in m.in_args],
                             [(a.name, a.signature) for a in m.out_args])
                    for m in info.methods}

        def signals(info):
            return {s.name: [(a.name, a.signature) for a in s.args] for s in info.signals}

        def properties(info):
            return {p.name: (p.signature, int(p.flags)) for p in info.properties}

        self.assertEqual(methods(live), methods(spec))
        self.assertEqual(signals(live), signals(spec))
        self.assertEqual(properties(live), properties(spec))

    def test_introspection_of_parent_paths(self):
        # A client browsing the tree (d-feet, busctl tree) finds the object.
        ret = self.bus.call(BUS_NAME, '/org/deskbreak', 'org.freedesktop.DBus.Introspectable',
                            'Introspect', None, None, '(s)')
        node = Gio.DBusNodeInfo.new_for_xml(ret.unpack()[0])
        self.assertIn('Daemon1', [n.path for n in node.nodes])

    def test_reload_ok(self):
        self.call('Reload')
        self.assertEqual(self.status()['config_error'], '')


class InvalidArgsTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_daemon(interval='1h', snooze='3m')

    def assert_unchanged(self):
        st = self.status()
        self.assertEqual(st['state'], 'sitting')
        self.assertEqual(st['snoozed_until'], 0)
        self.assertEqual(st['paused_until'], 0)
        self.assertEqual(st['snoozes_today'], 0)

    def test_snooze_out_of_range(self):
        for usec in (1, 59 * SEC, 59 * SEC + 999999, DAY + 1, 2**63 - 1, 2**63, U64_MAX):
            with self.subTest(usec=usec):
                self.assertDBusError(ERROR_INVALID_ARGS, 'Snooze', (usec,), '(t)')
                self.assertTrue(self.daemon.alive())
                self.assert_unchanged()

    def test_pause_out_of_range(self):
        for usec in (7 * DAY + 1, 2**63, U64_MAX):
            with self.subTest(usec=usec):
                self.assertDBusError(ERROR_INVALID_ARGS, 'Pause', (usec,), '(t)')
                self.assertTrue(self.daemon.alive())
                self.assert_unchanged()

    def test_out_of_range_names_the_value_given(self):
        # Exactly as given, to the µs: never rounded to whole seconds.
        for method, usec, shown in (('Snooze', 1, '1µs'),
                                    ('Snooze', 500000, '500ms'),
                                    ('Snooze', 999999, '999999µs'),
                                    ('Snooze', 59 * SEC + 500000, '59s500ms'),
                                    ('Snooze', 59 * SEC + 999999, '59s999999µs'),
                                    ('Snooze', 59 * SEC, '59s'),
                                    ('Snooze', DAY + SEC, '24h0m1s'),
                                    ('Snooze', U64_MAX, f'{U64_MAX}µs'),
                                    ('Pause', 7 * DAY + 1, '168h1µs'),
                                    ('Pause', 7 * DAY + 1000, '168h1ms')):
            with self.subTest(method=method, usec=usec):
                message = self.assertDBusError(ERROR_INVALID_ARGS, method, (usec,), '(t)')
                self.assertIn(f'A {method.lower()} of {shown} is out of range', message)
                self.assert_unchanged()

    def test_wrong_signature(self):
        # GDBus checks the signature before the daemon's code runs.
        with self.assertRaises(GLib.Error) as cm:
            self.call('Snooze', ('10m',), '(s)')
        self.assertEqual(dbktest.remote_error_name(cm.exception), ERROR_INVALID_ARGS)
        self.assert_unchanged()

    def test_snooze_bounds_accepted(self):
        for usec in (60 * SEC, DAY):
            with self.subTest(usec=usec):
                before = now_usec()
                until = self.call('Snooze', (usec,), '(t)', '(x)').unpack()[0]
                self.assertAlmostEqual(until, before + usec, delta=3 * SEC)
                st = self.status()
                self.assertEqual(st['state'], 'snoozed')
                self.assertEqual(st['snoozed_until'], until, 'Snooze() and GetStatus agree')
                self.call('Resume')
                self.assertEqual(self.status()['state'], 'sitting')

    def test_snooze_zero_is_configured_default(self):
        before = now_usec()
        until = self.call('Snooze', (0,), '(t)', '(x)').unpack()[0]
        self.assertAlmostEqual(until, before + 3 * MIN, delta=3 * SEC)
        self.assertEqual(self.get_property('SnoozedUntil').unpack(), until)
        self.assertEqual(self.status()['snoozed_until'], until)
        self.assertEqual(self.status()['snoozes_today'], 1)

    def test_pause_bounds_accepted(self):
        before = now_usec()
        self.call('Pause', (7 * DAY,), '(t)')
        st = self.status()
        self.assertEqual(st['state'], 'paused')
        self.assertAlmostEqual(st['paused_until'], before + 7 * DAY, delta=3 * SEC)
        self.call('Pause', (0,), '(t)')
        self.assertEqual(self.status()['paused_until'], -1)
        self.assertEqual(self.get_property('PausedUntil').unpack(), -1)
        self.call('Resume')
        st = self.status()
        self.assertEqual(st['state'], 'sitting')
        self.assertEqual(st['paused_until'], 0)

    def test_resume_when_neither_is_harmless(self):
        self.call('Resume')
        self.assert_unchanged()

    def test_take_break_while_sitting(self):
        before = self.status()
        self.settle(1.1)
        self.call('TakeBreak')
        t, _ = self.wait_signal('BreakTaken', ('command',))
        st = self.status()
        self.assertEqual(st['breaks_today'], 1)
        # source=none: the user is at the keyboard, the next session starts at once.
        self.assertEqual(st['state'], 'sitting')
        self.assertGreater(st['sitting_since'], before['sitting_since'])
        self.assertLess(st['sitting_usec'], before['sitting_usec'] + 1 * SEC)


class PropertiesChangedTest(DeskbreakTestCase):
    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.start_daemon(interval='6s', break_length='5s')

    def changed(self, name):
        return [(t, c[name]) for t, c in self.properties_changed if name in c]

    def test_state_due_is_announced(self):
        self.assertEqual(self.get_property('State').unpack(), 'sitting')
        t, _ = self.wait_until(lambda: [x for x in self.changed('State') if x[1] == 'due']
                               and [x for x in self.changed('State') if x[1] == 'due'][0],
                               what='PropertiesChanged State=due')
        self.assertEqual(self.get_property('State').unpack(), 'due')
        # The reminder signal goes out too, in the same moment.
        self.wait_signal('ReminderShown')

    def test_snooze_pause_resume_are_announced(self):
        until = self.call('Snooze', (0,), '(t)', '(x)').unpack()[0]
        self.wait_until(lambda: ('snoozed' in [v for _, v in self.changed('State')]
                                 and [v for _, v in self.changed('SnoozedUntil')
                                      if abs(v - until) <= SEC]),
                        what='PropertiesChanged State=snoozed, SnoozedUntil')
        self.call('Pause', (0,), '(t)')
        self.wait_until(lambda: ('paused' in [v for _, v in self.changed('State')]
                                 and -1 in [v for _, v in self.changed('PausedUntil')]),
                        what='PropertiesChanged State=paused, PausedUntil=-1')
        self.properties_changed.clear()
        self.call('Resume')
        self.wait_until(lambda: (0 in [v for _, v in self.changed('PausedUntil')]
                                 and 0 in [v for _, v in self.changed('SnoozedUntil')]),
                        what='PropertiesChanged PausedUntil=0, SnoozedUntil=0')

    def test_take_break_announces_sitting_since(self):
        since = self.get_property('SittingSince').unpack()
        self.settle(1.1)
        self.call('TakeBreak')
        self.wait_until(lambda: [v for _, v in self.changed('SittingSince') if v > since],
                        what='PropertiesChanged SittingSince')
        self.assertGreater(self.get_property('SittingSince').unpack(), since)


class AutoSourceTest(DeskbreakTestCase):
    def test_auto_falls_back_to_none(self):
        # No Mutter, no screensaver service, no system bus: only "none" works.
        self.start_notify_mock()
        self.start_daemon(interval='1h', source='auto')
        st = self.status()
        self.assertEqual(st['idle_source'], 'none')
        self.assertTrue(st['idle_source_detail'],
                        'idle_source_detail should say why the other sources were passed over')
        self.assertEqual(st['state'], 'sitting')


class ProcessTest(DeskbreakTestCase):
    def test_sigterm_exits_cleanly(self):
        self.start_daemon(interval='1h')
        rc = self.stop_daemon()
        self.assertEqual(rc, 0, 'deskbreakd should exit 0 on SIGTERM')

    def test_second_instance_without_replace(self):
        first = self.start_daemon(interval='1h')
        owner = self.bus.name_owner(BUS_NAME)
        second = self.spawn('deskbreakd-2', [dbktest.DESKBREAKD, '--config', self.config_path])
        rc = second.wait(dbktest.DEADLINE)
        self.assertIsNotNone(rc, 'a second deskbreakd should give up when the name is taken')
        self.assertNotEqual(rc, 0)
        self.assertTrue(first.alive())
        self.assertEqual(self.bus.name_owner(BUS_NAME), owner)

    def test_replace(self):
        first = self.start_daemon(interval='1h')
        owner = self.bus.name_owner(BUS_NAME)
        second = self.spawn('deskbreakd-2', [dbktest.DESKBREAKD, '--config', self.config_path,
                                             '--replace'])
        self.wait_until(lambda: (self.bus.name_owner(BUS_NAME) not in (None, owner)),
                        what='the name taken over by --replace')
        self.assertEqual(self.bus.pid_of(BUS_NAME), second.pid)
        rc = first.wait(dbktest.DEADLINE)
        self.assertIsNotNone(rc, 'the replaced deskbreakd should exit')
        self.assertTrue(second.alive())
        self.daemon = second
        self.wait_state('sitting')

    def test_help_and_bad_option(self):
        r = subprocess.run([dbktest.DESKBREAKD, '--help'], env=self.base_env(),
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('--config', r.stdout)
        r = subprocess.run([dbktest.DESKBREAKD, '--no-such-option'], env=self.base_env(),
                           capture_output=True, text=True, timeout=20)
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(r.stderr.strip())

    def test_no_session_bus(self):
        env = self.base_env(DBUS_SESSION_BUS_ADDRESS='unix:path=' +
                            os.path.join(self.tmp, 'no-session-bus'))
        self.write_config()
        r = subprocess.run([dbktest.DESKBREAKD, '--config', self.config_path], env=env,
                           capture_output=True, text=True, timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(r.stderr.strip(), 'deskbreakd should say why it cannot run')


if __name__ == '__main__':
    dbktest.main()
