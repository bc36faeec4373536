#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Persistence (DESIGN §7) on a real daemon: the sitting session, snooze,
pause and a due reminder survive SIGTERM and SIGKILL; a gap longer than
natural-break is one natural break; the heartbeat keeps a long session
alive across a crash; a short idle writes nothing; a hundred SIGKILLs at
random moments never lose a confirmed count nor leave a file that does not
parse; broken files are moved aside and the daemon carries on, as it does
when it cannot write.

The files are read with this file's own parsers, not the daemon's: the
history's line format, and the state file as a GLib key file.

DESKBREAK_CRASH_SEED repeats a crash run; DESKBREAK_CRASH_ITERATIONS
changes its length (100)."""

import datetime
import os
import random
import re
import shutil
import signal
import subprocess
import time

import dbktest
from dbktest import (BUS_NAME, INTERFACE, OBJECT_PATH, SEC, MIN, DeskbreakTestCase, Gio, GLib,
                     config_text, drain, log)

KINDS = ('break-length', 'action', 'command', 'natural', 'lock', 'suspend')
DAY_KEYS = ('sitting', 'longest', 'reminders', 'snoozes', 'skips') + KINDS
COUNTERS = ('reminders', 'snoozes', 'skips') + KINDS

HISTORY_HEADER = 'deskbreak-history 1'
DAY_LINE = re.compile(r'(\d{4}-\d{2}-\d{2})((?: [a-z-]+=\d+)+)')
CREDITED_LINE = re.compile(r'credited ([0-9a-f]{32}) (\d+) (\d+)')

# Two clocks read at two moments, as in SittingSince before and after a
# restart: the daemon keeps the session on its boot clock.
SINCE_JITTER = 1000  # µs
# It dates that with the wall clock's offset from the boot clock, read once
# and read again only when it moved by more than 1 ms (dbk_daemon_to_unix).
# A wall clock set or slewed between two daemons (as after the machine was
# suspended or its clock synchronised) moves SittingSince with it; so one
# session before and after a restart is compared on the boot clock, where a
# daemon's stamp may lag the moving wall clock by up to that 1 ms.
OFFSET_HYSTERESIS = 1000  # µs
UNTIL_JITTER = SEC

# Root reads any file whatever its mode: drop the capabilities that let it.
SETPRIV = ['setpriv', '--inh-caps=-dac_override,-dac_read_search',
           '--bounding-set=-dac_override,-dac_read_search', '--']


class FormatError(Exception):
    pass


def wall_clock_offset():
    """The wall clock's offset from the boot clock now, in µs: the wall clock
    read between two reads of the boot clock, the closest pair of a few (a
    test preempted between two reads would be off by as long as it waited)."""
    best = None
    for _ in range(10):
        before = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
        wall = time.clock_gettime_ns(time.CLOCK_REALTIME)
        after = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
        if best is None or after - before < best[0]:
            best = (after - before, wall - (before + after) // 2)
        if best[0] < 50000:
            break
    return best[1] // 1000


def on_boot_clock(stamp):
    """A unix-µs stamp the daemon gave just now, on the boot clock."""
    return stamp - wall_clock_offset()


def parse_history(data):
    """The history file's bytes → {'credited': (boot, boottime, realtime) or
    None, 'days': {date: {key: int}}}; FormatError on anything malformed."""
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as e:
        raise FormatError(f'not UTF-8: {e}') from None
    if not text.endswith('\n'):
        raise FormatError('does not end with a newline (cut short?)')
    lines = [l for l in text[:-1].split('\n') if not l.startswith('#')]
    if not lines or lines[0] != HISTORY_HEADER:
        raise FormatError(f'first line {lines[0] if lines else None!r}, not {HISTORY_HEADER!r}')
    lines = lines[1:]
    credited = None
    if lines and lines[0].startswith('credited'):
        m = CREDITED_LINE.fullmatch(lines[0])
        if not m:
            raise FormatError(f'bad credited line {lines[0]!r}')
        credited = (m.group(1), int(m.group(2)), int(m.group(3)))
        lines = lines[1:]
    days = {}
    last = None
    for line in lines:
        m = DAY_LINE.fullmatch(line)
        if not m:
            raise FormatError(f'bad line {line!r}')
        try:
            date = datetime.date.fromisoformat(m.group(1))
        except ValueError:
            raise FormatError(f'bad date in {line!r}') from None
        if last is not None and date <= last:
            raise FormatError(f'{date} after {last}: days not in order')
        last = date
        fields = {}
        for item in m.group(2).split():
            key, _, value = item.partition('=')
            if key in fields:
                raise FormatError(f'{key} twice in {line!r}')
            fields[key] = int(value)
        if set(fields) != set(DAY_KEYS):
            raise FormatError(f'keys {sorted(fields)} in {line!r}, not {sorted(DAY_KEYS)}')
        days[date] = fields
    return {'credited': credited, 'days': days}


def history_text(days, credited=None):
    """A history file from {date: {key: int}} (keys missing → 0)."""
    out = [HISTORY_HEADER]
    if credited:
        out.append('credited %s %d %d' % credited)
    for date in sorted(days):
        out.append(date.isoformat() + ''.join(f' {k}={days[date].get(k, 0)}' for k in DAY_KEYS))
    return '\n'.join(out) + '\n'


def parse_state(data):
    """The state file's bytes → a GLib.KeyFile; FormatError when it is not
    a well-formed key file with its save stamps."""
    if b'\0' in data:
        raise FormatError('contains NUL bytes')
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as e:
        raise FormatError(f'not UTF-8: {e}') from None
    kf = GLib.KeyFile()
    try:
        kf.load_from_data(text, len(data), GLib.KeyFileFlags.NONE)
    except GLib.Error as e:
        raise FormatError(f'not a key file: {e.message}') from None
    groups = kf.get_groups()[0]
    if not groups:
        raise FormatError('no groups')
    stamp = stamp_group(kf)
    if stamp is None:
        raise FormatError(f'no group with the save stamps (boot-id, boottime, realtime): {groups}')
    boot_id = kf.get_string(stamp, 'boot-id')
    if not re.fullmatch(r'[0-9a-f]{32}', boot_id):
        raise FormatError(f'bad boot-id {boot_id!r}')
    for key in ('boottime', 'realtime'):
        if not re.fullmatch(r'-?\d+', kf.get_value(stamp, key)):
            raise FormatError(f'[{stamp}] {key} is not a number')
    return kf


def stamp_group(kf):
    for group in kf.get_groups()[0]:
        keys = kf.get_keys(group)[0]
        if {'boot-id', 'boottime', 'realtime'} <= set(keys):
            return group
    return None


def kf_bool(kf, group, key):
    try:
        return kf.get_boolean(group, key)
    except GLib.Error:
        return False


def file_totals(history):
    """Counters summed over every day of a parsed history file."""
    tot = {k: 0 for k in COUNTERS}
    tot['sitting'] = 0
    for fields in history['days'].values():
        for k in COUNTERS:
            tot[k] += fields[k]
        tot['sitting'] += fields['sitting']
    tot['breaks'] = sum(tot[k] for k in KINDS)
    return tot


class PersistenceCase(DeskbreakTestCase):
    needs_cli = False

    def setUp(self):
        super().setUp()
        self.state_dir = os.path.join(self.state_home, 'deskbreak')
        self.state_path = os.path.join(self.state_dir, 'state')
        self.history_path = os.path.join(self.state_dir, 'history')
        self.addCleanup(self._writable_again)

    def _writable_again(self):
        # Runs before the harness removes the directory.
        for path in (self.state_dir, self.state_path, self.history_path):
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o700)

    # -- the daemon ----------------------------------------------------------

    def start(self, config, prefix=(), quick=False):
        """Starts deskbreakd (optionally under `prefix`, e.g. setpriv) and
        waits until it owns its name and its session started; returns the
        seconds that took."""
        self.write_config(config)
        t0 = time.monotonic()
        proc = self.spawn('deskbreakd', list(prefix) + [
            dbktest.DESKBREAKD, '--config', self.config_path, '--verbose'])
        self.daemon = proc
        poll = 0.005 if quick else 0.05

        def owned():
            if not proc.alive():
                self.fail(f'deskbreakd exited ({proc.returncode()}) at start:\n{proc.output()}')
            return self.bus.has_owner(BUS_NAME)
        self.wait_until(owned, what='deskbreakd on the bus', interval=poll)
        self.wait_until(lambda: self.status()['state'] != 'away', what='the sitting session',
                        interval=poll)
        return time.monotonic() - t0

    def kill(self, signum=signal.SIGKILL):
        """Stops the daemon with `signum` and waits until the bus has seen
        it go, so every message it sent has reached us."""
        proc = self.daemon
        os.kill(proc.pid, signum)
        rc = proc.wait(30)
        self.assertIsNotNone(rc, f'deskbreakd did not exit on {signal.Signals(signum).name}')
        if signum == signal.SIGTERM:
            self.assertEqual(rc, 0, f'deskbreakd exited {rc} on SIGTERM:\n{proc.output()}')
        self.daemon = None
        self.wait_until(lambda: not self.bus.has_owner(BUS_NAME), what='the name released',
                        interval=0.002)
        drain()
        return proc

    def restart(self, config, signum):
        self.kill(signum)
        self.start(config)

    def since(self):
        return self.get_property('SittingSince').unpack()

    def since_boot(self):
        """SittingSince on the boot clock, to compare across a restart."""
        return on_boot_clock(self.since())

    def assertSameSince(self, since_boot, msg=None):
        """SittingSince is the session start `since_boot` (from since_boot())."""
        self.assertAlmostEqual(self.since_boot(), since_boot,
                               delta=SINCE_JITTER + OFFSET_HYSTERESIS, msg=msg)

    def history(self, days):
        return self.call('GetHistory', (days,), '(u)', '(aa{sv})').unpack()[0]

    def history_totals(self, days=2):
        entries = self.history(days)
        self.check_history_entries(entries, days)
        tot = {k: 0 for k in COUNTERS}
        tot['sitting'] = 0
        tot['breaks'] = 0
        for e in entries:
            for k in KINDS:
                tot[k] += e['breaks_by_kind'][k]
            for k in ('reminders', 'snoozes', 'skips', 'breaks'):
                tot[k] += e[k]
            tot['sitting'] += e['sitting_usec']
        return tot, entries

    def check_history_entries(self, entries, days):
        self.assertEqual(len(entries), days, f'GetHistory({days}) gave {len(entries)} days')
        today = {datetime.date.today(), datetime.date.today() - datetime.timedelta(days=1)}
        dates = [datetime.date.fromisoformat(e['date']) for e in entries]
        self.assertIn(dates[-1], today | {d + datetime.timedelta(days=1) for d in today},
                      'the last day is not today')
        for a, b in zip(dates, dates[1:]):
            self.assertEqual(b - a, datetime.timedelta(days=1), f'days not consecutive: {dates}')
        for e in entries:
            self.assertEqual(set(e['breaks_by_kind']), set(KINDS), e)
            self.assertEqual(e['breaks'], sum(e['breaks_by_kind'].values()), e)

    # -- the files -----------------------------------------------------------

    def read_bytes(self, path):
        with open(path, 'rb') as f:
            return f.read()

    def read_history(self):
        data = self.read_bytes(self.history_path)
        try:
            return parse_history(data)
        except FormatError as e:
            self.fail(f'{self.history_path} is malformed ({e}):\n{data!r}')

    def read_state(self):
        data = self.read_bytes(self.state_path)
        try:
            return parse_state(data)
        except FormatError as e:
            self.fail(f'{self.state_path} is malformed ({e}):\n{data!r}')

    def broken_files(self):
        if not os.path.isdir(self.state_dir):
            return []
        return sorted(n for n in os.listdir(self.state_dir) if '.broken-' in n)

    def today_line(self):
        return self.read_history()['days'].get(datetime.date.today())

    def warnings(self, proc=None):
        text = (proc or self.daemon).output()
        return [l for l in text.splitlines() if 'warning:' in l or 'error:' in l]


INTERVAL = 6
CONFIG = config_text(interval=f'{INTERVAL}s', break_length='5s', natural_break='1m', snooze='1m',
                     remind_again='0', source='none')


# ---------------------------------------------------------------------------


class RestartTest(PersistenceCase):
    """A restart shorter than natural-break continues everything."""

    def due_then_snooze(self, signum):
        self.start_notify_mock()
        self.start(CONFIG)
        since = self.since_boot()
        self.wait_signal('ReminderShown')
        st = self.status()
        self.assertEqual((st['state'], st['reminders_today']), ('due', 1))

        # A due reminder comes back due, and is not counted again.
        self.restart(CONFIG, signum)
        st = self.status()
        self.assertEqual(st['state'], 'due', st)
        self.assertSameSince(since)
        self.settle(1.0)
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertEqual(st['reminders_today'], 1, 'the restored reminder was counted again')

        until = self.call('Snooze', (MIN,), '(t)', '(x)').unpack()[0]
        self.assertEqual(self.status()['snoozes_today'], 1)
        self.signals.clear()
        self.restart(CONFIG, signum)
        st = self.status()
        self.assertEqual(st['state'], 'snoozed', st)
        self.assertAlmostEqual(st['snoozed_until'], until, delta=UNTIL_JITTER)
        self.assertAlmostEqual(self.get_property('SnoozedUntil').unpack(), until,
                               delta=UNTIL_JITTER)
        self.assertSameSince(since)
        self.assertEqual(st['snoozes_today'], 1)
        self.assertEqual(st['reminders_today'], 1)
        # Sitting time is past the interval: a snooze lost would remind at once.
        self.settle(1.0)
        self.assertEqual(self.reminders_shown(), [])
        self.assertEqual(self.status()['state'], 'snoozed')
        # Nor was the restart a break.
        st = self.status()
        self.assertEqual(st['breaks_today'], 0)
        self.assertGreaterEqual(st['sitting_today_usec'], st['sitting_usec'] - SEC)
        day = self.history(1)[0]
        self.assertEqual(day['breaks_by_kind']['natural'], 0)
        self.assertEqual((day['snoozes'], day['reminders']), (1, 1))

    def test_sigterm_keeps_session_due_reminder_and_snooze(self):
        self.due_then_snooze(signal.SIGTERM)

    def test_sigkill_keeps_session_due_reminder_and_snooze(self):
        self.due_then_snooze(signal.SIGKILL)

    def test_pause_survives_restart(self):
        self.start_notify_mock()
        self.start(CONFIG)
        since = self.since_boot()
        self.call('Pause', (0,), '(t)')
        for signum in (signal.SIGTERM, signal.SIGKILL):
            self.restart(CONFIG, signum)
            st = self.status()
            self.assertEqual((st['state'], st['paused_until']), ('paused', -1), st)
            self.assertSameSince(since)
        self.call('Resume')
        self.assertIn(self.status()['state'], ('sitting', 'due'))
        t = time.time()
        self.call('Pause', (2 * MIN,), '(t)')
        until = self.status()['paused_until']
        self.assertAlmostEqual(until / SEC, t + 120, delta=3)
        self.restart(CONFIG, signal.SIGKILL)
        st = self.status()
        self.assertEqual(st['state'], 'paused', st)
        self.assertAlmostEqual(st['paused_until'], until, delta=UNTIL_JITTER)
        self.assertSameSince(since)
        self.assertEqual(st['breaks_today'], 0)


    def test_second_daemon_leaves_the_files_alone(self):
        # A deskbreakd refused the name (another one runs) must not read,
        # write nor tidy the state of the one running.
        self.start_notify_mock()
        self.start(CONFIG)
        self.call('Snooze', (MIN,), '(t)')
        with open(self.state_path, 'rb') as f:
            state = f.read()
        with open(self.history_path, 'rb') as f:
            history = f.read()
        second = self.spawn('deskbreakd-second', [dbktest.DESKBREAKD, '--config',
                                                  self.config_path, '--verbose'])
        self.assertEqual(second.wait(dbktest.DEADLINE), 1, second.output())
        self.assertIn('already runs', second.output())
        with open(self.state_path, 'rb') as f:
            self.assertEqual(f.read(), state)
        with open(self.history_path, 'rb') as f:
            self.assertEqual(f.read(), history)
        st = self.status()
        self.assertEqual((st['state'], st['snoozes_today']), ('snoozed', 1), st)


class GapTest(PersistenceCase):
    """The gap between two daemons: a natural break when longer than
    natural-break, sitting when shorter — measured from the last save or
    heartbeat, not from the last transition."""

    def shift_saved_back(self, seconds):
        """Makes the last save look `seconds` older: the state file's save
        stamps and the history's credited mark, on both clocks."""
        kf = self.read_state()
        group = stamp_group(kf)
        for key in ('boottime', 'realtime'):
            kf.set_int64(group, key, kf.get_int64(group, key) - int(seconds * SEC))
        with open(self.state_path, 'w', encoding='utf-8') as f:
            f.write(kf.to_data()[0])
        hist = self.read_history()
        if hist['credited']:
            boot, bt, rt = hist['credited']
            hist['credited'] = (boot, bt - int(seconds * SEC), rt - int(seconds * SEC))
            with open(self.history_path, 'w', encoding='utf-8') as f:
                f.write(history_text(hist['days'], hist['credited']))

    def test_long_gap_is_one_natural_break(self):
        config = config_text(interval='1h', natural_break='1m', source='none')
        self.start_notify_mock()
        self.start(config)
        since = self.since()
        self.call('Snooze', (0,), '(t)', '(x)')
        self.kill(signal.SIGTERM)
        t_stop = time.time()
        before = self.read_history()['days'].get(datetime.date.today())
        self.assertIsNotNone(before, 'no line for today in the history')
        self.shift_saved_back(120)
        t_start = time.time()
        self.start(config)
        tot, entries = self.history_totals(2)
        self.assertEqual(tot['natural'], 1, entries)
        self.assertEqual(tot['breaks'], 1, entries)
        self.assertEqual(tot['snoozes'], 1, entries)
        st = self.status()
        if entries[-1]['date'] == datetime.date.today().isoformat():
            self.assertEqual(st['breaks_today'], entries[-1]['breaks'])
        # A fresh session, begun by this daemon.
        new_since = self.since()
        self.assertGreater(new_since, since)
        self.assertGreaterEqual(new_since, int(t_start * SEC) - SINCE_JITTER)
        self.assertIn(st['state'], ('sitting', 'idle'))
        # The gap is not sitting time.
        limit = (t_stop * SEC - since) + (time.time() - t_start) * SEC + SEC
        self.assertLessEqual(tot['sitting'], limit, entries)

    def test_heartbeat_keeps_a_long_session_across_a_crash(self):
        # natural-break 10 s: heartbeats every 5 s; no transition after the
        # start, a SIGKILL after more than natural-break, a quick restart.
        config = config_text(interval='1h', natural_break='10s', source='none')
        self.start_notify_mock()
        self.start(config)
        since = self.since()
        since_boot = self.since_boot()
        self.wait_until(lambda: os.path.exists(self.state_path), what='the state file')
        writes = []

        def note_write():
            st = os.stat(self.state_path)
            key = (st.st_ino, st.st_mtime_ns)
            if not writes or writes[-1][1] != key:
                writes.append((time.monotonic(), key))
            return time.time() * SEC - since > 11.5 * SEC
        self.wait_until(note_write, timeout=30, what='11.5 s of sitting', interval=0.1)
        gaps = [b[0] - a[0] for a, b in zip(writes, writes[1:])]
        self.assertGreaterEqual(len(writes), 3, f'too few saves in 11.5 s: {len(writes)}')
        self.assertLessEqual(max(gaps), 5 + 2.5, f'heartbeat every 5 s, but gaps {gaps}')
        self.restart(config, signal.SIGKILL)
        self.assertSameSince(since_boot)
        st = self.status()
        self.assertEqual(st['breaks_today'], 0)
        self.assertEqual(self.history(1)[0]['breaks_by_kind']['natural'], 0)
        self.assertGreaterEqual(st['sitting_today_usec'], 11 * SEC)


class QuietDiskTest(PersistenceCase):
    """DESIGN §12: a short idle that ends in input writes nothing; a
    transition writes what a restart needs before its reply."""

    def files(self):
        out = {}
        for path in (self.state_path, self.history_path):
            st = os.stat(path)
            out[os.path.basename(path)] = (st.st_ino, st.st_mtime_ns, self.read_bytes(path))
        return out

    def test_short_idles_write_nothing(self):
        # break-length 5 s: Mutter tells of a pause after 5 s. natural-break
        # 5 min: the heartbeat comes every 2 minutes.
        self.start_notify_mock()
        self.start_mutter_mock()
        config = config_text(interval='1h', break_length='5s', natural_break='5m',
                             source='mutter')
        self.start(config)
        self.user_input()
        self.wait_state('sitting')
        self.wait_until(lambda: os.path.exists(self.history_path), what='the history file')
        before = self.files()
        t0 = time.monotonic()
        for _ in range(3):
            self.wait_state('idle')
            self.user_input()
            self.wait_state('sitting')
        after = self.files()
        self.assertEqual(after['history'], before['history'], 'a short idle wrote the history')
        if time.monotonic() - t0 < 100:
            self.assertEqual(after['state'], before['state'], 'a short idle wrote the state')
        else:
            # A machine so slow that the heartbeat came: it moves the stamp only.
            strip = lambda data: data.split(b'[saved]')[0]  # noqa: E731
            self.assertEqual(strip(after['state'][2]), strip(before['state'][2]))

        # A snooze is a transition: both files are new by the time it is confirmed.
        self.call('Snooze', (0,), '(t)', '(x)')
        snoozed = self.files()
        for name in ('state', 'history'):
            self.assertNotEqual(snoozed[name][0], after[name][0], f'Snooze did not write {name}')
        self.assertGreater(self.read_state().get_uint64('reminders', 'snooze-left'), 0)
        self.assertEqual(self.today_line()['snoozes'], 1)


# ---------------------------------------------------------------------------


class Model:
    """What the test knows of the daemon from confirmed events."""

    def __init__(self):
        self.due = False
        self.paused = False
        self.snoozed_until = 0  # unix µs
        self.since = 0  # unix µs
        self.since_boot = 0  # the same, on the boot clock (on_boot_clock)


class CrashTest(PersistenceCase):
    """SIGKILL at random moments: nothing confirmed is ever lost, nothing
    unconfirmed is counted twice, and the files always parse."""

    ITERATIONS = int(os.environ.get('DESKBREAK_CRASH_ITERATIONS') or 100)

    def consume(self):
        """Counts the signals received so far, in order."""
        drain()
        items = self.signals.items
        while self.seen < len(items):
            t, member, args, _, _ = items[self.seen]
            self.seen += 1
            if member == 'ReminderShown':
                # remind-again=0: a second showing of one due reminder is
                # a restored one put back on screen, never a new one.
                if not self.model.due:
                    self.exp['reminders'] += 1
                    self.model.due = True
                    self.t_confirmed = max(self.t_confirmed, t)
            elif member == 'BreakTaken':
                self.exp[args[0]] += 1
                self.model.due = False
                self.model.snoozed_until = 0
                self.t_confirmed = max(self.t_confirmed, t)
                self.breaks_seen += 1

    def pick(self, rng, wait=False):
        """A random transition. Breaks mostly once the session has lasted
        past the interval, so that reminders come in between."""
        long_session = time.time() * SEC - self.model.since > (INTERVAL + 2) * SEC
        actions = ['Snooze', 'Resume', 'Pause', 'TakeBreak']
        weights = [3, 3, 2, 3 if long_session else 0.15]
        if wait:
            actions.append('wait')
            weights.append(3)
        return rng.choices(actions, weights=weights)[0]

    def args_for(self, action, rng):
        if action == 'Snooze':
            return (rng.choice([0, MIN, 2 * MIN, 5 * MIN]),), '(t)', '(x)'
        if action == 'Pause':
            return (0,), '(t)', None
        return None, None, None

    def confirmed(self, action, reply):
        """Applies a transition whose reply arrived."""
        self.consume()
        m = self.model
        if action == 'Snooze':
            self.exp['snoozes'] += 1
            m.snoozed_until = reply.unpack()[0]
            m.due = False
        elif action == 'Pause':
            m.paused = True
            m.due = False
        elif action == 'Resume':
            m.paused = False
            m.snoozed_until = 0
        elif action == 'TakeBreak':
            self.assertEqual(self.breaks_seen, self.breaks_before + 1,
                             'TakeBreak replied without exactly one BreakTaken before it')
            m.due = False
            m.snoozed_until = 0
        self.t_confirmed = time.time()
        self.transitions += 1

    def do(self, action, rng):
        args, sig, reply_sig = self.args_for(action, rng)
        self.breaks_before = self.breaks_seen
        reply = self.call(action, args, sig, reply_sig)
        self.confirmed(action, reply)
        if action == 'TakeBreak':
            self.model.since = self.since()
            self.model.since_boot = on_boot_clock(self.model.since)

    def wait_reminder(self):
        """Waits for a reminder due within 3 s; False when none is."""
        st = self.status()
        self.consume()
        nxt = st['next_reminder']
        if self.model.due or not nxt or st['state'] not in ('sitting', 'idle') \
                or nxt - time.time() * SEC > 3 * SEC:
            return False
        self.wait_until(lambda: (self.consume(), self.model.due)[1],
                        timeout=(nxt / SEC - time.time()) + 15, what='the reminder',
                        interval=0.01)
        self.t_confirmed = time.time()
        self.transitions += 1
        return True

    def send_async(self, action, rng):
        args, sig, reply_sig = self.args_for(action, rng)
        box = {'action': action, 'done': False, 'reply': None, 'error': None}
        self.breaks_before = self.breaks_seen

        def on_reply(conn, res, *_):
            try:
                box['reply'] = conn.call_finish(res)
            except GLib.Error as e:
                box['error'] = e
            box['done'] = True
        params = GLib.Variant(sig, args) if sig else None
        self.bus.conn.call(BUS_NAME, OBJECT_PATH, INTERFACE, action, params,
                           GLib.VariantType.new(reply_sig) if reply_sig else None,
                           Gio.DBusCallFlags.NO_AUTO_START, 20000, None, on_reply, None)
        box['sent'] = time.time()
        return box

    def pump_for(self, seconds):
        end = time.monotonic() + seconds
        while True:
            self.consume()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.005))

    def quiet_check(self):
        """GetHistory(2) and GetStatus at a moment when every signal the
        daemon sent before them has been counted."""
        for _ in range(20):
            self.consume()
            n0 = len(self.signals.items)
            tot, entries = self.history_totals(2)
            st = self.status()
            drain()
            if len(self.signals.items) == n0:
                return tot, entries, st
        self.fail('signals kept coming around GetHistory')

    def retire(self, proc):
        """A killed daemon: its log checked, kept on disk, off the list the
        harness prints on failure (but for the last few)."""
        bad = [l for l in proc.output().splitlines()
               if 'CRITICAL **' in l or 'Sanitizer' in l or 'runtime error:' in l
               or 'deskbreakd: error:' in l]
        self.assertEqual(bad, [], f'deskbreakd {proc.log_path} logged:\n' + '\n'.join(bad))
        self.all_warnings += [l for l in proc.output().splitlines() if 'warning:' in l]
        self.killed.append(proc)
        if len(self.killed) > 3:
            old = self.killed.pop(0)
            self.procs.remove(old)
            old._log.close()

    def test_random_kills(self):
        seed = os.environ.get('DESKBREAK_CRASH_SEED')
        seed = int(seed) if seed else random.SystemRandom().randrange(2 ** 32)
        log(f'crash test: seed {seed} (DESKBREAK_CRASH_SEED={seed} repeats it), '
            f'{self.ITERATIONS} iterations')
        rng = random.Random(seed)
        self.exp = {k: 0 for k in COUNTERS}
        self.model = Model()
        self.seen = 0
        self.breaks_seen = 0
        self.breaks_before = 0
        self.transitions = 0
        self.killed = []
        self.all_warnings = []
        modes = {'after-reply': 0, 'mid-call': 0, 'mid-wait': 0}
        inflight_stats = {}  # (action, 'counted'|'not counted'|…) → n
        restart_times = []
        extra_reminders = 0

        self.start_notify_mock()
        t_begin = time.monotonic()
        t_first = time.time()
        self.start(CONFIG, quick=True)
        first_since = self.since() / SEC
        self.model.since = self.since()
        self.model.since_boot = on_boot_clock(self.model.since)
        self.t_confirmed = time.time()
        self.consume()

        for i in range(self.ITERATIONS):
            where = f'seed {seed}, iteration {i}'
            # -- a short script of confirmed transitions
            for _ in range(rng.randint(0, 3)):
                action = self.pick(rng, wait=True)
                if action == 'wait':
                    self.wait_reminder()
                else:
                    self.do(action, rng)
            mode = rng.choices(('after-reply', 'mid-call', 'mid-wait'), weights=(1, 1, 1))[0]
            modes[mode] += 1
            box = None
            if mode == 'after-reply':
                self.do(self.pick(rng), rng)
            elif mode == 'mid-call':
                box = self.send_async(self.pick(rng), rng)
                # 0–20 ms, half of them within the 1–2 ms the daemon takes
                # to save and answer.
                time.sleep(rng.uniform(0, 0.003) if rng.random() < 0.5
                           else rng.uniform(0, 0.020))
            else:
                st = self.status()
                nxt = st['next_reminder'] / SEC - time.time()
                if not self.model.due and 0 < nxt < INTERVAL + 0.5 and rng.random() < 0.7:
                    # Around the reminder the timer will show.
                    self.pump_for(rng.uniform(max(0.0, nxt - 0.5), nxt + 0.1))
                else:
                    self.pump_for(rng.uniform(0, 0.5))
            t_kill = time.time()
            model_due_at_kill = self.model.due
            proc = self.kill(signal.SIGKILL)
            self.consume()
            unconfirmed = None
            if box is not None:
                self.wait_until(lambda: box['done'], what=f'the {box["action"]} call to end',
                                interval=0.002)
                if box['reply'] is not None:
                    self.confirmed(box['action'], box['reply'])
                else:
                    unconfirmed = box['action']

            # -- the files, as the killed daemon left them
            self.assertEqual(self.broken_files(), [], where)
            if self.transitions or os.path.exists(self.history_path):
                hist = self.read_history()
                kf = self.read_state()
            else:
                hist, kf = {'days': {}, 'credited': None}, None
            disk = file_totals(hist)
            disk_due = kf is not None and kf_bool(kf, 'session', 'due')
            allowed = {k: {0} for k in COUNTERS}
            if unconfirmed == 'Snooze':
                allowed['snoozes'] = {0, 1}
            if unconfirmed == 'TakeBreak':
                allowed['command'] = {0, 1}
            if not model_due_at_kill and (disk_due or unconfirmed in ('Snooze', 'Pause',
                                                                      'TakeBreak')):
                allowed['reminders'] = {0, 1}
            diff = {k: disk[k] - self.exp[k] for k in COUNTERS}
            bad = {k: v for k, v in diff.items() if v not in allowed[k]}
            if bad:
                self.fail(f'{where}: the history on disk differs from the confirmed counts '
                          f'by {bad} (allowed {dict((k, allowed[k]) for k in bad)}); '
                          f'disk {disk}, confirmed {self.exp}, in flight: {unconfirmed}, '
                          f'kill mode {mode}, due at kill {model_due_at_kill}\n'
                          f'{self.read_bytes(self.history_path).decode()}\n'
                          f'{self.read_bytes(self.state_path).decode()}')
            self.assertLessEqual(disk['sitting'], (t_kill - t_first + 1) * SEC,
                                 f'{where}: more sitting time on disk than time passed')
            if diff['reminders']:
                extra_reminders += 1
            if unconfirmed in ('Snooze', 'TakeBreak'):
                counted = diff['snoozes' if unconfirmed == 'Snooze' else 'command']
                key = (unconfirmed, 'counted' if counted else 'not counted')
                inflight_stats[key] = inflight_stats.get(key, 0) + 1
            had_pause = self.model.paused
            had_snooze = self.model.snoozed_until > t_kill * SEC
            for k in COUNTERS:
                self.exp[k] = disk[k]
            self.model.due = disk_due
            self.retire(proc)

            # -- the next daemon takes over
            t_kill_mono = time.monotonic()
            self.start(CONFIG, quick=True)
            restart_times.append(time.monotonic() - t_kill_mono)
            tot, entries, st = self.quiet_check()
            diff = {k: tot[k] - self.exp[k] for k in COUNTERS if tot[k] != self.exp[k]}
            if diff:
                self.fail(f'{where}: after the restart GetHistory(2) differs from the counts '
                          f'by {diff}: {entries}; expected {self.exp}')
            now = time.time()
            self.assertLessEqual(tot['sitting'], (now - t_first + 1) * SEC,
                                 f'{where}: more sitting time than time passed: {entries}')
            self.assertGreaterEqual(tot['sitting'], (self.t_confirmed - first_since - 1) * SEC,
                                    f'{where}: sitting time lost: {entries}')
            today = entries[-1]
            for key, field in (('breaks_today', 'breaks'), ('reminders_today', 'reminders'),
                               ('snoozes_today', 'snoozes'), ('skips_today', 'skips')):
                if today['date'] == datetime.date.today().isoformat():
                    self.assertEqual(st[key], today[field], f'{where}: {key} {st}')
            # The state that came back.
            since = st['sitting_since']
            since_boot = on_boot_clock(since)
            same_since = (abs(since_boot - self.model.since_boot)
                          <= SINCE_JITTER + OFFSET_HYSTERESIS)
            if box is not None and box['action'] == 'TakeBreak':
                # The killed daemon's session began at the break, if it took it.
                new = since >= box['sent'] * SEC - SINCE_JITTER
                if unconfirmed:
                    new = new or same_since
                self.assertTrue(new, f'{where}: SittingSince {since} (was {self.model.since}, '
                                f'TakeBreak sent at {box["sent"]}, confirmed: {not unconfirmed})')
            else:
                self.assertTrue(same_since,
                                f'{where}: SittingSince moved from {self.model.since} to {since} '
                                f'({since_boot - self.model.since_boot} µs on the boot clock)')
            self.model.since = since
            self.model.since_boot = since_boot
            if unconfirmed in ('Pause', 'Resume'):
                if unconfirmed == 'Pause':
                    effect = ('no change' if had_pause else
                              'applied' if st['state'] == 'paused' else 'not applied')
                else:
                    effect = ('no change' if not (had_pause or had_snooze) else
                              'applied' if st['paused_until'] == 0 and st['snoozed_until'] == 0
                              else 'not applied')
                key = (unconfirmed, effect)
                inflight_stats[key] = inflight_stats.get(key, 0) + 1
            if unconfirmed in ('Pause', 'Resume', 'Snooze', 'TakeBreak'):
                self.model.paused = st['paused_until'] != 0
                self.model.snoozed_until = st['snoozed_until']
            else:
                if self.model.paused:
                    self.assertEqual((st['state'], st['paused_until']), ('paused', -1),
                                     f'{where}: pause lost')
                elif self.model.snoozed_until > now * SEC + UNTIL_JITTER:
                    self.assertEqual(st['state'], 'snoozed', f'{where}: snooze lost {st}')
                    self.assertAlmostEqual(st['snoozed_until'], self.model.snoozed_until,
                                           delta=UNTIL_JITTER, msg=where)
                if disk_due:
                    self.assertEqual(st['state'], 'due', f'{where}: due reminder lost {st}')
            self.assertEqual(self.broken_files(), [], where)

        total = time.monotonic() - t_begin
        last = self.kill(signal.SIGTERM)
        leftovers = sorted(n for n in os.listdir(self.state_dir)
                           if n not in ('state', 'history'))
        state_warnings = [w for w in self.all_warnings + self.warnings(last)
                          if self.state_dir in w]
        figures = [
            f'seed {seed}',
            f'iterations {self.ITERATIONS}',
            'kills: ' + ', '.join(f'{v} {k}' for k, v in modes.items()),
            f'confirmed transitions {self.transitions} (reminders {self.exp["reminders"]}, '
            f'snoozes {self.exp["snoozes"]}, command breaks {self.exp["command"]})',
            f'restarts {len(restart_times)}, restart time max {max(restart_times) * 1000:.0f} ms, '
            f'median {sorted(restart_times)[len(restart_times) // 2] * 1000:.0f} ms',
            'in flight at the kill: ' + (', '.join(
                f'{a} {c} ×{n}' for (a, c), n in sorted(inflight_stats.items())) or 'none'),
            f'reminders counted but unseen at the kill {extra_reminders}',
            f'files left beside state and history: {leftovers or "none"}',
            f'total {total:.1f} s',
        ]
        log('crash test figures:\n  ' + '\n  '.join(figures))
        self.assertEqual(state_warnings, [], 'warnings about the state directory')


# ---------------------------------------------------------------------------


def setpriv_works():
    if os.geteuid() != 0:
        return True, ''
    if not shutil.which('setpriv'):
        return False, 'setpriv not installed'
    probe = os.path.join('/tmp', f'deskbreak-setpriv-{os.getpid()}')
    try:
        with open(probe, 'w') as f:
            f.write('x')
        os.chmod(probe, 0)
        r = subprocess.run(SETPRIV + ['cat', probe], capture_output=True, timeout=10)
        if r.returncode == 0:
            return False, 'setpriv did not take away root\'s file access'
        return True, ''
    except (OSError, subprocess.SubprocessError) as e:
        return False, f'setpriv failed: {e}'
    finally:
        try:
            os.unlink(probe)
        except OSError:
            pass


CORRUPT_CONFIG = config_text(interval='1h', natural_break='1m', source='none')

# Files none of deskbreak's own, at the end of a link where its files
# should be: never quoted, never written. Each starts as its file would.
SECRET = 'SECRET-7f3a'
SECRET_TEXTS = {
    'state': f'[rotation]\n{SECRET} someone else\'s file\n',
    'history': f'{HISTORY_HEADER}\n{SECRET} someone else\'s file\n',
}


class CorruptFilesTest(PersistenceCase):
    """A broken state or history file is moved aside with a warning that
    names it; the daemon starts, works and writes fresh files."""

    def make_files(self):
        """A run that leaves a real state and history behind (one snooze)."""
        self.start(CORRUPT_CONFIG)
        self.call('Snooze', (0,), '(t)', '(x)')
        self.kill(signal.SIGTERM)
        self.read_state()
        self.assertEqual(self.today_line()['snoozes'], 1)

    def corrupt(self, path, how):
        if how == 'truncated':
            text = self.read_bytes(path).decode()
            lines = text.splitlines(keepends=True)
            if path == self.state_path:
                # Inside the key of the last key=value line: not a key file.
                idx = max(i for i, l in enumerate(lines) if '=' in l)
                cut = len(lines[idx].partition('=')[0]) // 2
            else:
                # Half of today's line, the last one.
                idx = len(lines) - 1
                cut = len(lines[idx]) // 2
            self.assertGreater(cut, 0)
            with open(path, 'w') as f:
                f.write(''.join(lines[:idx]) + lines[idx][:cut])
        elif how == 'garbage':
            with open(path, 'wb') as f:
                f.write(b'\x00\xff' + os.urandom(510))
        elif how == 'empty':
            open(path, 'w').close()
        elif how == 'directory':
            os.unlink(path)
            os.mkdir(path)
            with open(os.path.join(path, 'inside'), 'w') as f:
                f.write('x')
        elif how == 'unreadable':
            os.chmod(path, 0)
        elif how == 'symlink':
            os.unlink(path)
            os.symlink(self.secret_file(path), path)
        elif how == 'fifo':
            os.unlink(path)
            os.mkfifo(path, 0o600)
        else:
            raise AssertionError(how)

    def secret_file(self, path):
        """A file that is none of deskbreak's business, outside its
        directory, for a link at `path` to point to."""
        name = os.path.basename(path)
        target = os.path.join(self.tmp, 'elsewhere-' + name)
        if not os.path.exists(target):
            with open(target, 'w') as f:
                f.write(SECRET_TEXTS[name])
        return target

    def check_secret_untouched(self):
        for name, text in SECRET_TEXTS.items():
            target = os.path.join(self.tmp, 'elsewhere-' + name)
            if os.path.exists(target):
                with open(target) as f:
                    self.assertEqual(f.read(), text, f'{target} was written')
        for proc in self.procs:
            self.assertNotIn(SECRET, proc.output(), f'{proc.name} quoted a file it does not own')

    def prefix_for(self, how):
        if how == 'unreadable' and os.geteuid() == 0:
            ok, why = setpriv_works()
            if not ok:
                self.skipTest(f'running as root and {why}')
            return SETPRIV
        return ()

    def check_moved_aside(self, path):
        name = os.path.basename(path)
        broken = self.broken_files()
        self.assertEqual(len(broken), 1, f'broken files: {broken}')
        self.assertTrue(broken[0].startswith(name + '.broken-'), broken)
        self.assertRegex(broken[0], r'\.broken-\d{8}T\d{6}')
        lines = [l for l in self.warnings() if path in l and 'moved' in l]
        self.assertTrue(lines, f'no warning naming {path} and saying it was moved:\n'
                        + self.daemon.output())

    def check_works(self, snoozes_before):
        """GetStatus answers, a snooze is counted and reaches a fresh,
        well-formed file."""
        st = self.status()
        self.assertEqual(st['snoozes_today'], snoozes_before)
        self.call('Snooze', (0,), '(t)', '(x)')
        self.assertEqual(self.status()['snoozes_today'], snoozes_before + 1)
        self.assertEqual(self.history(1)[0]['snoozes'], snoozes_before + 1)
        self.assertEqual(self.today_line()['snoozes'], snoozes_before + 1)
        kf = self.read_state()
        self.assertTrue(kf.has_group('rotation') or kf.has_group('session'))
        self.assertTrue(self.daemon.alive())

    def broken_case(self, which, how):
        self.start_notify_mock()
        self.make_files()
        path = self.state_path if which == 'state' else self.history_path
        prefix = self.prefix_for(how)
        self.corrupt(path, how)
        self.start(CORRUPT_CONFIG, prefix=prefix)
        self.check_moved_aside(path)
        # A broken history loses today's line (the only one); a broken
        # state leaves the history alone.
        self.check_works(1 if which == 'state' else 0)
        if how == 'symlink':
            self.assertFalse(os.path.islink(path))
            self.check_secret_untouched()

    def test_symlinks_placed_while_running_are_replaced(self):
        # Writes replace a link at either path, never the file it points to.
        self.start_notify_mock()
        self.start(CORRUPT_CONFIG)
        self.call('Snooze', (0,), '(t)', '(x)')
        for path in (self.state_path, self.history_path):
            os.unlink(path)
            os.symlink(self.secret_file(path), path)
        self.call('Snooze', (0,), '(t)', '(x)')
        for path in (self.state_path, self.history_path):
            self.assertFalse(os.path.islink(path), f'{path} is still a link')
        self.check_secret_untouched()
        self.assertEqual(self.today_line()['snoozes'], 2)
        self.assertGreater(self.read_state().get_uint64('reminders', 'snooze-left'), 0)
        for path in (self.state_path, self.history_path):
            os.unlink(path)
            os.symlink(self.secret_file(path), path)
        self.kill(signal.SIGTERM)
        self.check_secret_untouched()
        self.assertEqual(self.today_line()['snoozes'], 2)

    def test_history_bad_line_among_good_ones(self):
        self.start_notify_mock()
        self.make_files()
        hist = self.read_history()
        today = datetime.date.today()
        d3, d2 = today - datetime.timedelta(days=3), today - datetime.timedelta(days=2)
        days = dict(hist['days'])
        days[d3] = {'sitting': 3600 * SEC, 'longest': 1800 * SEC, 'reminders': 2, 'snoozes': 3,
                    'skips': 1, 'command': 2, 'natural': 4}
        days[d2] = {'sitting': 7200 * SEC, 'longest': 2400 * SEC, 'reminders': 5, 'snoozes': 0,
                    'skips': 0, 'break-length': 3, 'lock': 1}
        lines = history_text(days, hist['credited']).splitlines(keepends=True)
        # Between the two old days: a line that is no day at all.
        at = next(i for i, l in enumerate(lines) if l.startswith(d2.isoformat()))
        lines.insert(at, 'this is no day at all\n')
        with open(self.history_path, 'w') as f:
            f.write(''.join(lines))
        self.start(CORRUPT_CONFIG)
        self.check_moved_aside(self.history_path)
        entries = self.history(4)
        by_date = {e['date']: e for e in entries}
        old3, old2 = by_date[d3.isoformat()], by_date[d2.isoformat()]
        self.assertEqual((old3['sitting_usec'], old3['longest_usec'], old3['reminders'],
                          old3['snoozes'], old3['skips'], old3['breaks']),
                         (3600 * SEC, 1800 * SEC, 2, 3, 1, 6))
        self.assertEqual((old3['breaks_by_kind']['command'], old3['breaks_by_kind']['natural']),
                         (2, 4))
        self.assertEqual((old2['sitting_usec'], old2['reminders'], old2['breaks'],
                          old2['breaks_by_kind']['break-length'], old2['breaks_by_kind']['lock']),
                         (7200 * SEC, 5, 4, 3, 1))
        # Today's good line is kept too.
        self.check_works(1)
        kept = self.read_history()['days']
        self.assertIn(d3, kept)
        self.assertIn(d2, kept)
        self.assertEqual(kept[d3]['natural'], 4)

    def header_case(self, header):
        self.start_notify_mock()
        self.make_files()
        text = self.read_bytes(self.history_path).decode()
        lines = text.splitlines(keepends=True)
        at = lines.index(HISTORY_HEADER + '\n')
        lines[at:at + 1] = [] if header is None else [header + '\n']
        with open(self.history_path, 'w') as f:
            f.write(''.join(lines))
        self.start(CORRUPT_CONFIG)
        self.check_moved_aside(self.history_path)
        self.assertTrue(self.daemon.alive())
        self.call('Snooze', (0,), '(t)', '(x)')
        self.assertEqual(parse_history(self.read_bytes(self.history_path))['days']
                         [datetime.date.today()]['snoozes'], self.status()['snoozes_today'])

    def test_history_unknown_version(self):
        self.header_case('deskbreak-history 2')

    def test_history_without_header(self):
        self.header_case(None)

    # -- nowhere to write ----------------------------------------------------

    def transitions(self, n=10):
        for i in range(n):
            action = ('Snooze', 'Resume', 'Pause', 'Resume', 'TakeBreak')[i % 5]
            if action == 'Snooze':
                self.call('Snooze', (0,), '(t)', '(x)')
            elif action == 'Pause':
                self.call('Pause', (0,), '(t)')
            else:
                self.call(action)

    def test_state_directory_unwritable(self):
        self.start_notify_mock()
        self.make_files()
        prefix = ()
        if os.geteuid() == 0:
            ok, why = setpriv_works()
            if not ok:
                self.skipTest(f'running as root and {why}')
            prefix = SETPRIV
        os.chmod(self.state_dir, 0o500)
        self.start(CORRUPT_CONFIG, prefix=prefix)
        self.assertEqual(self.status()['snoozes_today'], 1, 'the history was not read')
        self.transitions(10)
        self.assertTrue(self.daemon.alive())
        st = self.status()
        self.assertEqual(st['snoozes_today'], 3)
        self.assertEqual(st['breaks_today'], 2)
        warnings = self.warnings()
        self.assertTrue(warnings, 'no warning that nothing can be saved:\n' + self.daemon.output())
        self.assertLessEqual(len(warnings), 4, 'a flood of warnings:\n' + '\n'.join(warnings))
        self.assertEqual(self.broken_files(), [])
        # Writable again: the next transition is saved, with what came before.
        os.chmod(self.state_dir, 0o700)
        self.call('Snooze', (0,), '(t)', '(x)')
        self.assertEqual(self.today_line()['snoozes'], 4)
        self.assertEqual(self.today_line()['command'], 2)
        self.read_state()

    def test_file_where_the_state_directory_should_be(self):
        self.start_notify_mock()
        with open(self.state_dir, 'w') as f:
            f.write('not a directory\n')
        self.start(CORRUPT_CONFIG)
        self.transitions(10)
        self.assertTrue(self.daemon.alive())
        st = self.status()
        self.assertEqual(st['snoozes_today'], 2)
        self.assertEqual(st['breaks_today'], 2)
        self.assertEqual(len(self.history(1)), 1)
        warnings = self.warnings()
        self.assertTrue(warnings, 'no warning that nothing can be saved:\n' + self.daemon.output())
        self.assertLessEqual(len(warnings), 4, 'a flood of warnings:\n' + '\n'.join(warnings))
        self.assertTrue(any(self.state_dir in w for w in warnings), warnings)


def _add_broken_cases():
    for which in ('state', 'history'):
        for how in ('truncated', 'garbage', 'empty', 'directory', 'unreadable', 'symlink',
                    'fifo'):
            def test(self, which=which, how=how):
                self.broken_case(which, how)
            test.__name__ = f'test_{which}_{how}'
            test.__doc__ = f'{which}: {how}'
            setattr(CorruptFilesTest, test.__name__, test)


_add_broken_cases()


if __name__ == '__main__':
    dbktest.main()
