#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The stretch catalogue on a real daemon: the user's own [stretch:ID]
groups reach the notification and the CLI, their text is escaped for
servers that read markup, bad ones are reported, and the rotation never
suggests the same stretch twice in a row."""

import os

import dbktest
from dbktest import DeskbreakTestCase

CUSTOM = '''
[stretch:neck-roll]
title=Neck roll
steps=Let your chin drop <slowly> & gently.;Roll your head to one side, then the other.
hold=Five slow rolls each way.
'''


class CustomStretchTest(DeskbreakTestCase):
    def test_custom_stretch_in_the_reminder(self):
        self.start_notify_mock(capabilities='body body-markup actions')
        self.start_daemon(interval='6s', stretches='neck-roll', extra=CUSTOM)
        self.assertEqual(self.status()['config_error'], '')
        self.assertEqual(self.status()['next_stretch_title'], 'Neck roll')
        self.wait_signal('ReminderShown', ('neck-roll', 1))
        args = self.wait_notify_calls('Notify', 1)[0]
        summary, body = args[3], args[4]
        self.assertIn('Neck roll', summary)
        # The server reads markup: the user's text arrives escaped.
        self.assertIn('&lt;slowly&gt; &amp; gently', body)
        self.assertNotIn('<slowly>', body)
        self.assertIn('Five slow rolls each way.', body)

    def test_plain_text_server_gets_the_text_as_written(self):
        self.start_notify_mock(capabilities='body actions')
        self.start_daemon(interval='6s', stretches='neck-roll', extra=CUSTOM)
        self.wait_signal('ReminderShown', ('neck-roll', 1))
        body = self.wait_notify_calls('Notify', 1)[0][4]
        self.assertIn('<slowly> & gently', body)

    def test_cli_lists_and_shows_custom_stretches(self):
        self.start_notify_mock()
        self.start_daemon(stretches='bruegger;neck-roll', extra=CUSTOM)
        out = self.cli_ok('stretches').stdout
        self.assertIn('neck-roll', out)
        self.assertIn('Neck roll', out)
        line = next(l for l in out.splitlines() if 'neck-roll' in l)
        self.assertTrue(line.startswith('*'), f'neck-roll not marked in: {line!r}')
        out = self.cli_ok('stretch', 'neck-roll').stdout
        self.assertIn('Roll your head to one side, then the other.', out)
        self.assertIn('Five slow rolls each way.', out)
        r = self.cli('stretch', 'no-such-stretch')
        self.assertEqual(r.returncode, 2)
        self.assertIn('neck-roll', r.stderr)

    def test_bad_custom_stretch_is_reported(self):
        self.start_notify_mock()
        self.start_daemon(extra='[stretch:neck-roll]\ntitle=Neck roll\nhold=Five.\n')
        err = self.status()['config_error']
        self.assertIn('[stretch:neck-roll]', err)
        self.assertIn('steps', err)
        r = self.cli('config', 'check', self.config_path)
        self.assertEqual(r.returncode, 1)
        self.assertIn('steps', r.stderr)


class RotationTest(DeskbreakTestCase):
    def test_never_the_same_twice_in_a_row(self):
        self.start_notify_mock()
        self.start_daemon(interval='6s', stretches='doorway;doorway;bruegger')
        shown = []
        for _ in range(3):
            before = len(self.reminders_shown())
            self.wait_until(lambda: len(self.reminders_shown()) > before,
                            what='the next reminder')
            shown.append(self.reminders_shown()[-1][0])
            self.cli_ok('break')
        self.assertEqual(shown, ['doorway', 'bruegger', 'doorway'])

    def test_rotation_survives_a_restart(self):
        self.start_notify_mock()
        config = dbktest.config_text(interval='6s', stretches='bruegger;doorway;wall-angels')
        self.start_daemon(config=config)
        self.wait_signal('ReminderShown', ('bruegger', 1))
        self.assertEqual(self.stop_daemon(), 0)
        self.signals.clear()
        self.start_daemon(config=config)
        # Back within natural-break: the same session, the same due reminder.
        status = self.status()
        self.assertEqual(status['state'], 'due')
        self.assertEqual(status['next_stretch'], 'bruegger')
        self.assertEqual(status['reminders_today'], 1)
        self.cli_ok('break')
        self.assertEqual(self.status()['next_stretch'], 'doorway')
        self.wait_signal('ReminderShown', ('doorway', 1))

    def test_broken_state_file_is_moved_aside(self):
        state_dir = os.path.join(self.state_home, 'deskbreak')
        os.makedirs(state_dir, exist_ok=True)
        with open(os.path.join(state_dir, 'state'), 'wb') as f:
            f.write(b'\x00\xff garbage [')
        self.start_notify_mock()
        self.start_daemon(interval='6s', stretches='bruegger;doorway')
        self.wait_signal('ReminderShown', ('bruegger', 1))
        self.assertIn('moved it to', self.daemon_log())
        self.assertTrue(any(n.startswith('state.broken-') for n in os.listdir(state_dir)))


if __name__ == '__main__':
    dbktest.main()
