#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end with GNOME Shell itself (Debian 12's 43), run headless:

    gnome-shell --headless --wayland --no-x11 --virtual-monitor 1280x800

on a session bus of the test's own that can activate, like a desktop's,
GNOME's notification service (a gjs program the shell starts, which owns
org.freedesktop.Notifications and hands every call to the shell) and
dconf's service (GSettings, read by deskbreakd for show-banners), with a
private system bus beside it. Everything runs with the test's HOME and XDG
directories, as one GNOME session would: XDG_CURRENT_DESKTOP=GNOME.

deskbreakd picks the shell's own idle monitor (source auto finds Mutter's
org.gnome.Mutter.IdleMonitor), and the user types through Mutter's
RemoteDesktop interface: real input as far as the shell can tell.

What the shell holds is read from inside it with org.gnome.Shell.Eval,
which needs unsafe mode: a two-line extension of the test's own turns it on.
With it the test reads the message tray (its sources and notifications,
with the ids the shell's notification daemon handed out, and the banner on
screen) and presses a button of the banner, which emits the same
"clicked" a pointer would; the ActionInvoked that reaches deskbreakd comes
from GNOME's own service.

- The reminder reaches the shell (title, buttons), Snooze on its banner
  snoozes, and after `deskbreak resume` Done on the next one takes a break.
- org.gnome.desktop.notifications show-banners=false (GNOME's Do Not
  Disturb switch, set with gsettings through dconf) holds a due reminder;
  true again shows it.
- gnome-shell killed (SIGKILL) with a reminder up and started again: the
  reminder is back in the new shell's tray within seconds (its notification
  service takes the name a moment before it answers calls), and the idle
  source returns to the new shell's monitor.

Skipped, with the reason, only when GNOME Shell cannot start here: a
program or service file missing (packages gnome-shell, gjs, dconf-service,
libglib2.0-bin), or the shell exits before taking its bus names."""

import json
import os
import re
import shutil
import signal
import subprocess
import time
import unittest

import dbktest
from dbktest import DEADLINE, NOTIFY_NAME, NOTIFY_PATH, SEC, DeskbreakTestCase, GLib

GNOME_SHELL = shutil.which('gnome-shell')
SHELL_ARGS = ['--headless', '--wayland', '--no-x11', '--virtual-monitor', '1280x800']
# Usually three seconds; far more on a loaded machine.
SHELL_START_TIMEOUT = 60.0

SERVICE_DIR = '/usr/share/dbus-1/services'
# What the shell and GSettings activate on a GNOME session bus.
SERVICES = ('org.gnome.Shell.Notifications', 'ca.desrt.dconf')

SHELL_NAME = 'org.gnome.Shell'
SHELL_PATH = '/org/gnome/Shell'
REMOTE_NAME = 'org.gnome.Mutter.RemoteDesktop'
REMOTE_PATH = '/org/gnome/Mutter/RemoteDesktop'
REMOTE_IFACE = 'org.gnome.Mutter.RemoteDesktop'
KEY_SHIFT_L = 42  # evdev

EXTENSION_UUID = 'unsafe-mode@deskbreak.test'
EXTENSION_JS = '''function enable() { global.context.unsafe_mode = true; }
function disable() { global.context.unsafe_mode = false; }
'''

SUMMARY = 'Time to stretch: Doorway stretch'
BUTTONS = ['Done', 'Snooze 2m', 'Skip']
BANNERS_REASON = 'GNOME: notification banners are off'

INTERVAL = 10
# Long, so that the test has time to look at a reminder (and press it)
# before sitting still for that long counts as the break.
BREAK_LENGTH = 9
NATURAL_BREAK = 30
# The reminder back on a restarted shell: seconds, not a minute.
BACK_WITHIN = 15.0

# The deskbreak notifications in the shell's message tray, with the ids its
# notification daemon gave them and whether one is the banner on screen.
TRAY_JS = '''(() => {
    const tray = Main.messageTray;
    const fdo = Main.notificationDaemon._fdoNotificationDaemon;
    const ids = new Map();
    for (const [id, data] of Object.entries(fdo._notifications)) {
        if (data.notification)
            ids.set(data.notification, Number(id));
    }
    return tray.getSources().filter(s => s.title === 'deskbreak').flatMap(
        s => s.notifications.map(n => ({
            id: ids.get(n) ?? 0,
            title: n.title,
            body: n.bannerBodyText,
            urgency: n.urgency,
            actions: n.actions.map(a => a.label),
            banner: tray._notification === n && tray._banner !== null,
        })));
})()'''

# Presses a button of the banner on screen, if it shows notification ID:
# the button's own "clicked", as from a pointer (it runs the action and
# closes the notification).
PRESS_JS = '''(() => {
    const tray = Main.messageTray;
    const data = Main.notificationDaemon._fdoNotificationDaemon._notifications[%d];
    if (!data || !data.notification || tray._notification !== data.notification ||
        !tray._banner || !tray._banner._buttonBox)
        return 'not on the banner';
    const button = tray._banner._buttonBox.get_children().find(b => b.label === %s);
    if (!button)
        return 'no such button';
    button.emit('clicked', 1);
    return 'pressed';
})()'''

# What the shell posts by itself at start (a privileged user, unsafe mode)
# would take the banner before the reminder: a fresh desktop has none.
CLEAR_OTHERS_JS = '''Main.messageTray.getSources().filter(s => s.title !== 'deskbreak')
    .forEach(s => s.destroy())'''


def _missing():
    gone = [p for p in ('gnome-shell', 'gjs', 'gsettings', 'dbus-daemon')
            if shutil.which(p) is None]
    for name in SERVICES:
        if not os.path.isfile(os.path.join(SERVICE_DIR, name + '.service')):
            gone.append(f'{SERVICE_DIR}/{name}.service')
    return f'{", ".join(gone)} not installed' if gone else ''


MISSING = _missing()
# Why the shell could not start, once seen: the other tests skip at once.
_shell_problem = ''


def service_file(name):
    """The installed activation file without SystemdService= (no user
    manager here: the bus starts the program itself)."""
    with open(os.path.join(SERVICE_DIR, name + '.service'), encoding='utf-8') as f:
        lines = f.read().splitlines()
    return '\n'.join(l for l in lines if not l.startswith('SystemdService=')) + '\n'


@unittest.skipIf(MISSING, MISSING)
class GnomeShellTest(DeskbreakTestCase):
    def setUp(self):
        if _shell_problem:
            self.skipTest(f'GNOME Shell cannot start here: {_shell_problem}')
        super().setUp()
        self.shell = None
        self.remote = None
        self.last_input = 0.0
        self.start_system_bus()
        self.start_session_bus()
        self.install_extension()
        self.gsettings('set', 'org.gnome.shell', 'enabled-extensions', f"['{EXTENSION_UUID}']")
        self.start_shell(first=True)

    # -- the session --------------------------------------------------------

    def desktop_env(self, **extra):
        return self.base_env(XDG_CURRENT_DESKTOP='GNOME',
                             XDG_DATA_HOME=os.path.join(self.home, '.local', 'share'),
                             XDG_CACHE_HOME=os.path.join(self.home, '.cache'), **extra)

    def start_session_bus(self):
        """A session bus that activates GNOME's notification service and
        dconf, started with the session's environment (what it activates
        inherits it); the test moves to it."""
        services = os.path.join(self.tmp, 'services')
        for name in SERVICES:
            dbktest.write_file(os.path.join(services, name + '.service'), service_file(name))
        with open(dbktest.SESSION_CONF, encoding='utf-8') as f:
            conf = f.read()
        conf, n = re.subn(r'(</busconfig>)', f'  <servicedir>{services}</servicedir>\n\\1', conf)
        self.assertEqual(n, 1)
        conf_path = os.path.join(self.tmp, 'gnome-session.conf')
        dbktest.write_file(conf_path, conf)
        bus = self.spawn('session-bus', ['dbus-daemon', '--config-file=' + conf_path, '--nofork',
                                         '--print-address=1'],
                         env=self.desktop_env(), stdout_pipe=True)
        address = bus.read_line(DEADLINE)
        if not address:
            self.fail('the session bus did not start:\n' + bus.output())
        self.use_session_bus(address.strip())

    def install_extension(self):
        directory = os.path.join(self.home, '.local', 'share', 'gnome-shell', 'extensions',
                                 EXTENSION_UUID)
        dbktest.write_file(os.path.join(directory, 'metadata.json'), json.dumps({
            'uuid': EXTENSION_UUID, 'name': 'Unsafe mode',
            'description': "Lets deskbreak's tests read the shell with Eval",
            'shell-version': ['43']}))
        dbktest.write_file(os.path.join(directory, 'extension.js'), EXTENSION_JS)

    def gsettings(self, *args):
        r = subprocess.run(['gsettings'] + list(args), env=self.desktop_env(),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=DEADLINE)
        self.assertEqual(r.returncode, 0, f'gsettings {" ".join(args)}: {r.stderr}')
        return r.stdout.strip()

    def start_shell(self, first=False, typing=False):
        """gnome-shell, waited for until Eval answers, its start-up is over
        and its notification service answers. Its first start failing skips
        the test; a later one fails it. `typing`: the user types on
        meanwhile, as soon as the shell takes input."""
        global _shell_problem
        self.remote = None
        proc = self.spawn('gnome-shell', [GNOME_SHELL] + SHELL_ARGS, env=self.desktop_env())

        def typed(predicate):
            def check():
                if typing:
                    self.try_input()
                return predicate()
            return check

        deadline = time.monotonic() + SHELL_START_TIMEOUT
        while not typed(lambda: self.bus.has_owner(SHELL_NAME))():
            problem = None
            if not proc.alive():
                problem = f'gnome-shell exited with status {proc.returncode()} at start-up'
            elif time.monotonic() > deadline:
                problem = f'gnome-shell did not own {SHELL_NAME} in {SHELL_START_TIMEOUT:.0f} s'
            if problem:
                lines = [l for l in proc.output().splitlines() if l.strip()]
                problem += f' (last words: {lines[-1].strip()})' if lines else ' (no output)'
                if first:
                    _shell_problem = problem
                    dbktest.log(proc.output()[-4000:])
                    self.skipTest(f'GNOME Shell cannot start here: {problem}')
                self.fail(problem + '\n' + proc.output())
            time.sleep(0.1)
        self.shell = proc
        self.wait_until(typed(lambda: self.try_eval_value('!Main.layoutManager._startingUp')),
                        SHELL_START_TIMEOUT, 'the shell started, in unsafe mode')
        self.shell_eval(CLEAR_OTHERS_JS)
        self.wait_until(typed(self.server_name), SHELL_START_TIMEOUT,
                        "GNOME's notification service answering")
        self.assertEqual(self.server_name(), 'gnome-shell')
        return proc

    def server_name(self):
        try:
            return self.bus.call(NOTIFY_NAME, NOTIFY_PATH, 'org.freedesktop.Notifications',
                                 'GetServerInformation', reply='(ssss)').unpack()[0]
        except GLib.Error:
            return None

    def try_eval(self, js):
        """Shell.Eval: (True, the value) or (False, the error)."""
        ok, out = self.bus.call(SHELL_NAME, SHELL_PATH, 'org.gnome.Shell', 'Eval', (js,), '(s)',
                                '(bs)').unpack()
        if not ok:
            return (False, out)
        return (True, json.loads(out) if out else None)

    def shell_eval(self, js):
        ok, value = self.try_eval(js)
        self.assertTrue(ok, f'Shell.Eval failed: {value}')
        return value

    def try_eval_value(self, js):
        """Eval's value, or None when the shell is not in unsafe mode yet."""
        ok, value = self.try_eval(js)
        return value if ok else None

    # -- input ----------------------------------------------------------------

    def user_input(self):
        """A key press and release (left Shift) through Mutter's
        RemoteDesktop, from this connection, which owns the session."""
        if self.remote is None:
            path = self.bus.call(REMOTE_NAME, REMOTE_PATH, REMOTE_IFACE, 'CreateSession',
                                 reply='(o)').unpack()[0]
            self.bus.call(REMOTE_NAME, path, REMOTE_IFACE + '.Session', 'Start')
            self.remote = path
        for pressed in (True, False):
            self.bus.call(REMOTE_NAME, self.remote, REMOTE_IFACE + '.Session',
                          'NotifyKeyboardKeycode', (KEY_SHIFT_L, pressed), '(ub)')

    def try_input(self):
        """user_input() at most twice a second, if the shell takes input yet."""
        now = time.monotonic()
        if now - self.last_input < 0.5:
            return
        self.last_input = now
        try:
            self.user_input()
        except GLib.Error:
            self.remote = None

    # -- the tray -----------------------------------------------------------

    def tray(self):
        """deskbreak's notifications in the shell's message tray."""
        return self.shell_eval(TRAY_JS)

    def in_tray(self):
        """The first deskbreak notification in the tray, or None."""
        ours = self.tray()
        return ours[0] if ours else None

    def wait_in_tray(self, on_banner=False, timeout=DEADLINE):
        """Waits until the tray holds a deskbreak notification (on the
        banner, if on_banner); returns it."""
        def find():
            for n in self.tray():
                if n['banner'] or not on_banner:
                    return n
            return None
        return self.wait_until(find, timeout,
                               'the reminder in the shell\'s tray'
                               + (' on its banner' if on_banner else ''))

    def press(self, notification_id, label):
        self.assertEqual(self.shell_eval(PRESS_JS % (notification_id, json.dumps(label))),
                         'pressed')

    def set_banners(self, on):
        value = 'true' if on else 'false'
        self.gsettings('set', 'org.gnome.desktop.notifications', 'show-banners', value)
        self.assertEqual(self.gsettings('get', 'org.gnome.desktop.notifications', 'show-banners'),
                         value)

    # -- the daemon ---------------------------------------------------------

    def start_at_keyboard(self):
        self.user_input()
        self.start_daemon(interval=f'{INTERVAL}s', break_length=f'{BREAK_LENGTH}s',
                          natural_break=f'{NATURAL_BREAK}s', snooze='2m', remind_again='0',
                          stretches='doorway', source='auto', env=self.desktop_env())
        self.user_input()
        st = self.wait_state('sitting')
        self.assertEqual(st['idle_source'], 'mutter')
        self.wait_until(lambda: self.status()['notification_server'] == 'gnome-shell',
                        what='gnome-shell named as the notification server')
        return st

    def work_until_reminder(self):
        """Types past the interval; the reminder comes at the first pause.
        Returns its notification in the tray, on the banner."""
        self.type_for(INTERVAL + 1, every=0.5)
        self.wait_signal('ReminderShown', ('doorway', 1))
        n = self.wait_in_tray(on_banner=True)
        self.assertEqual(self.status()['state'], 'due')
        return n

    # -- tests --------------------------------------------------------------

    def test_reminder_and_its_buttons(self):
        self.start_at_keyboard()
        n = self.work_until_reminder()
        self.assertEqual(n['title'], SUMMARY)
        self.assertTrue(n['body'].startswith('1. '), n['body'])
        self.assertEqual(n['actions'], BUTTONS)
        self.assertGreater(n['id'], 0)
        self.assertEqual(len(self.tray()), 1)

        # Snooze, on the banner: GNOME closes the notification, deskbreakd snoozes.
        self.press(n['id'], 'Snooze 2m')
        st = self.wait_state('snoozed')
        self.assertEqual(st['snoozes_today'], 1)
        self.assertGreater(st['snoozed_until'], dbktest.now_usec() + 100 * SEC)
        self.wait_until(lambda: self.tray() == [], what='the notification gone from the tray')
        self.assertEqual(self.breaks_taken(), [])

        # Back to work; resumed, it reminds again at once, and Done takes the break.
        self.user_input()
        t_resume = time.time()
        self.cli_ok('resume')
        self.wait_signal('ReminderShown', after=t_resume)
        again = self.wait_in_tray(on_banner=True)
        self.assertNotEqual(again['id'], n['id'])
        self.assertEqual(again['actions'], BUTTONS)
        self.press(again['id'], 'Done')
        self.wait_signal('BreakTaken', ('action',))
        st = self.status()
        self.assertEqual(st['state'], 'away')
        self.assertEqual(st['breaks_today'], 1)
        self.wait_until(lambda: self.tray() == [], what='the notification gone from the tray')

    def test_banners_off_holds_the_reminder(self):
        self.start_at_keyboard()
        self.set_banners(False)
        st = self.wait_until(lambda: self.status()['dnd'] and self.status(),
                             what="dnd from GNOME's show-banners")
        self.assertEqual(st['state'], 'sitting')
        self.assertFalse(st['held'])

        self.type_for(INTERVAL + 1, every=0.5)
        st = self.wait_state('due')
        self.assertTrue(st['held'], st)
        self.assertEqual(st['held_reason'], BANNERS_REASON)
        self.assertIn('Reminder held', self.cli_ok('status').stdout)
        self.settle(0.5)
        self.assertEqual(self.reminders_shown(), [])
        self.assertEqual(self.tray(), [], 'the held reminder went to the shell')

        t_on = time.time()
        self.set_banners(True)
        self.wait_signal('ReminderShown', ('doorway', 1), after=t_on)
        n = self.wait_in_tray()
        self.assertEqual(n['title'], SUMMARY)
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertFalse(st['held'], st)
        self.assertFalse(st['dnd'], st)

    def test_shell_killed_and_restarted_mid_reminder(self):
        self.start_at_keyboard()
        self.work_until_reminder()

        self.shell.signal(signal.SIGKILL)
        self.assertIsNotNone(self.shell.wait(DEADLINE), 'gnome-shell survived SIGKILL')
        # GNOME's notification service leaves with the shell.
        self.wait_until(lambda: not self.bus.has_owner(NOTIFY_NAME),
                        what='the notification service gone with the shell')
        self.wait_until(lambda: self.status()['notification_server'] == '',
                        what='deskbreakd without a notification server')
        self.assertEqual(self.status()['state'], 'due')

        # The user works on (so that no break is taken meanwhile); the
        # reminder comes back by itself.
        t_start = time.monotonic()
        self.start_shell(typing=True)
        t_ready = time.monotonic()

        def back():
            self.try_input()
            return self.in_tray()
        n = self.wait_until(back, BACK_WITHIN, 'the reminder back on the new shell')
        t_back = time.monotonic()
        dbktest.log(f'reminder back {t_back - t_start:.1f} s after the shell was started again '
                    f'({t_back - t_ready:.1f} s after it answered)')
        self.assertEqual(n['title'], SUMMARY)
        self.assertEqual(n['actions'], BUTTONS)
        st = self.status()
        self.assertEqual(st['state'], 'due')
        self.assertFalse(st['held'], st)
        self.assertEqual(st['notification_server'], 'gnome-shell')
        self.assertEqual(self.breaks_taken(), [])
        self.wait_until(lambda: self.status()['idle_source'] == 'mutter',
                        what="the idle source back on the new shell's monitor")
        self.assertEqual(len(self.tray()), 1)


if __name__ == '__main__':
    dbktest.main()
