#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""deskbreak's budget (DESIGN §11), measured and printed; nothing asserted.

    dbus-run-session --config-file=tests/session.conf -- \\
        /usr/bin/python3 tests/benchmark.py [--minutes N] [--work-minutes W] [WHAT ...]

WHAT is any of: mutter, wayland, x11, mutter-mock (the event-driven idle
sources: the daemon's wakeups and CPU per minute over N idle minutes and N
active minutes, input every 5 s), status (`deskbreak status` wall time),
reminder (how late a reminder comes after its due time), memory (PSS after
a few idle minutes), writes (the daemon's disk writes, below). Default: all
of them that can run here but writes, which runs long. N defaults to 5 (6
for writes).

writes runs the x11 source on Xvfb with the default config (an empty file)
and counts the daemon's renames and fsyncs with strace (-f -y, attached once
the first session has begun, so the start-up's writes are not counted;
detached at the end). An fsync on an fd opened on a directory is a
directory fsync; a durable save is a rename followed by a directory fsync
before the next rename. Two phases, each with a daemon and state directory
of its own, each skipped when its length is 0:
  - reading, N minutes: the reader's rhythm, a minute of 20 s with a pointer
    move every 2-5 s then 40 s hands off (past the 30 s threshold: a short
    idle); renames and fsyncs per hour, the raw counts, the measured time
    and the short idles seen.
  - a working hour, W minutes (default 60): 25 minutes of the reader's
    rhythm, then 6 minutes hands off (past natural-break, 5 minutes: a
    natural break), back, and again; renames, fsyncs and durable saves per
    hour, the non-durable ones apart.
Both run in real time.

DESKBREAKD and DESKBREAK name the binaries (default: build/…); use a build
without sanitizers. The figures: wakeups are context switches of all the
daemon's threads (/proc/PID/task/*/status), which also count each wait for
the disk: every save of the state files blocks in fsync a few times, so
a transition or a heartbeat (every 2 minutes while a session goes on)
adds several, though the main loop wakes once. CPU is their run time
(/proc/PID/task/*/schedstat), memory is /proc/PID/smaps_rollup's Pss.
"""

import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'integration'))
BUILD = os.path.join(os.path.dirname(HERE), 'build')
os.environ.setdefault('DESKBREAKD', os.path.join(BUILD, 'daemon', 'deskbreakd'))
os.environ.setdefault('DESKBREAK', os.path.join(BUILD, 'cli', 'deskbreak'))
os.environ.setdefault('MOCK_MUTTER', os.path.join(HERE, 'mock-mutter.py'))
os.environ.setdefault('DESKBREAK_SOURCE_DIR', os.path.dirname(HERE))
os.environ.setdefault('WL_ACTIVITY', os.path.join(BUILD, 'tests', 'wayland', 'wl-activity'))

import dbktest  # noqa: E402
from dbktest import SEC, DeskbreakTestCase  # noqa: E402

INPUT_EVERY = 5.0
# The reader's rhythm (writes): input for READ_FOR s of every READ_CYCLE s, a
# pointer move every READ_MOVE_EVERY s; a working hour's sessions and breaks.
READ_FOR = 20.0
READ_CYCLE = 60.0
READ_MOVE_EVERY = (2.0, 5.0)
WORK_SESSION = 25 * 60.0
WORK_BREAK = 6 * 60.0
results = []


def report(what, figure):
    line = f'{what:<52} {figure}'
    results.append(line)
    print(line, flush=True)


def thread_counters(pid):
    """(context switches of all threads, voluntary ones of the main thread —
    its wake-ups —, CPU ns of all threads)."""
    switches = main = cpu = 0
    task_dir = f'/proc/{pid}/task'
    for tid in os.listdir(task_dir):
        try:
            with open(f'{task_dir}/{tid}/status') as f:
                for line in f:
                    if line.startswith(('voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches')):
                        switches += int(line.split()[1])
                        if tid == str(pid) and line.startswith('voluntary'):
                            main += int(line.split()[1])
            with open(f'{task_dir}/{tid}/schedstat') as f:
                cpu += int(f.read().split()[0])
        except FileNotFoundError:
            pass  # a thread that ended meanwhile
    return switches, main, cpu


def pss_kib(pid):
    with open(f'/proc/{pid}/smaps_rollup') as f:
        for line in f:
            if line.startswith('Pss:'):
                return int(line.split()[1])
    return 0


class WriteCounter:
    """strace on a running deskbreakd: its renames and fsyncs, in order.

    Attached to all its threads with -f; -y names each fd's file, and the
    openat calls say what an fd was opened on (O_DIRECTORY, or a path that
    is a directory) where -y cannot."""

    TRACE = 'fsync,fdatasync,rename,renameat,renameat2,openat'

    def __init__(self, test, pid):
        self.test = test
        self.path = os.path.join(test.tmp, f'strace-{pid}.txt')
        self.proc = test.spawn('strace', ['strace', '-f', '-y', '-e', f'trace={self.TRACE}',
                                          '-o', self.path, '-p', str(pid)])
        test.wait_until(lambda: 'attached' in self.proc.output() or not self.proc.alive(),
                        what='strace attached')
        if not self.proc.alive():
            test.fail(f'strace could not attach to {pid}:\n{self.proc.output()}')
        self.start = time.monotonic()
        self.seconds = None

    def detach(self):
        """Detaches (SIGINT: strace lets go of the daemon, which runs on);
        returns the traced events."""
        self.seconds = time.monotonic() - self.start
        self.proc.signal(signal.SIGINT)
        if self.proc.wait(dbktest.DEADLINE) is None:
            self.test.fail('strace did not detach on SIGINT')
        return self.events()

    CALL = re.compile(r'^(\d+)\s+(?:(\w+)\((.*)|<\.\.\. (\w+) resumed>(.*))$')
    RESULT = re.compile(r'\)\s+=\s+(-?\d+)(?:<([^>]*)>)?(?:\s.*)?$')
    FD = re.compile(r'^(\d+)(?:<([^>]*)>)?')
    QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')

    def events(self):
        """[('rename', target) | ('fsync', path) | ('dirsync', path)] in order."""
        events = []
        pending = {}  # tid: (name, args so far) of a call left unfinished
        fds = {}  # fd: (path, opened with O_DIRECTORY)
        with open(self.path, encoding='utf-8', errors='replace') as f:
            for line in f:
                m = self.CALL.match(line.rstrip('\n'))
                if not m:
                    continue  # signals, exits
                tid, name, args = m.group(1), m.group(2), m.group(3)
                if name is None:  # <... NAME resumed>
                    name, args = m.group(4), pending.pop(tid, (m.group(4), ''))[1] + m.group(5)
                elif args.endswith('<unfinished ...>'):
                    pending[tid] = (name, args[:-len('<unfinished ...>')])
                    continue
                r = self.RESULT.search(args)
                if not r or int(r.group(1)) < 0:
                    continue  # failed
                if name == 'openat':
                    quoted = self.QUOTED.findall(args)
                    fds[int(r.group(1))] = (r.group(2) or (quoted[0] if quoted else ''),
                                            'O_DIRECTORY' in args)
                elif name in ('fsync', 'fdatasync'):
                    fd = self.FD.match(args)
                    if not fd:
                        continue
                    path, is_dir = fds.get(int(fd.group(1)), ('', False))
                    path = fd.group(2) or path
                    is_dir = is_dir or (bool(path) and os.path.isdir(path))
                    events.append(('dirsync' if is_dir else 'fsync', path))
                elif name.startswith('rename'):
                    quoted = self.QUOTED.findall(args)
                    events.append(('rename', quoted[-1] if quoted else ''))
        return events


def write_figures(events):
    """Counts of the traced events: renames by file, file and directory
    fsyncs, durable saves (a rename followed by a directory fsync before
    the next rename)."""
    renames = [os.path.basename(p) for kind, p in events if kind == 'rename']
    durable = 0
    for i, (kind, _) in enumerate(events):
        if kind != 'rename':
            continue
        for later, _ in events[i + 1:]:
            if later == 'rename':
                break
            if later == 'dirsync':
                durable += 1
                break
    return dict(renames=len(renames),
                by_file={name: renames.count(name) for name in sorted(set(renames))},
                fsyncs=sum(1 for kind, _ in events if kind == 'fsync'),
                dirsyncs=sum(1 for kind, _ in events if kind == 'dirsync'),
                durable=durable, non_durable=len(renames) - durable)


import unittest  # noqa: E402

import test_mutter  # noqa: E402


class Bench(test_mutter.MutterHelpers, DeskbreakTestCase):
    minutes = 5.0
    writes_minutes = 6.0
    work_minutes = 60.0

    def measure(self, label, user_input=None):
        """The daemon's cost per minute over the configured minutes, with
        `user_input` called every INPUT_EVERY s (None: hands off)."""
        pid = self.daemon.pid
        self.settle(2)  # the start-up's own work is not the steady state
        s0, m0, c0 = thread_counters(pid)
        t0 = time.monotonic()
        end = t0 + self.minutes * 60
        while time.monotonic() < end:
            if user_input:
                user_input()
            self.settle(min(INPUT_EVERY, max(0.0, end - time.monotonic())))
        s1, m1, c1 = thread_counters(pid)
        minutes = (time.monotonic() - t0) / 60
        report(f'{label}: main-thread wakeups/min', f'{(m1 - m0) / minutes:.2f}')
        report(f'{label}: context switches/min, all threads', f'{(s1 - s0) / minutes:.2f}')
        report(f'{label}: CPU ms/min', f'{(c1 - c0) / 1e6 / minutes:.3f}')

    def run_source(self, name, user_input):
        st = self.status()
        self.assertEqual(st['idle_source'], name.split('-')[0],
                         f'not on {name}: {st["idle_source_detail"]}')
        self.measure(f'{name}, idle', None)
        user_input()
        self.wait_state('sitting')
        self.measure(f'{name}, active', user_input)

    def daemon_config(self):
        # The defaults, as a user has them, on a session that never ends.
        return dict(interval='24h', break_length=None, natural_break='4h', snooze=None,
                    remind_again=None)

    def test_mutter_mock(self):
        self.start_notify_mock()
        self.start_mutter_mock()
        self.start_daemon(source='mutter', **self.daemon_config())
        self.run_source('mutter-mock', self.user_input)

    def test_mutter(self):
        problem = test_mutter.mutter_problem()
        if problem:
            self.skipTest(f'real Mutter cannot start here: {problem}')
        self.start_notify_mock()
        self.start_session_manager()
        self.start_real_mutter()
        self.user_input()
        self.start_daemon(source='mutter', **self.daemon_config())
        self.run_source('mutter', self.user_input)

    def test_x11(self):
        import test_x11
        if test_x11.MISSING:
            self.skipTest(test_x11.SKIP_REASON)
        self.start_notify_mock()
        x = test_x11.XServer(self)
        x.key()
        self.start_daemon(env=x.env(), source='x11', **self.daemon_config())
        self.run_source('x11', x.key)

    def test_wayland(self):
        import test_wayland
        kwin = test_wayland.WaylandTest
        try:
            kwin._set_up_kwin()
        except unittest.SkipTest as e:
            self.skipTest(str(e))
        self.addCleanup(kwin.tearDownClass)
        # Borrow the KWin helpers of the wayland tests.
        self.kwin = kwin.kwin
        self._wait_kwin_ready = kwin._wait_kwin_ready
        self.start_notify_mock()
        kwin.start_kwin(self)
        env = self.base_env(WAYLAND_DISPLAY=test_wayland.SOCKET)

        def user_input():
            subprocess.run([test_wayland.WL_ACTIVITY], env=env, check=True,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        user_input()
        self.start_daemon(source='wayland', env=env, **self.daemon_config())
        self.run_source('wayland', user_input)

    # -- writes --------------------------------------------------------------

    def start_x11_default(self, x):
        """deskbreakd with an empty config file (the defaults: source auto,
        which finds the X server) on Xvfb; a fresh state directory."""
        shutil.rmtree(os.path.join(self.state_home, 'deskbreak'), ignore_errors=True)
        x.move()
        self.start_daemon(config='', env=x.env())
        st = self.status()
        self.assertEqual(st['idle_source'], 'x11', f'not on x11: {st["idle_source_detail"]}')
        return self.daemon.pid

    def read(self, x, seconds, rng):
        """The reader's rhythm for `seconds`: a pointer move every 2-5 s for
        READ_FOR s, hands off for the rest of each READ_CYCLE s."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            cycle = time.monotonic()
            cycle_end = min(cycle + READ_CYCLE, end)
            input_end = min(cycle + READ_FOR, cycle_end)
            while True:
                x.move()
                pause = rng.uniform(*READ_MOVE_EVERY)
                if time.monotonic() + pause > input_end:
                    break
                self.settle(pause)
            self.settle(max(0.0, cycle_end - time.monotonic()))

    def states_since(self, t0):
        """The states the daemon reported (State in PropertiesChanged) since
        wall time t0, repeats dropped."""
        states = []
        for t, changed in self.properties_changed:
            if t >= t0 and 'State' in changed and (not states or states[-1] != changed['State']):
                states.append(changed['State'])
        return states

    def report_writes(self, label, counter, events, t0):
        f = write_figures(events)
        hours = counter.seconds / 3600
        states = self.states_since(t0)
        # An idle the next input ended, not a natural break.
        short = sum(1 for i, s in enumerate(states)
                    if s == 'idle' and (i + 1 == len(states) or states[i + 1] != 'away'))
        natural = sum(1 for t, m, a, _, _ in self.signals.items
                      if t >= t0 and m == 'BreakTaken' and a[0] == 'natural')
        reminders = sum(1 for t, m, _, _, _ in self.signals.items
                        if t >= t0 and m == 'ReminderShown')
        report(f'{label}: counted', 'from strace attached after the first session began'
               ' (start-up writes not counted)')
        report(f'{label}: measured minutes', f'{counter.seconds / 60:.2f}')
        report(f'{label}: renames (raw)', f'{f["renames"]} '
               + '(' + ', '.join(f'{k} {v}' for k, v in f['by_file'].items()) + ')')
        report(f'{label}: file fsyncs (raw)', f'{f["fsyncs"]}')
        report(f'{label}: directory fsyncs (raw)', f'{f["dirsyncs"]}')
        report(f'{label}: renames/hour', f'{f["renames"] / hours:.1f}')
        report(f'{label}: fsyncs/hour, files + dirs',
               f'{(f["fsyncs"] + f["dirsyncs"]) / hours:.1f}')
        report(f'{label}: file fsyncs/hour', f'{f["fsyncs"] / hours:.1f}')
        report(f'{label}: directory fsyncs/hour', f'{f["dirsyncs"] / hours:.1f}')
        report(f'{label}: durable saves (raw)', f'{f["durable"]}')
        report(f'{label}: durable saves/hour', f'{f["durable"] / hours:.1f}')
        report(f'{label}: non-durable saves (raw)', f'{f["non_durable"]}')
        report(f'{label}: non-durable saves/hour', f'{f["non_durable"] / hours:.1f}')
        report(f'{label}: short idles', f'{short}')
        report(f'{label}: natural breaks', f'{natural}')
        report(f'{label}: reminders shown', f'{reminders}')

    def test_writes(self):
        import test_x11
        if test_x11.MISSING:
            self.skipTest(test_x11.SKIP_REASON)
        if not shutil.which('strace'):
            self.skipTest('strace not installed')
        self.start_notify_mock()
        x = test_x11.XServer(self)
        rng = random.Random(1)

        if self.writes_minutes > 0:
            counter = WriteCounter(self, self.start_x11_default(x))
            t0 = time.time()
            self.read(x, self.writes_minutes * 60, rng)
            self.report_writes('writes, reading', counter, counter.detach(), t0)
            self.stop_daemon()

        if self.work_minutes > 0:
            counter = WriteCounter(self, self.start_x11_default(x))
            t0 = time.time()
            end = time.monotonic() + self.work_minutes * 60
            while time.monotonic() < end:
                self.read(x, min(WORK_SESSION, end - time.monotonic()), rng)
                self.settle(min(WORK_BREAK, max(0.0, end - time.monotonic())))
            self.report_writes('writes, working hour', counter, counter.detach(), t0)

    def test_status(self):
        self.start_notify_mock()
        self.start_daemon()
        env = self.base_env()
        times = []
        for _ in range(200):
            t = time.perf_counter()
            subprocess.run([dbktest.DESKBREAK, 'status'], env=env, stdout=subprocess.DEVNULL,
                           check=True)
            times.append(time.perf_counter() - t)
        report('deskbreak status: median ms (200 runs)', f'{statistics.median(times) * 1e3:.2f}')
        report('deskbreak status: p90 ms', f'{statistics.quantiles(times, n=10)[-1] * 1e3:.2f}')

    def test_reminder(self):
        self.start_notify_mock()
        self.start_daemon(interval='10s')
        late = []
        for _ in range(3):
            since = self.status()['sitting_since']
            before = len(self.reminders_shown())
            self.wait_until(lambda: len(self.reminders_shown()) > before, what='the reminder')
            t_shown = self.signals.items[-1][0]
            late.append(t_shown - (since / SEC + 10))
            self.cli_ok('break')
        report('reminder: seconds after due (worst of 3)', f'{max(late):.3f}')

    def test_memory(self):
        self.start_notify_mock()
        self.start_mutter_mock()
        self.start_daemon(source='mutter', **self.daemon_config())
        self.settle(min(self.minutes, 2) * 60)
        report('memory: PSS KiB after idle minutes', f'{pss_kib(self.daemon.pid)}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--minutes', type=float, default=None,
                        help='the length of each phase (default 5; 6 for writes)')
    parser.add_argument('--work-minutes', type=float, default=60.0,
                        help="writes: the working hour's length (0 skips it)")
    parser.add_argument('what', nargs='*')
    args = parser.parse_args()
    if args.minutes is not None:
        Bench.minutes = Bench.writes_minutes = args.minutes
    Bench.work_minutes = args.work_minutes
    names = args.what or ['mutter', 'wayland', 'x11', 'status', 'reminder', 'memory']
    suite = unittest.TestSuite(Bench(f'test_{n.replace("-", "_")}') for n in names)
    result = unittest.TextTestRunner(verbosity=1, stream=sys.stderr).run(suite)
    phases = f'{Bench.minutes:g} min phases'
    if 'writes' in names:
        phases += f'; writes: {Bench.writes_minutes:g} min reading, {Bench.work_minutes:g} min working'
    print('\n'.join(['', f'== deskbreak figures ({phases}) =='] + results))
    return 0 if result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main())
