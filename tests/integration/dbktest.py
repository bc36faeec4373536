# SPDX-License-Identifier: GPL-3.0-or-later
"""Harness for deskbreak's integration tests.

Every test file runs the real deskbreakd and the real deskbreak CLI on a
private session bus (dbus-run-session with tests/session.conf, which has no
standard service directories, so nothing on the host is ever activated).
Stand-ins for the desktop come from python3-dbusmock (the notification
server, logind on a private system bus, GNOME's screensaver) and from
tests/mock-mutter.py (Mutter's IdleMonitor).

Each test gets fresh HOME and XDG directories, a config file with
second-scale values and its own processes, all stopped in tearDown. Tests
wait for events with deadlines (wait_until, wait_signal); the only fixed
waits are the short ones that check that something does *not* happen.

Environment (meson sets it; see tests/integration/meson.build):
  DESKBREAKD           the daemon binary
  DESKBREAK            the CLI binary
  MOCK_MUTTER          tests/mock-mutter.py
  DESKBREAK_SOURCE_DIR the source tree (for the D-Bus XML, the default
                       config and tests/session.conf, tests/system.conf)
  DESKBREAK_TEST_KEEP  set to keep each test's temporary directory
  DESKBREAK_TEST_VERBOSE set to print every process's log, not only on failure
Run a file by hand the same way; when it is not on a fresh private bus it
starts one for itself.
"""

import importlib.util
import json
import os
import pwd
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import gi

gi.require_version('Gio', '2.0')
gi.require_version('GLib', '2.0')
from gi.repository import Gio, GLib  # noqa: E402

PYTHON = '/usr/bin/python3'

BUS_NAME = 'org.deskbreak.Daemon1'
OBJECT_PATH = '/org/deskbreak/Daemon1'
INTERFACE = 'org.deskbreak.Daemon1'
ERROR_INVALID_CONFIG = 'org.deskbreak.Daemon1.Error.InvalidConfig'
ERROR_INVALID_ARGS = 'org.freedesktop.DBus.Error.InvalidArgs'

NOTIFY_NAME = 'org.freedesktop.Notifications'
NOTIFY_PATH = '/org/freedesktop/Notifications'
MOCK_IFACE = 'org.freedesktop.DBus.Mock'

LOGIND_NAME = 'org.freedesktop.login1'
LOGIND_PATH = '/org/freedesktop/login1'

MUTTER_NAME = 'org.gnome.Mutter.IdleMonitor'
MUTTER_PATH = '/org/gnome/Mutter/IdleMonitor/Core'

SEC = 1000000
MIN = 60 * SEC

# Generous: the suite must not flake on a loaded 2-core machine.
DEADLINE = 20.0
CALL_TIMEOUT_MS = 20000

SKIP_EXIT = 77

# Wall-clock stamps of one moment, read at two different calls.
STAMP_JITTER = 100000  # µs

# The states the API and CLI name (DESIGN §1).
STATES = ('sitting', 'idle', 'away', 'due', 'snoozed', 'paused')


def _env_path(name):
    value = os.environ.get(name)
    return value if value else None


SOURCE_DIR = _env_path('DESKBREAK_SOURCE_DIR') or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
DESKBREAKD = _env_path('DESKBREAKD')
DESKBREAK = _env_path('DESKBREAK')
MOCK_MUTTER = _env_path('MOCK_MUTTER') or os.path.join(SOURCE_DIR, 'tests', 'mock-mutter.py')
SESSION_CONF = os.path.join(SOURCE_DIR, 'tests', 'session.conf')
SYSTEM_CONF = os.path.join(SOURCE_DIR, 'tests', 'system.conf')
INTERFACE_XML = os.path.join(SOURCE_DIR, 'daemon', 'org.deskbreak.Daemon1.xml')
DEFAULT_CONFIG = os.path.join(SOURCE_DIR, 'config', 'deskbreak.conf')


def now_usec():
    """Wall clock in µs since the epoch, as the API's "x" time stamps."""
    return int(time.time() * SEC)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def is_executable(path):
    return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)


# ---------------------------------------------------------------------------
# Processes


class Proc:
    """A child process in its own process group, output to a log file."""

    def __init__(self, name, argv, env, log_path, stdout_pipe=False, cwd=None):
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self._log = open(log_path, 'ab')
        self.popen = subprocess.Popen(
            self.argv, env=env, cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if stdout_pipe else self._log,
            stderr=self._log,
            start_new_session=True)

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def returncode(self):
        return self.popen.poll()

    def read_line(self, timeout):
        """One line of stdout (stdout_pipe=True), or None at the deadline or EOF."""
        deadline = time.monotonic() + timeout
        buf = b''
        fd = self.popen.stdout.fileno()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            ch = os.read(fd, 1)
            if not ch:
                return None
            if ch == b'\n':
                return buf.decode('utf-8', 'replace')
            buf += ch
        return None

    def signal(self, signum):
        if self.alive():
            self.popen.send_signal(signum)

    def wait(self, timeout):
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout=5.0):
        """SIGTERM, then SIGKILL to the whole process group."""
        self.stopped_by_term = self.alive()
        if self.alive():
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            if self.wait(timeout) is None:
                try:
                    os.killpg(self.popen.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.wait(timeout)
        else:
            # Children it left behind in its group, if any.
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.popen.stdout:
            self.popen.stdout.close()
        self._log.close()

    def output(self):
        try:
            with open(self.log_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''


# ---------------------------------------------------------------------------
# D-Bus helpers (Gio, so GetStatus values keep their exact types)


def connect(address):
    return Gio.DBusConnection.new_for_address_sync(
        address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None, None)


def remote_error_name(error):
    """The D-Bus error name of a GLib.Error from a method call."""
    name = Gio.DBusError.get_remote_error(error)
    return name or ''


def remote_error_message(error):
    msg = error.message or ''
    # GDBus prefixes "GDBus.Error:NAME: "
    if msg.startswith('GDBus.Error:'):
        _, _, rest = msg.partition(': ')
        return rest
    return msg


def drain(ctx=None):
    ctx = ctx or GLib.MainContext.default()
    while ctx.pending():
        ctx.iteration(False)


class Bus:
    """A client connection with the calls the tests need."""

    def __init__(self, address):
        self.address = address
        self.conn = connect(address)
        self._subs = []

    def close(self):
        for sub in self._subs:
            self.conn.signal_unsubscribe(sub)
        self._subs = []
        try:
            self.conn.close_sync(None)
        except GLib.Error:
            pass

    def call(self, name, path, iface, method, args=None, signature=None, reply=None,
             timeout_ms=CALL_TIMEOUT_MS):
        params = GLib.Variant(signature, args) if signature is not None else args
        reply_type = GLib.VariantType.new(reply) if reply else None
        return self.conn.call_sync(name, path, iface, method, params, reply_type,
                                   Gio.DBusCallFlags.NO_AUTO_START, timeout_ms, None)

    def name_owner(self, name):
        try:
            ret = self.call('org.freedesktop.DBus', '/org/freedesktop/DBus',
                            'org.freedesktop.DBus', 'GetNameOwner', (name,), '(s)', '(s)')
            return ret.unpack()[0]
        except GLib.Error:
            return None

    def has_owner(self, name):
        ret = self.call('org.freedesktop.DBus', '/org/freedesktop/DBus',
                        'org.freedesktop.DBus', 'NameHasOwner', (name,), '(s)', '(b)')
        return ret.unpack()[0]

    def pid_of(self, name):
        ret = self.call('org.freedesktop.DBus', '/org/freedesktop/DBus',
                        'org.freedesktop.DBus', 'GetConnectionUnixProcessID',
                        (name,), '(s)', '(u)')
        return ret.unpack()[0]

    def subscribe(self, sender, iface, member, path, callback):
        def on_signal(conn, sender_name, object_path, interface_name, signal_name,
                      parameters, *user):
            callback(signal_name, parameters, object_path)
        sub = self.conn.signal_subscribe(sender, iface, member, path, None,
                                         Gio.DBusSignalFlags.NONE, on_signal)
        self._subs.append(sub)
        return sub


class SignalLog:
    """Signals received, with the wall-clock time they were seen."""

    def __init__(self):
        self.items = []  # (time.time(), member, unpacked args, raw GVariant, path)

    def record(self, member, params, path):
        self.items.append((time.time(), member, params.unpack(), params, path))

    def of(self, member):
        return [i for i in self.items if i[1] == member]

    def args(self, member):
        return [i[2] for i in self.of(member)]

    def clear(self):
        self.items = []


# ---------------------------------------------------------------------------
# Private bus guarantee


def _bus_is_fresh_private():
    """True when the session bus is one only this test uses, with nothing activatable."""
    address = os.environ.get('DBUS_SESSION_BUS_ADDRESS')
    if not address:
        return False
    try:
        bus = Bus(address)
    except GLib.Error:
        return False
    try:
        names = bus.call('org.freedesktop.DBus', '/org/freedesktop/DBus',
                         'org.freedesktop.DBus', 'ListNames', None, None, '(as)').unpack()[0]
        activatable = bus.call('org.freedesktop.DBus', '/org/freedesktop/DBus',
                               'org.freedesktop.DBus', 'ListActivatableNames',
                               None, None, '(as)').unpack()[0]
    except GLib.Error:
        return False
    finally:
        bus.close()
    well_known = [n for n in names if not n.startswith(':') and n != 'org.freedesktop.DBus']
    extra_activatable = [n for n in activatable if n != 'org.freedesktop.DBus']
    return not well_known and not extra_activatable


def ensure_private_bus():
    """Re-executes this test file under dbus-run-session unless it already
    runs on a fresh private bus: the tests own names, start and kill
    daemons, and must never touch a desktop session."""
    if _bus_is_fresh_private():
        return
    if os.environ.get('DESKBREAK_TEST_REEXEC'):
        log('error: the private session bus from dbus-run-session is not fresh '
            '(names owned or activatable); refusing to run')
        sys.exit(1)
    runner = shutil.which('dbus-run-session')
    if not runner or not shutil.which('dbus-daemon'):
        log('SKIP: dbus-run-session/dbus-daemon not installed')
        sys.exit(SKIP_EXIT)
    env = dict(os.environ, DESKBREAK_TEST_REEXEC='1')
    argv = [runner, '--config-file=' + SESSION_CONF, '--',
            PYTHON, os.path.abspath(sys.argv[0])] + sys.argv[1:]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(runner, argv, env)


# ---------------------------------------------------------------------------
# Config files


def config_text(interval='1h', break_length='5s', natural_break='10s', snooze='2m',
                remind_again='0', stretches=None, urgency=None, source='none', extra=''):
    """A deskbreak.conf; None leaves a key out (its default applies)."""
    timer = []
    for key, value in (('interval', interval), ('break-length', break_length),
                       ('natural-break', natural_break), ('snooze', snooze),
                       ('remind-again', remind_again)):
        if value is not None:
            timer.append(f'{key}={value}')
    notify = []
    if stretches is not None:
        notify.append(f'stretches={stretches}')
    if urgency is not None:
        notify.append(f'urgency={urgency}')
    text = '[timer]\n' + '\n'.join(timer) + '\n'
    if notify:
        text += '\n[notify]\n' + '\n'.join(notify) + '\n'
    if source is not None:
        text += f'\n[idle]\nsource={source}\n'
    if extra:
        text += '\n' + extra.strip('\n') + '\n'
    return text


def write_file(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def write_in_place(path, text):
    """Rewrites the file's content, same inode (like `cat > file`)."""
    with open(path, 'r+', encoding='utf-8') as f:
        f.seek(0)
        f.write(text)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())


def replace_by_rename(path, text):
    """Writes a new file beside it and renames it over (like most editors)."""
    tmp = path + '.tmp~'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


AS_ROOT = os.geteuid() == 0


def as_nobody(env, argv):
    """argv run with exactly `env`, as nobody when we are root (sway will
    not run as root, and what talks to it must be the same user)."""
    cmd = ['env', '-i'] + [f'{k}={v}' for k, v in env.items()] + list(argv)
    return (['runuser', '-u', 'nobody', '--'] + cmd) if AS_ROOT else cmd


class Sway:
    """A sway of one test's own, as nobody, with a runtime directory of its
    own. `home` is its HOME and XDG_CONFIG_HOME, `extra` more of its
    environment, `backend` the WLR_* variables that pick its output. `env`
    is the environment its clients need, WAYLAND_DISPLAY included."""

    def __init__(self, test, home, backend, extra=None):
        runtime = tempfile.mkdtemp(prefix='deskbreak-sway-')
        test.addCleanup(shutil.rmtree, runtime, ignore_errors=True)
        if AS_ROOT:
            nobody = pwd.getpwnam('nobody')
            os.chown(runtime, nobody.pw_uid, nobody.pw_gid)
        conf = os.path.join(runtime, 'sway.conf')
        write_file(conf, 'xwayland disable\n')
        os.chmod(conf, 0o644)
        self.env = {'PATH': '/usr/bin:/bin', 'HOME': home, 'XDG_RUNTIME_DIR': runtime,
                    'XDG_CONFIG_HOME': home, 'XDG_CACHE_HOME': runtime, 'LANG': 'C.UTF-8'}
        self.env.update(extra or {})
        self.proc = test.spawn('sway', as_nobody(
            dict(self.env, WLR_RENDERER='pixman', WLR_LIBINPUT_NO_DEVICES='1', **backend),
            ['sway', '-c', conf]))

        def socket():
            if not self.proc.alive():
                test.fail('sway exited:\n' + self.proc.output())
            names = [n for n in os.listdir(runtime)
                     if n.startswith('wayland-') and not n.endswith('.lock')]
            return names[0] if names else None
        self.env['WAYLAND_DISPLAY'] = test.wait_until(socket, what="sway's Wayland socket",
                                                      interval=0.1)


class Xvfb:
    """A virtual X display of one test's own; Xvfb picks a free number."""

    def __init__(self, test):
        self.proc = test.spawn('Xvfb', ['Xvfb', '-displayfd', '1', '-noreset', '-nolisten', 'tcp',
                                        '-screen', '0', '1280x800x24'], stdout_pipe=True)
        line = self.proc.read_line(DEADLINE)
        if not line or not line.strip().isdigit():
            test.fail(f'Xvfb did not start (said {line!r}):\n{self.proc.output()}')
        self.display = ':' + line.strip()


# ---------------------------------------------------------------------------
# The test case


class DeskbreakTestCase(unittest.TestCase):
    """Base class: temp dirs, processes, bus connection, waits."""

    # Programs the tests of a class need; missing ones skip the class.
    needs_daemon = True
    needs_cli = True

    @classmethod
    def setUpClass(cls):
        missing = []
        if cls.needs_daemon and not is_executable(DESKBREAKD):
            missing.append(f'deskbreakd (DESKBREAKD={DESKBREAKD})')
        if cls.needs_cli and not is_executable(DESKBREAK):
            missing.append(f'deskbreak (DESKBREAK={DESKBREAK})')
        if missing:
            raise unittest.SkipTest('not built: ' + ', '.join(missing))

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='deskbreak-test-')
        self.home = os.path.join(self.tmp, 'home')
        self.config_home = os.path.join(self.tmp, 'config')
        self.state_home = os.path.join(self.tmp, 'state')
        self.runtime_dir = os.path.join(self.tmp, 'runtime')
        for d in (self.home, self.config_home, self.state_home, self.runtime_dir):
            os.makedirs(d, mode=0o700)
        self.config_path = os.path.join(self.config_home, 'deskbreak', 'deskbreak.conf')
        self.session_address = os.environ['DBUS_SESSION_BUS_ADDRESS']
        # The host's system bus must never take part: a test that wants
        # logind starts a private one and points the daemon at it.
        self.system_address = 'unix:path=' + os.path.join(self.tmp, 'no-system-bus')
        self.procs = []
        self.daemon = None
        self.notify = None
        self.system_bus = None
        self.signals = SignalLog()
        self.properties_changed = []  # (time, {name: value}) of our object
        self._connect_bus()
        self.addCleanup(self._cleanup)

    def _connect_bus(self):
        self.bus = Bus(self.session_address)
        self.bus.subscribe(None, INTERFACE, None, OBJECT_PATH, self.signals.record)
        self.bus.subscribe(None, 'org.freedesktop.DBus.Properties', 'PropertiesChanged',
                           OBJECT_PATH, self._on_properties_changed)

    def use_session_bus(self, address):
        """Moves the test to another session bus (one it started itself,
        with services to activate): from now on the daemon, the CLI and the
        test's own calls and signal subscriptions go there. Call it before
        starting anything on the old one."""
        self.bus.close()
        self.session_address = address
        self._connect_bus()

    def _on_properties_changed(self, member, params, path):
        iface, changed, _ = params.unpack()
        if iface == INTERFACE:
            self.properties_changed.append((time.time(), changed))

    def _failed(self):
        """Whether this test has failed so far (its result lists it)."""
        result = getattr(getattr(self, '_outcome', None), 'result', None)
        if result is None:
            return True  # cannot tell: show the logs
        for test, _ in list(result.failures) + list(result.errors):
            if test is self or getattr(test, 'test_case', None) is self:
                return True
        return False

    def _cleanup(self):
        failed = self._failed()
        for proc in reversed(self.procs):
            proc.stop()
        criticals = []
        for proc in self.procs:
            if proc.name.startswith('deskbreakd'):
                # Sanitizer reports (the suite also runs on an ASan/UBSan
                # build) and GLib criticals are bugs even when the test's
                # own checks passed; so is not exiting cleanly on SIGTERM.
                criticals += [l for l in proc.output().splitlines()
                              if 'CRITICAL **' in l or 'Sanitizer' in l or 'runtime error:' in l]
                if getattr(proc, 'stopped_by_term', False) and proc.returncode() != 0:
                    criticals.append(f'{proc.name} exited {proc.returncode()} on SIGTERM')
        self.bus.close()
        if self.system_bus is not None:
            self.system_bus.close()
        drain()
        if failed or criticals or os.environ.get('DESKBREAK_TEST_VERBOSE'):
            for proc in self.procs:
                text = proc.output()
                log(f'----- {proc.name} ({" ".join(proc.argv)}) exit {proc.returncode()} -----')
                log(text.rstrip() if text.strip() else '(no output)')
            log('-----')
        if os.environ.get('DESKBREAK_TEST_KEEP'):
            log(f'kept {self.tmp}')
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        # A GLib critical is a bug even when the test's checks passed.
        if criticals and not failed:
            raise AssertionError('deskbreakd logged criticals or sanitizer reports:\n' + '\n'.join(criticals))

    # -- environment ------------------------------------------------------

    def base_env(self, **extra):
        env = dict(os.environ)
        for var in ('DISPLAY', 'WAYLAND_DISPLAY', 'XDG_SESSION_ID', 'XDG_SEAT',
                    'XDG_CURRENT_DESKTOP', 'XDG_CONFIG_DIRS', 'XDG_DATA_HOME',
                    'NOTIFY_IGNORE_PORTAL', 'DESKBREAK_TEST_REEXEC', 'INVOCATION_ID',
                    'NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID', 'LISTEN_FDS',
                    # English messages: LANGUAGE would pick a catalog even
                    # under LC_ALL=C.UTF-8.
                    'LANGUAGE', 'DESKBREAK_LOCALEDIR'):
            env.pop(var, None)
        env.update({
            'HOME': self.home,
            'XDG_CONFIG_HOME': self.config_home,
            'XDG_STATE_HOME': self.state_home,
            'XDG_RUNTIME_DIR': self.runtime_dir,
            # An empty list: only the test's own files count.
            'XDG_CONFIG_DIRS': os.path.join(self.tmp, 'no-config-dirs'),
            'DBUS_SESSION_BUS_ADDRESS': self.session_address,
            'DBUS_SYSTEM_BUS_ADDRESS': self.system_address,
            'LC_ALL': 'C.UTF-8',
        })
        if DESKBREAKD:
            env['DESKBREAKD'] = DESKBREAKD
        env.update(extra)
        return env

    def spawn(self, name, argv, env=None, stdout_pipe=False):
        log_path = os.path.join(self.tmp, f'{name}-{len(self.procs)}.log')
        proc = Proc(name, argv, env or self.base_env(), log_path, stdout_pipe=stdout_pipe)
        self.procs.append(proc)
        return proc

    # -- waiting -----------------------------------------------------------

    def pump(self):
        drain()

    def wait_until(self, predicate, timeout=DEADLINE, what='condition', interval=0.05):
        """Polls predicate() (pumping signals) until it returns a true value."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            drain()
            try:
                last = predicate()
            except GLib.Error as e:
                last = e
                if remote_error_name(e) == 'org.freedesktop.DBus.Error.ServiceUnknown':
                    self._check_daemon_alive(what)
            else:
                if last and not isinstance(last, Exception):
                    return last
            if time.monotonic() >= deadline:
                self.fail(f'timed out after {timeout:.0f} s waiting for {what}; last: {last!r}')
            self._check_daemon_alive(what)
            time.sleep(interval)

    def _check_daemon_alive(self, what):
        if self.daemon is not None and not self.daemon.alive():
            self.fail(f'deskbreakd exited ({self.daemon.returncode()}) while waiting for {what}')

    def settle(self, seconds):
        """A short fixed wait, only to check that something does NOT happen."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            drain()
            time.sleep(0.05)
        drain()

    def wait_signal(self, member, args=None, timeout=DEADLINE, after=0.0):
        """Waits for a signal of our interface (optionally with these args,
        seen after wall time `after`); returns (time, args)."""
        def find():
            for t, m, a, _, _ in self.signals.items:
                if m == member and t >= after and (args is None or tuple(a) == tuple(args)):
                    return (t, a)
            return None
        return self.wait_until(find, timeout, f'signal {member}{args if args else ""}')

    def wait_announced(self, name, value, timeout=DEADLINE):
        """Waits until a PropertiesChanged of our object has set property
        `name` to `value`; returns (time, changed) of the first such signal."""
        def find():
            for t, changed in self.properties_changed:
                if name in changed and changed[name] == value:
                    return (t, changed)
            return None
        return self.wait_until(find, timeout, f'PropertiesChanged {name}={value!r}')

    def work_through_then_break(self, break_length, margin=1.0):
        """With a reminder due: typing on through it is no break; hands off
        for `break_length` s completes one, which closes the notification
        (dbusmock numbers the first 1) and leaves the user away; the next
        input starts a session and no new reminder."""
        t_last = self.type_for(break_length + 2, every=1.0)
        self.assertEqual(self.breaks_taken(), [])
        self.assertEqual(self.status()['state'], 'due')
        t_break, _ = self.wait_signal('BreakTaken', ('break-length',))
        self.assertGreaterEqual(t_break, t_last + break_length - margin)
        self.assertEqual(self.wait_notify_calls('CloseNotification', 1)[0][0], 1)
        st = self.status()
        self.assertEqual(st['state'], 'away')
        self.assertEqual(st['breaks_today'], 1)
        self.user_input()
        self.wait_state('sitting')
        self.assertEqual(len(self.reminders_shown()), 1)

    def wait_natural_break(self, t_last, natural_break, margin=1.0):
        """The natural break no sooner than `natural_break` s after the last
        input at `t_last`: the user is away, sitting time 0, one break
        counted. Returns the status then."""
        t_break, _ = self.wait_signal('BreakTaken', ('natural',))
        self.assertGreaterEqual(t_break, t_last + natural_break - margin,
                                'natural break before natural-break of idleness')
        st = self.status()
        self.assertEqual(st['state'], 'away')
        self.assertEqual(st['sitting_usec'], 0)
        self.assertEqual(st['breaks_today'], 1)
        return st

    def come_back(self, margin=1.0):
        """Input after a break: a new session from that input. Returns the
        status."""
        t_back = time.time()
        self.user_input()
        st = self.wait_state('sitting')
        self.assertGreaterEqual(st['sitting_since'] / SEC, t_back - margin)
        return st

    def wait_state(self, state, timeout=DEADLINE):
        """Waits until GetStatus says `state`; returns that snapshot."""
        def check():
            st = self.status()
            return st if st['state'] == state else None
        return self.wait_until(check, timeout, f'state {state}')

    def wait_name(self, name, proc=None, timeout=DEADLINE, bus=None):
        bus = bus or self.bus

        def owned():
            if proc is not None and not proc.alive():
                self.fail(f'{proc.name} exited ({proc.returncode()}) before owning {name}:\n'
                          + proc.output())
            return bus.has_owner(name)
        self.wait_until(owned, timeout, f'{name} on the bus')

    # -- the daemon --------------------------------------------------------

    def start_activation_bus(self):
        """A nested dbus-daemon whose first call to the daemon's name starts
        deskbreakd from an activation file, as the installed one does; sets
        self.nested_address and self.nested (a Bus on it)."""
        services = os.path.join(self.tmp, 'services')
        os.makedirs(services)
        with open(os.path.join(services, BUS_NAME + '.service'), 'w', encoding='utf-8') as f:
            f.write('[D-BUS Service]\n'
                    f'Name={BUS_NAME}\n'
                    f'Exec={DESKBREAKD} --config {self.config_path}\n')
        with open(SESSION_CONF, encoding='utf-8') as f:
            conf = f.read()
        conf, n = re.subn(r'(</busconfig>)', f'  <servicedir>{services}</servicedir>\n\\1', conf)
        self.assertEqual(n, 1)
        conf_path = os.path.join(self.tmp, 'activation-session.conf')
        with open(conf_path, 'w', encoding='utf-8') as f:
            f.write(conf)
        bus = self.spawn('nested-bus', ['dbus-daemon', '--config-file=' + conf_path,
                                        '--nofork', '--print-address=1'], stdout_pipe=True)
        address = bus.read_line(DEADLINE)
        if not address:
            self.fail('nested bus did not start:\n' + bus.output())
        self.nested_address = address.strip()
        self.nested = Bus(self.nested_address)

    def write_config(self, text=None, path=None, **kw):
        path = path or self.config_path
        write_file(path, text if text is not None else config_text(**kw))
        return path

    def start_daemon(self, config=None, args=('--verbose',), use_config_option=True,
                     wait=True, wait_active=True, env=None, **kw):
        """Starts deskbreakd. `config`: the file's text (default: config_text(**kw));
        written to self.config_path and passed with --config unless
        use_config_option is False (then the XDG lookup finds it); False
        writes nothing. `wait`: until it owns its name; `wait_active`: also
        until the idle source's first report started the session (every
        test starts at the keyboard)."""
        if config is not False:
            self.write_config(config, **kw)
        argv = [DESKBREAKD]
        if use_config_option:
            argv += ['--config', self.config_path]
        argv += list(args)
        proc = self.spawn('deskbreakd', argv, env=env)
        self.daemon = proc
        if wait:
            self.wait_name(BUS_NAME, proc)
            if wait_active:
                self.wait_until(lambda: self.status()['state'] != 'away',
                                what='the first sitting session')
        return proc

    def stop_daemon(self, timeout=10.0):
        proc = self.daemon
        proc.signal(signal.SIGTERM)
        rc = proc.wait(timeout)
        self.assertIsNotNone(rc, 'deskbreakd did not exit on SIGTERM')
        self.daemon = None
        self.wait_until(lambda: not self.bus.has_owner(BUS_NAME), what='the name released')
        return rc

    def daemon_log(self):
        return self.daemon.output() if self.daemon else ''

    def call(self, method, args=None, signature=None, reply=None):
        return self.bus.call(BUS_NAME, OBJECT_PATH, INTERFACE, method, args, signature, reply)

    def status_raw(self):
        """GetStatus as {key: GLib.Variant}."""
        ret = self.call('GetStatus', reply='(a{sv})')
        d = ret.get_child_value(0)
        out = {}
        for i in range(d.n_children()):
            entry = d.get_child_value(i)
            key = entry.get_child_value(0).get_string()
            out[key] = entry.get_child_value(1).get_variant()
        return out

    def status(self):
        return self.call('GetStatus', reply='(a{sv})').unpack()[0]

    def get_property(self, name):
        ret = self.bus.call(BUS_NAME, OBJECT_PATH, 'org.freedesktop.DBus.Properties', 'Get',
                            (INTERFACE, name), '(ss)', '(v)')
        return ret.get_child_value(0).get_variant()

    def get_all_properties(self):
        ret = self.bus.call(BUS_NAME, OBJECT_PATH, 'org.freedesktop.DBus.Properties', 'GetAll',
                            (INTERFACE,), '(s)', '(a{sv})')
        d = ret.get_child_value(0)
        out = {}
        for i in range(d.n_children()):
            entry = d.get_child_value(i)
            out[entry.get_child_value(0).get_string()] = entry.get_child_value(1).get_variant()
        return out

    def assertDBusError(self, name, method, args=None, signature=None, msg_contains=()):
        with self.assertRaises(GLib.Error, msg=f'{method}{args} should fail with {name}') as cm:
            self.call(method, args, signature)
        self.assertEqual(remote_error_name(cm.exception), name,
                         f'{method}{args}: {cm.exception.message}')
        message = remote_error_message(cm.exception)
        self.assertTrue(message.strip(), f'{method}{args}: error without a message')
        for part in msg_contains:
            self.assertIn(part, message)
        return message

    def assertSameStamp(self, a, b, msg=None):
        """Two unix-µs stamps of the same moment: the daemon converts from its
        boot clock on every call, so they may differ by a few µs."""
        self.assertAlmostEqual(a, b, delta=STAMP_JITTER, msg=msg)

    def reminders_shown(self):
        return self.signals.args('ReminderShown')

    def breaks_taken(self):
        return [a[0] for a in self.signals.args('BreakTaken')]

    # -- the CLI -----------------------------------------------------------

    def cli(self, *args, env=None, timeout=30):
        return subprocess.run([DESKBREAK] + [str(a) for a in args],
                              env=env or self.base_env(), stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=timeout)

    def cli_ok(self, *args, **kw):
        r = self.cli(*args, **kw)
        self.assertEqual(r.returncode, 0,
                         f'deskbreak {" ".join(map(str, args))} exited {r.returncode}\n'
                         f'stdout: {r.stdout}\nstderr: {r.stderr}')
        return r

    def cli_json(self):
        r = self.cli_ok('status', '--json')
        try:
            return json.loads(r.stdout)
        except ValueError as e:
            self.fail(f'deskbreak status --json is not JSON ({e}): {r.stdout!r}')

    # -- the notification server mock ---------------------------------------

    def start_notify_mock(self, capabilities='body actions'):
        params = json.dumps({'capabilities': capabilities})
        proc = self.spawn('notification-mock',
                          [PYTHON, '-m', 'dbusmock', '--template', 'notification_daemon',
                           '-p', params])
        self.wait_name(NOTIFY_NAME, proc)
        self.notify = proc
        return proc

    def notify_calls(self, method='Notify'):
        """The mock's logged calls of `method`: a list of argument lists."""
        ret = self.bus.call(NOTIFY_NAME, NOTIFY_PATH, MOCK_IFACE, 'GetMethodCalls',
                            (method,), '(s)', '(a(tav))')
        return [args for _, args in ret.unpack()[0]]

    def wait_notify_calls(self, method, count, timeout=DEADLINE):
        return self.wait_until(lambda: (len(self.notify_calls(method)) >= count
                                        and self.notify_calls(method)),
                               timeout, f'{count} {method} call(s) at the notification server')

    def emit_action(self, notification_id, action):
        self.bus.call(NOTIFY_NAME, NOTIFY_PATH, MOCK_IFACE, 'EmitSignal',
                      GLib.Variant('(sssav)', (NOTIFY_NAME, 'ActionInvoked', 'us',
                                               [GLib.Variant('u', notification_id),
                                                GLib.Variant('s', action)])))

    def emit_closed(self, notification_id, reason=2):
        self.bus.call(NOTIFY_NAME, NOTIFY_PATH, MOCK_IFACE, 'EmitSignal',
                      GLib.Variant('(sssav)', (NOTIFY_NAME, 'NotificationClosed', 'uu',
                                               [GLib.Variant('u', notification_id),
                                                GLib.Variant('u', reason)])))

    # -- Mutter's idle monitor mock -----------------------------------------

    def start_mutter_mock(self):
        if not os.path.isfile(MOCK_MUTTER):
            self.skipTest(f'{MOCK_MUTTER} not found')
        proc = self.spawn('mock-mutter', [PYTHON, MOCK_MUTTER], stdout_pipe=True)
        line = proc.read_line(DEADLINE)
        if line is None or 'ready' not in line:
            self.fail(f'mock-mutter did not say ready (got {line!r}):\n{proc.output()}')
        self.wait_name(MUTTER_NAME, proc)
        self.mutter = proc
        return proc

    def type_for(self, seconds, every=1.0):
        """self.user_input() every `every` s for `seconds`; returns the time
        of the last one."""
        end = time.monotonic() + seconds
        while True:
            last = time.time()  # the input happens after this
            self.user_input()
            if time.monotonic() >= end:
                return last
            self.settle(every)

    def user_input(self):
        """Stands for a key press: resets Mutter's idle time."""
        self.bus.call(MUTTER_NAME, MUTTER_PATH, 'org.gnome.Mutter.IdleMonitor',
                      'ResetIdletime', None)

    # -- a private system bus with logind ------------------------------------

    def start_system_bus(self):
        if not shutil.which('dbus-daemon'):
            self.skipTest('dbus-daemon not installed')
        proc = self.spawn('system-bus', ['dbus-daemon', '--config-file=' + SYSTEM_CONF,
                                         '--nofork', '--print-address=1'], stdout_pipe=True)
        address = proc.read_line(DEADLINE)
        if not address:
            self.fail('private system bus did not start:\n' + proc.output())
        self.system_address = address.strip()
        self.system_bus = Bus(self.system_address)
        return self.system_address

    def start_logind_mock(self):
        """logind's dbusmock template on the private system bus, with one
        active session; returns its object path."""
        if self.system_bus is None:
            self.start_system_bus()
        proc = self.spawn('logind-mock',
                          [PYTHON, '-m', 'dbusmock', '--system', '--template', 'logind'])
        self.wait_name(LOGIND_NAME, proc, bus=self.system_bus)
        self.logind = proc
        session_id = 'c1'
        path = self.system_bus.call(LOGIND_NAME, LOGIND_PATH, MOCK_IFACE, 'AddSession',
                                    (session_id, 'seat0', os.getuid(), 'deskbreak-tester',
                                     True), '(ssusb)', '(s)').unpack()[0]
        self.logind_session_id = session_id
        self.logind_session = path
        # Real logind serves .../session/auto as an alias of the caller's
        # session (its Id is the real one) and sends signals only on the
        # concrete path. The mock answers GetSession("auto") with
        # .../session/auto, so that object must exist: make it such an alias.
        auto = self.system_bus.call(LOGIND_NAME, LOGIND_PATH, MOCK_IFACE, 'AddSession',
                                    ('auto', 'seat0', os.getuid(), 'deskbreak-tester', True),
                                    '(ssusb)', '(s)').unpack()[0]
        self.system_bus.call(LOGIND_NAME, auto, 'org.freedesktop.DBus.Properties', 'Set',
                             GLib.Variant('(ssv)', ('org.freedesktop.login1.Session', 'Id',
                                                    GLib.Variant('s', session_id))))
        return path

    def logind_session_call(self, method, args=None, signature=None, path=None):
        return self.system_bus.call(LOGIND_NAME, path or self.logind_session,
                                    'org.freedesktop.login1.Session', method, args, signature)

    def logind_emit(self, path, iface, member, signature, args):
        self.system_bus.call(LOGIND_NAME, path, MOCK_IFACE, 'EmitSignal',
                             GLib.Variant('(sssav)', (iface, member, signature, args)))


def main():
    """Entry point of a test file: private bus, unittest, summary, exit code."""
    # The mocks run as `python3 -m dbusmock`.
    if importlib.util.find_spec('dbusmock') is None:
        log(f'SKIP: python3-dbusmock is not installed for {sys.executable}')
        sys.exit(SKIP_EXIT)
    ensure_private_bus()
    if not is_executable(DESKBREAKD) and not is_executable(DESKBREAK):
        log(f'SKIP: deskbreakd/deskbreak not built (DESKBREAKD={DESKBREAKD}, DESKBREAK={DESKBREAK})')
        sys.exit(SKIP_EXIT)
    start = time.monotonic()
    prog = unittest.main(module='__main__', exit=False, verbosity=2, buffer=False)
    result = prog.result
    elapsed = time.monotonic() - start
    skipped = len(result.skipped)
    # A skip raised in setUpClass is listed without being counted as run.
    skipped_run = sum(1 for test, _ in result.skipped if isinstance(test, unittest.TestCase))
    bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - bad - skipped_run
    log(f'{os.path.basename(sys.argv[0])}: {result.testsRun} run, '
        f'{passed} passed, {len(result.failures)} failed, '
        f'{len(result.errors)} errors, {skipped} skipped in {elapsed:.1f} s')
    if bad:
        sys.exit(1)
    if passed == 0 and skipped:
        sys.exit(SKIP_EXIT)
    sys.exit(0)
