#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Translations at work, with a catalog of the test's own: a made-up
language "xx" (LANGUAGE=xx under LC_ALL=C.UTF-8, DESKBREAK_LOCALEDIR
pointing at it) with three plural forms, as Polish has. The CLI speaks
its own language whatever the daemon's, --json and the D-Bus values stay
English, the daemon's reminder and config errors speak its language,
a built-in stretch is translated and the user's own is shown as
written, and times of day and weekdays follow LC_TIME (real en_US and
de_DE locales, made with localedef for the test)."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import unittest

import dbktest
from dbktest import DeskbreakTestCase, SOURCE_DIR

sys.path.insert(0, os.path.join(SOURCE_DIR, 'tests', 'i18n'))
import pofile  # noqa: E402

TEMPLATE = os.path.join(SOURCE_DIR, 'po', 'deskbreak.pot')
LANG = 'xx'
# Polish's rule: 1, 2-4 (not 12-14), the rest.
PLURAL_FORMS = ('nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && '
                '(n%100<10 || n%100>=20) ? 1 : 2);')

# (context, msgid, msgid_plural, translation or [forms]); the msgids must be
# the sources' (checked against the template first).
CATALOG = [
    (None, 'Sitting for %s', None, 'Sitzt seit %s'),
    (None, 'Just sat down', None, 'Gerade hingesetzt'),
    (None, 'next reminder in %s', None, 'nächste Erinnerung in %s'),
    (None, '(every %s)', None, '(alle %s)'),
    (None, '%llum', '%llum', ['%llu Min.', '%llu Min.', '%llu Min.']),
    (None, '%lluh', '%lluh', ['%llu Std.', '%llu Std.', '%llu Std.']),
    (None, 'Today:', None, 'Heute:'),
    (None, '%lu snooze', '%lu snoozes', ['%lu drzemka', '%lu drzemki', '%lu drzemek']),
    (None, 'Snoozed for %s, until %s\n', None, 'Geschlummert: %s, bis %s\n'),
    (None, "Bruegger's relief position", None, 'Brügger-Grundhaltung'),
    (None, 'Doorway stretch', None, 'Türrahmen-Dehnung'),
    (None, 'Stand in a doorway, forearms on the frame, elbows at shoulder height.', None,
     'Stell dich in einen Türrahmen, die Unterarme am Rahmen, die Ellbogen auf Schulterhöhe.'),
    (None, 'Time to stretch: %s', None, 'Zeit zum Dehnen: %s'),
    (None, 'Done', None, 'Fertig'),
    (None, 'Snooze %s', None, 'Schlummern %s'),
    (None, 'Skip', None, 'Überspringen'),
    (None, 'cannot reach deskbreakd: %s', None, 'deskbreakd ist nicht erreichbar: %s'),
    (None, "unknown command '%s'", None, 'unbekannter Befehl »%s«'),
    (None, "Try 'deskbreak --help'.\n", None, "Siehe 'deskbreak --help'.\n"),
    (None, 'out of range; allowed %s', None, 'außerhalb des Bereichs; erlaubt %s'),
    (None, 'Config error: ', None, 'Konfigurationsfehler: '),
    ('stats column', 'Day', None, 'Tag mit Wochentag und Datum'),
    ('stats column', 'Breaks', None, '休息次数'),
]

# Our own stretch, worded as a built-in one is: shown as written all the same.
MY_DOOR = '''
[stretch:my-door]
title=Doorway stretch
steps=Stand in a doorway, forearms on the frame, elbows at shoulder height.
hold=Hold it.
'''


def po_string(text):
    out = text.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
    return f'"{out}"'


def make_catalog(tmp, test):
    """The .mo of CATALOG under tmp/locale/xx/LC_MESSAGES; returns the locale dir."""
    template = {m.key for m in pofile.messages_of(TEMPLATE)}
    lines = ['msgid ""', 'msgstr ""',
             '"Content-Type: text/plain; charset=UTF-8\\n"',
             f'"Plural-Forms: {PLURAL_FORMS}\\n"', '']
    for context, msgid, plural, translation in CATALOG:
        if (context, msgid, plural) not in template:
            test.fail(f'the test catalog translates {msgid!r} ({context}), which is not in '
                      f'{TEMPLATE}: the message changed, update the test')
        if context:
            lines.append(f'msgctxt {po_string(context)}')
        lines.append(f'msgid {po_string(msgid)}')
        if plural:
            lines.append(f'msgid_plural {po_string(plural)}')
            lines += [f'msgstr[{i}] {po_string(t)}' for i, t in enumerate(translation)]
        else:
            lines.append(f'msgstr {po_string(translation)}')
        lines.append('')
    po = os.path.join(tmp, LANG + '.po')
    with open(po, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))
    localedir = os.path.join(tmp, 'locale')
    mo_dir = os.path.join(localedir, LANG, 'LC_MESSAGES')
    os.makedirs(mo_dir)
    r = subprocess.run(['msgfmt', '--check', '-o', os.path.join(mo_dir, 'deskbreak.mo'), po],
                       capture_output=True, text=True)
    test.assertEqual(r.returncode, 0, f'msgfmt: {r.stderr}')
    return localedir


def columns(text):
    """Terminal columns of `text`: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in text)


def polish_form(n):
    if n == 1:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


class XxTestCase(DeskbreakTestCase):
    """A catalog of the test's own, and the environments that speak it."""

    def setUp(self):
        super().setUp()
        if shutil.which('msgfmt') is None:
            self.skipTest('msgfmt (gettext) is not installed')
        self.localedir = make_catalog(self.tmp, self)

    def xx_env(self, **extra):
        return self.base_env(LANGUAGE=LANG, DESKBREAK_LOCALEDIR=self.localedir, **extra)


class CliLanguageTest(XxTestCase):
    """The CLI in xx, the daemon in English."""

    def test_status_in_the_clis_language_json_in_english(self):
        self.start_notify_mock()
        self.start_daemon(interval='1h')
        out = self.cli_ok('status', env=self.xx_env()).stdout
        self.assertRegex(out, r'^(Sitzt seit [^·\n]+|Gerade hingesetzt) · '
                              r'nächste Erinnerung in \d+ (Min|Std)\. \(alle 1 Std\.\)\n', out)
        # The same status in English, from the same CLI: nothing of xx sticks.
        self.assertIn('(every 1h)', self.cli_ok('status').stdout)

        english = self.cli_json()
        raw = self.cli_ok('status', '--json', env=self.xx_env()).stdout
        for word in ('Std.', 'Min.', 'Sitzt', 'Brügger'):
            self.assertNotIn(word, raw)
        translated = json.loads(raw)
        self.assertEqual(set(translated), set(english))
        for key in english:
            if not key.endswith('_usec'):  # sitting time moves on between the two
                self.assertEqual(translated[key], english[key], key)

    def test_plural_forms(self):
        self.start_notify_mock()
        self.start_daemon(interval='1h', snooze='2m')
        seen = set()
        for n in range(1, 6):
            self.cli_ok('snooze')
            self.assertEqual(self.status()['snoozes_today'], n)
            out = self.cli_ok('status', '--verbose', env=self.xx_env()).stdout
            word = ('drzemka', 'drzemki', 'drzemek')[polish_form(n)]
            self.assertRegex(out, rf'(?m)^Heute: .* · {n} {word} · ', out)
            seen.add(word)
        self.assertEqual(len(seen), 3, 'one, few and many')

    def test_unreachable_and_usage_errors(self):
        r = self.cli('status', env=self.xx_env())
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn('deskbreak: deskbreakd ist nicht erreichbar: ', r.stderr)
        r = self.cli('wibble', env=self.xx_env())
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stderr, "deskbreak: unbekannter Befehl »wibble«\n"
                                   "Siehe 'deskbreak --help'.\n")

    def test_builtin_stretch_translated_own_as_written(self):
        self.start_notify_mock()
        self.start_daemon(stretches='doorway;my-door', extra=MY_DOOR)
        self.assertEqual(self.status()['config_error'], '')
        out = self.cli_ok('stretches', env=self.xx_env()).stdout
        lines = {m.group(1): m.group(2) for m in
                 re.finditer(r'(?m)^[* ] ([a-z][a-z0-9-]*)\s{2,}(.*)$', out)}
        self.assertIn('Türrahmen-Dehnung', lines['doorway'])
        self.assertIn('Doorway stretch', lines['my-door'])
        self.assertNotIn('Türrahmen', lines['my-door'])
        out = self.cli_ok('stretch', 'doorway', env=self.xx_env()).stdout
        self.assertIn('Türrahmen-Dehnung (doorway)', out)
        self.assertIn('1. Stell dich in einen Türrahmen', out)
        out = self.cli_ok('stretch', 'my-door', env=self.xx_env()).stdout
        self.assertIn('Doorway stretch (my-door)', out)
        self.assertIn('1. Stand in a doorway', out)

    def test_stats_table_lines_up(self):
        self.start_notify_mock()
        self.start_daemon(interval='1h', snooze='2m')
        self.cli_ok('snooze')
        out = self.cli_ok('stats', env=self.xx_env()).stdout
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith('Heute: '), out)
        # The second line of today starts under the first one's figures.
        self.assertTrue(lines[1].startswith(' ' * len('Heute: ')) and lines[1][7] != ' ', out)
        table = lines[lines.index('') + 1:]
        self.assertEqual(len(table), 8, out)
        heading = table[0]
        self.assertTrue(heading.startswith('Tag mit Wochentag und Datum  '), heading)
        # The breaks column ends where its wide heading does, and every line
        # of the table is as wide as the heading.
        end = columns(heading[:heading.index('休息次数')]) + columns('休息次数')
        for row in table[1:]:
            self.assertEqual(columns(row), columns(heading), f'{row!r}\n{heading!r}')
            self.assertRegex(row[:end], r'\d$', f'{row!r}\n{heading!r}')
            self.assertEqual(row[end:end + 2], '  ', row)


class DaemonLanguageTest(XxTestCase):
    """The daemon in xx, the CLI in English."""

    def test_reminder_in_the_daemons_language_dbus_in_english(self):
        self.start_notify_mock()
        self.start_daemon(interval='6s', snooze='2m', stretches='doorway', env=self.xx_env())
        self.wait_signal('ReminderShown', ('doorway', 1))
        args = self.wait_notify_calls('Notify', 1)[0]
        summary, body, actions = args[3], args[4], args[5]
        self.assertEqual(summary, 'Zeit zum Dehnen: Türrahmen-Dehnung')
        self.assertIn('1. Stell dich in einen Türrahmen', body)
        self.assertEqual(list(actions), ['done', 'Fertig', 'snooze', 'Schlummern 2 Min.',
                                         'skip', 'Überspringen'])
        # D-Bus carries the API's values and the stretches' English text.
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertEqual(st['next_stretch'], 'doorway')
        self.assertEqual(st['next_stretch_title'], 'Doorway stretch')
        stretches = self.call('GetStretches', reply='(a(ssasss))').unpack()[0]
        doorway = next(s for s in stretches if s[0] == 'doorway')
        self.assertEqual(doorway[1], 'Doorway stretch')
        # An English CLI shows them in English.
        out = self.cli_ok('status').stdout
        self.assertIn('Stretch: Doorway stretch', out)
        self.assertNotIn('Türrahmen', out)

    def test_config_error_in_the_daemons_language(self):
        self.start_notify_mock()
        self.start_daemon(snooze='3s', env=self.xx_env())
        err = self.status()['config_error']
        self.assertIn('[timer] snooze=3s: außerhalb des Bereichs; erlaubt 1m .. 24h', err)
        out = self.cli_ok('status').stdout
        self.assertIn('Config error: ', out)
        self.assertIn('außerhalb des Bereichs', out)
        # The reply to Reload, as the English CLI prints it.
        self.write_config(snooze='4s')
        r = self.cli('reload')
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn('snooze=4s: außerhalb des Bereichs; erlaubt 1m .. 24h', r.stderr)
        self.assertIn('the last good config stays in force', r.stderr)


# Real locales for LC_TIME, made in a directory of the test's own (LOCPATH).
LOCALES = ('en_US', 'de_DE')


class TimeOfDayTest(DeskbreakTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        localedef = shutil.which('localedef')
        sources = '/usr/share/i18n/locales'
        if not localedef or not all(os.path.exists(os.path.join(sources, l)) for l in LOCALES):
            raise unittest.SkipTest('localedef and the locale sources (package locales) are '
                                    'needed to make en_US and de_DE')
        cls.locpath = tempfile.mkdtemp(prefix='deskbreak-locales-')
        for name in LOCALES:
            r = subprocess.run([localedef, '-i', name, '-f', 'UTF-8',
                                os.path.join(cls.locpath, name + '.UTF-8')],
                               capture_output=True, text=True)
            # localedef warns (exit 1) about some locales' data and still writes them.
            if not os.path.exists(os.path.join(cls.locpath, name + '.UTF-8', 'LC_TIME')):
                shutil.rmtree(cls.locpath, ignore_errors=True)
                raise unittest.SkipTest(f'localedef could not make {name}: {r.stderr}')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.locpath, ignore_errors=True)
        super().tearDownClass()

    def time_env(self, lc_time):
        env = self.base_env(LOCPATH=self.locpath, LANG='C.UTF-8', LC_TIME=lc_time)
        env.pop('LC_ALL')
        return env

    def test_clock_as_the_locale_writes_it(self):
        self.start_notify_mock()
        self.start_daemon(interval='1h')
        out = self.cli_ok('snooze', '10m', env=self.time_env('en_US.UTF-8')).stdout
        # 12-hour clock, no leading zero, no seconds (past midnight, the weekday first).
        self.assertRegex(out, r'^Snoozed for 10m, until ([A-Z][a-z]{2} )?(1[0-2]|[1-9]):[0-5]\d '
                              r'[AP]M\n$', out)
        out = self.cli_ok('snooze', '10m', env=self.time_env('de_DE.UTF-8')).stdout
        self.assertRegex(out, r'^Snoozed for 10m, until ([A-Z][a-z] )?([01]\d|2[0-3]):[0-5]\d\n$',
                         out)
        out = self.cli_ok('status', env=self.time_env('en_US.UTF-8')).stdout
        self.assertRegex(out, r'until ([A-Z][a-z]{2} )?(1[0-2]|[1-9]):[0-5]\d [AP]M\)', out)

    def test_weekdays_as_the_locale_names_them(self):
        self.start_notify_mock()
        self.start_daemon(interval='1h')
        out = self.cli_ok('stats', env=self.time_env('de_DE.UTF-8')).stdout
        rows = [l for l in out.splitlines() if re.match(r'^\S+ \d{4}-\d\d-\d\d ', l)]
        self.assertEqual(len(rows), 7, out)
        for row in rows:
            self.assertRegex(row, r'^(Mo|Di|Mi|Do|Fr|Sa|So) \d{4}', row)
        heading = next(l for l in out.splitlines() if l.startswith('Day '))
        for row in rows:
            self.assertEqual(len(row), len(heading), f'{row!r}\n{heading!r}')
        # JSON dates are ISO whatever LC_TIME says.
        data = json.loads(self.cli_ok('stats', '--json', env=self.time_env('de_DE.UTF-8')).stdout)
        self.assertTrue(all(re.match(r'^\d{4}-\d\d-\d\d$', d['date']) for d in data['days']))


if __name__ == '__main__':
    dbktest.main()
