#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The wayland idle source (ext-idle-notify-v1) against a real KWin 5.27,
headless: input keeps a session going, idleness turns into a natural break,
input after a short idle keeps the session, a reminder waits for a pause in
typing and its break completes after break-length hands off, a new
threshold while idle still hears the user come back, and losing the
compositor leaves the daemon running on another source with the session
intact.

KWin runs as `kwin_wayland --virtual --no-lockscreen --socket NAME` with
the test's XDG_RUNTIME_DIR. The installed binary carries a file capability
that makes it fail with EPERM here, so a copy runs, under the same file
name. Input is tests/wayland/wl-activity: org_kde_kwin_idle's
simulate_user_activity, which KWin treats as input on the seat.

Environment, besides dbktest's: WL_ACTIVITY, the wl-activity binary
(default: tests/wayland/wl-activity in deskbreakd's build tree).
The whole file skips (77) only when KWin cannot start here, or when
wl-activity was not built (no Wayland or plasma-wayland-protocols).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import dbktest
from dbktest import DeskbreakTestCase

MARGIN = 1.0
BREAK_LENGTH = 5
NATURAL_BREAK = 10
WAIT_FOR_PAUSE = 2

SOCKET = 'deskbreak-test-wayland'
KWIN = '/usr/bin/kwin_wayland'


def _wl_activity_path():
    path = os.environ.get('WL_ACTIVITY')
    if path:
        return path
    if dbktest.DESKBREAKD:
        build_root = os.path.dirname(os.path.dirname(os.path.abspath(dbktest.DESKBREAKD)))
        return os.path.join(build_root, 'tests', 'wayland', 'wl-activity')
    return None


WL_ACTIVITY = _wl_activity_path()


def kwin_env(base, runtime_dir):
    """KWin's environment: the test's bus, HOME and runtime directory, and
    nothing of the user's own (KWin writes its config and caches)."""
    env = dict(base)
    home = env['HOME']
    env.update({
        'XDG_RUNTIME_DIR': runtime_dir,
        'XDG_CONFIG_HOME': env.get('XDG_CONFIG_HOME') or os.path.join(home, '.config'),
        'XDG_CACHE_HOME': os.path.join(home, '.cache'),
        'XDG_DATA_HOME': os.path.join(home, '.local', 'share'),
        # QPainter compositing: no OpenGL through llvmpipe, so KWin starts
        # faster and takes less CPU from the rest of a loaded machine.
        'KWIN_COMPOSE': 'Q',
    })
    return env


def list_globals(env, timeout=dbktest.DEADLINE):
    """{interface: version} of the compositor at env's WAYLAND_DISPLAY, or None."""
    try:
        r = subprocess.run([WL_ACTIVITY, '--globals'], env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if r.returncode != 0:
        return None
    found = {}
    for line in r.stdout.splitlines():
        interface, _, version = line.partition(' ')
        found[interface] = int(version)
    return found


class WaylandTest(DeskbreakTestCase):
    kwin_dir = None
    offered = None  # {interface: version} KWin offered the probe
    skip_reason = None  # why the whole file skips

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls._set_up_kwin()
        except unittest.SkipTest as e:
            cls.skip_reason = str(e)
            raise

    @classmethod
    def _set_up_kwin(cls):
        if not dbktest.is_executable(WL_ACTIVITY):
            raise unittest.SkipTest(f'wl-activity not built (WL_ACTIVITY={WL_ACTIVITY}): '
                                    'needs wayland-client and plasma-wayland-protocols')
        if not dbktest.is_executable(KWIN):
            raise unittest.SkipTest(f'{KWIN} not installed (package kwin-wayland)')
        # A copy without the file capability, under the name KWin expects.
        cls.kwin_dir = tempfile.mkdtemp(prefix='deskbreak-kwin-')
        cls.kwin = os.path.join(cls.kwin_dir, 'kwin_wayland')
        shutil.copy(KWIN, cls.kwin)
        try:
            cls.offered = cls._probe_kwin()
        except unittest.SkipTest:
            shutil.rmtree(cls.kwin_dir, ignore_errors=True)
            raise
        dbktest.log('KWin offers: ' + ', '.join(
            f'{name} v{cls.offered[name]}'
            for name in ('ext_idle_notifier_v1', 'org_kde_kwin_idle', 'wl_seat')
            if name in cls.offered))

    @classmethod
    def tearDownClass(cls):
        if cls.kwin_dir:
            shutil.rmtree(cls.kwin_dir, ignore_errors=True)
        super().tearDownClass()

    @classmethod
    def _probe_kwin(cls):
        """Starts KWin once: skips the file when it cannot run here."""
        tmp = tempfile.mkdtemp(prefix='deskbreak-kwin-probe-')
        runtime_dir = os.path.join(tmp, 'runtime')
        os.makedirs(runtime_dir, mode=0o700)
        base = dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, 'config'))
        for var in ('DISPLAY', 'WAYLAND_DISPLAY', 'WAYLAND_SOCKET'):
            base.pop(var, None)
        env = kwin_env(base, runtime_dir)
        log_path = os.path.join(tmp, 'kwin.log')
        proc = dbktest.Proc('kwin-probe', [cls.kwin, '--virtual', '--no-lockscreen',
                                           '--socket', SOCKET], env, log_path)
        try:
            offered = cls._wait_kwin_ready(proc, runtime_dir, env)
            if offered is None:
                lines = proc.output().strip().splitlines()[-5:]
                why = (f'exited {proc.returncode()}' if not proc.alive()
                       else f'no idle protocol within {dbktest.DEADLINE:.0f} s')
                raise unittest.SkipTest(f'KWin cannot start here ({why}): ' + ' | '.join(lines))
            return offered
        finally:
            proc.stop()
            shutil.rmtree(tmp, ignore_errors=True)

    @staticmethod
    def _wait_kwin_ready(proc, runtime_dir, env, timeout=dbktest.DEADLINE):
        """Waits for KWin's socket and its idle globals; None if it never comes."""
        socket_path = os.path.join(runtime_dir, SOCKET)
        env = dict(env, WAYLAND_DISPLAY=SOCKET)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and proc.alive():
            if os.path.exists(socket_path):
                offered = list_globals(env, timeout=max(1.0, deadline - time.monotonic()))
                if offered and ('ext_idle_notifier_v1' in offered
                                or 'org_kde_kwin_idle' in offered):
                    return offered
            time.sleep(0.05)
        return None

    def setUp(self):
        super().setUp()
        self.start_notify_mock()
        self.kwin_proc = self.start_kwin()

    # -- KWin and input ------------------------------------------------------

    def wayland_env(self):
        return self.base_env(WAYLAND_DISPLAY=SOCKET)

    def start_kwin(self):
        env = kwin_env(self.base_env(), self.runtime_dir)
        proc = self.spawn('kwin', [self.kwin, '--virtual', '--no-lockscreen', '--socket', SOCKET],
                          env=env)
        if self._wait_kwin_ready(proc, self.runtime_dir, env) is None:
            self.fail(f'KWin did not come up (exit {proc.returncode()}):\n{proc.output()}')
        return proc

    def user_input(self):
        """Stands for a key press: KWin restarts its idle timers."""
        r = subprocess.run([WL_ACTIVITY], env=self.wayland_env(), stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=dbktest.DEADLINE)
        self.assertEqual(r.returncode, 0, f'wl-activity failed: {r.stderr}')

    def start_wayland_daemon(self, **kw):
        return self.start_daemon(source='wayland', env=self.wayland_env(), **kw)

    # -- tests ---------------------------------------------------------------

    def test_source_is_wayland(self):
        self.start_wayland_daemon(interval='1h')
        st = self.status()
        self.assertEqual(st['idle_source'], 'wayland')
        self.assertEqual(st['state'], 'sitting')
        # Bound at min(offered, what deskbreakd knows); KWin 5.27 offers 1.
        m = re.search(r'ext_idle_notifier_v1 version (\d+) \(offered (\d+)\)', self.daemon_log())
        self.assertIsNotNone(m, 'no ext_idle_notifier_v1 binding in the log')
        bound, offered = int(m.group(1)), int(m.group(2))
        self.assertEqual(offered, self.offered['ext_idle_notifier_v1'])
        self.assertLessEqual(bound, offered)
        if offered <= 2:  # deskbreakd knows version 2 at least
            self.assertEqual(bound, offered)

    def test_input_keeps_session_idleness_ends_it(self):
        threshold = min(BREAK_LENGTH, NATURAL_BREAK)
        self.start_wayland_daemon(interval='1h', break_length=f'{BREAK_LENGTH}s',
                                  natural_break=f'{NATURAL_BREAK}s')
        since = self.status()['sitting_since']
        # Input now and then, for longer than natural-break: one session.
        t_last = self.type_for(NATURAL_BREAK + 2, every=1.5)
        st = self.status()
        self.assertEqual(st['state'], 'sitting')
        self.assertSameStamp(st['sitting_since'], since)
        self.assertEqual(self.breaks_taken(), [])

        # Hands off past the threshold: a short idle, still the same session.
        st = self.wait_state('idle')
        self.assertGreaterEqual(time.time(), t_last + threshold - MARGIN,
                                'idle before the threshold without input')
        self.assertSameStamp(st['sitting_since'], since)
        # Back before natural-break: the session goes on.
        t_last = time.time()
        self.user_input()
        st = self.wait_state('sitting')
        self.assertSameStamp(st['sitting_since'], since)
        self.assertEqual(self.breaks_taken(), [])

        # Hands off for natural-break: a natural break.
        self.wait_natural_break(t_last, NATURAL_BREAK, MARGIN)

        # Back at the desk: a new session from the first input.
        st = self.come_back(MARGIN)
        self.assertGreater(st['sitting_since'], since)

    def test_due_break_completes_after_break_length(self):
        self.start_wayland_daemon(interval='6s', break_length=f'{BREAK_LENGTH}s',
                                  natural_break='1m',
                                  extra=f'[timer]\nwait-for-pause={WAIT_FOR_PAUSE}s\n')
        # Work until past the interval: the reminder waits for a pause in
        # typing, which the source sees at a threshold lowered for it.
        t_last = self.type_for(7, every=0.5)
        self.assertEqual(self.reminders_shown(), [], 'reminder shown in the middle of typing')
        t_shown, _ = self.wait_signal('ReminderShown')
        self.assertGreaterEqual(t_shown, t_last + WAIT_FOR_PAUSE - MARGIN, 'shown before a pause')
        self.assertEqual(self.status()['state'], 'due')
        self.work_through_then_break(BREAK_LENGTH, MARGIN)

    def test_new_threshold_while_idle_still_hears_input(self):
        # The threshold is min(break-length, natural-break): 5 s, then 8 s.
        self.start_wayland_daemon(interval='1h', break_length='5s', natural_break='1m')
        since = self.status()['sitting_since']
        self.user_input()
        self.wait_state('idle')
        # A new notification object starts out not idle: the old one must
        # stay to tell of the next input.
        self.write_config(interval='1h', break_length='8s', natural_break='1m',
                          source='wayland')
        self.call('Reload')
        self.assertEqual(self.status()['state'], 'idle')
        t_last = time.time()
        self.user_input()
        st = self.wait_state('sitting')
        self.assertSameStamp(st['sitting_since'], since)
        # Idle again at the new threshold.
        self.wait_state('idle')
        self.assertGreaterEqual(time.time(), t_last + 8 - MARGIN,
                                'idle at the old threshold after the change')
        self.assertEqual(self.breaks_taken(), [])

    def test_compositor_loss_falls_back_and_keeps_session(self):
        self.start_wayland_daemon(interval='1h', break_length='5s', natural_break='1m')
        self.user_input()
        st = self.status()
        self.assertEqual(st['idle_source'], 'wayland')
        since = st['sitting_since']
        # A compositor crash.
        os.killpg(self.kwin_proc.pid, signal.SIGKILL)
        self.kwin_proc.wait(dbktest.DEADLINE)
        st = self.wait_until(lambda: (lambda s: s if s['idle_source'] == 'none' else None)(
            self.status()), what='idle_source none after KWin died')
        self.assertTrue(self.daemon.alive())
        self.assertEqual(st['state'], 'sitting')
        self.assertSameStamp(st['sitting_since'], since)
        # Reported once (a failed retry is only "passed over").
        lost = [line for line in self.daemon_log().splitlines()
                if 'the Wayland compositor closed the connection' in line
                and 'passed over' not in line]
        self.assertEqual(len(lost), 1, lost)
        self.assertEqual(self.breaks_taken(), [])

        # The compositor comes back (its socket is created again): the
        # daemon returns to wayland by itself, in the same sitting session.
        self.kwin_proc = self.start_kwin()
        self.wait_until(lambda: self.status()['idle_source'] == 'wayland',
                        what='the wayland source back once KWin returned')
        st = self.status()
        self.assertSameStamp(st['sitting_since'], since)
        self.assertEqual(self.breaks_taken(), [])


def main():
    try:
        dbktest.main()
    except SystemExit as e:
        # A class skipped in setUpClass runs no test at all, which
        # dbktest.main() takes for success: say why, and exit as a skip.
        if e.code in (0, None) and WaylandTest.skip_reason:
            dbktest.log(f'SKIP: {WaylandTest.skip_reason}')
            sys.exit(dbktest.SKIP_EXIT)
        raise


if __name__ == '__main__':
    main()
