#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""deskbreak's budget (DESIGN §11), measured and printed; nothing asserted.

    dbus-run-session --config-file=tests/session.conf -- \\
        /usr/bin/python3 tests/benchmark.py [--minutes N] [WHAT ...]

WHAT is any of: mutter, wayland, x11, mutter-mock (the event-driven idle
sources: the daemon's wakeups and CPU per minute over N idle minutes and N
active minutes, input every 5 s), status (`deskbreak status` wall time),
reminder (how late a reminder comes after its due time), memory (PSS after
a few idle minutes). Default: all of them that can run here. N defaults to 5.

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


import unittest  # noqa: E402

import test_mutter  # noqa: E402


class Bench(test_mutter.MutterHelpers, DeskbreakTestCase):
    minutes = 5.0

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
    parser.add_argument('--minutes', type=float, default=5.0)
    parser.add_argument('what', nargs='*')
    args = parser.parse_args()
    Bench.minutes = args.minutes
    names = args.what or ['mutter', 'wayland', 'x11', 'status', 'reminder', 'memory']
    suite = unittest.TestSuite(Bench(f'test_{n.replace("-", "_")}') for n in names)
    result = unittest.TextTestRunner(verbosity=1, stream=sys.stderr).run(suite)
    print('\n'.join(['', f'== deskbreak figures ({args.minutes:g} min phases) =='] + results))
    return 0 if result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main())
