#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""deskbreak monitor's lines in the real status bars, each set up with
README.md's module as written there. A stand-in for deskbreakd
(python3-dbusmock) answers GetStatus with a stretch title or a state (as
a newer daemon might send) holding what means something to a bar: Pango
markup's & < >, quotes, % and polybar's %{...} tags, one it knows and one
it cannot parse.

- waybar (Debian 12's 0.9.17, which reads a custom module's tooltip as
  markup whatever "escape" says) on sway, as `nobody` (sway refuses root).
  sway runs on its X11 backend inside an Xvfb, because its headless seat
  has no pointer: xdotool's pointer over a module shows its tooltip, which
  is when GTK parses the tooltip's markup. The deskbreak modules (a due
  break with a stretch title, and a state) must draw their texts and show
  their tooltips without GTK's markup warning. A control module, the
  README's without "escape" and fed the state's text escaped here, has a
  raw & in its tooltip: GTK's warning for it shows that the hover works,
  and the state's text must be drawn as wide as the control's (a "&amp;"
  shown would be wider).
- polybar under Xvfb: the README's module and a reference module that
  prints the same text with the braces swapped for parentheses. In a
  monospace font both must be drawn the same width (a %% shown, or a tag
  taken, would change it), and polybar must log no error.
- i3blocks: its i3bar JSON carries the text as it is, not as markup.

Each bar is skipped, with the reason, when a program it needs is missing."""

import html
import json
import os
import random
import re
import shutil
import struct
import subprocess
import tempfile
import time
import unittest

import dbktest
from dbktest import (BUS_NAME, DEADLINE, DESKBREAK, INTERFACE, MIN, MOCK_IFACE, OBJECT_PATH,
                     PYTHON, DeskbreakTestCase, now_usec)

# A user's stretch title and an unknown state that mean something to a bar.
TITLE = 'Neck & shoulders <2> "q" \'a\' 100% %{F#f00}red'
STATE = 'x & <b> "q" \'a\' 100% %{F#f00}red %{Z} y'

FONT = 'DejaVu Sans Mono'
FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf'


def missing(*programs):
    """The reason to skip when one of `programs` is not installed, else ''."""
    gone = [p for p in programs if shutil.which(p) is None]
    if dbktest.AS_ROOT and 'sway' in programs and shutil.which('runuser') is None:
        gone.append('runuser')
    return f'{", ".join(gone)} not installed' if gone else ''


def readme_block(bar, lang):
    """The first ```lang block after README.md's **bar** heading."""
    with open(os.path.join(dbktest.SOURCE_DIR, 'README.md'), encoding='utf-8') as f:
        text = f.read()
    start = text.index(f'**{bar}**')
    m = re.compile(r'^```' + lang + r'\n(.*?)^```$', re.S | re.M).search(text, start)
    if m is None:
        raise AssertionError(f'README.md has no ```{lang} block after **{bar}**')
    return m.group(1)


def cli_path_env(env):
    """`env` with the built deskbreak first on PATH, as the README's
    modules call it by name."""
    env = dict(env)
    env['PATH'] = os.path.dirname(DESKBREAK) + os.pathsep + env.get('PATH', '/usr/bin:/bin')
    return env


# ---------------------------------------------------------------------------
# Screenshots of an X screen (xwd)


class Shot:
    """One `xwd -root` of a 24/32-bit TrueColor screen."""

    def __init__(self, data):
        h = struct.unpack('>25I', data[:100])
        header_size, width, height, byte_order = h[0], h[4], h[5], h[7]
        self.bpl, ncolors = h[12], h[19]
        self.masks = h[14:17]
        self.width, self.height = width, height
        self.bypp = h[11] // 8  # bits per pixel: 24 is 3 bytes, rows padded
        self.little = byte_order == 0
        off = header_size + ncolors * 12
        self.pixels = data[off:off + self.bpl * height]

    def pixel(self, x, y):
        i = y * self.bpl + x * self.bypp
        raw = self.pixels[i:i + self.bypp]
        v = int.from_bytes(raw, 'little' if self.little else 'big')
        rmask, gmask, bmask = self.masks
        return ((v & rmask) >> 16, (v & gmask) >> 8, v & bmask)

    def region(self, x0, y0, x1, y1):
        """The bytes of a rectangle, for comparing two shots."""
        x0, x1 = max(0, x0), min(self.width, x1)
        y0, y1 = max(0, y0), min(self.height, y1)
        return b''.join(self.pixels[y * self.bpl + x0 * self.bypp:y * self.bpl + x1 * self.bypp]
                        for y in range(y0, y1))

    def ink_columns(self, x0, y0, x1, y1, background=(0, 0, 0)):
        """The x of each column with a pixel not of `background`."""
        return [x for x in range(max(0, x0), min(self.width, x1))
                if any(max(abs(a - b) for a, b in zip(self.pixel(x, y), background)) > 48
                       for y in range(max(0, y0), min(self.height, y1)))]

    def ink(self, x0, y0, x1, y1, background=(0, 0, 0)):
        """(leftmost, rightmost) x of pixels not of `background`, or None."""
        xs = self.ink_columns(x0, y0, x1, y1, background)
        return (xs[0], xs[-1]) if xs else None

    def ink_runs(self, x0, y0, x1, y1, gap=40):
        """(from, to) of each stretch of ink, those less than `gap` apart
        merged: the texts of a bar's modules, left to right."""
        runs = []
        for x in self.ink_columns(x0, y0, x1, y1):
            if runs and x - runs[-1][1] < gap:
                runs[-1][1] = x
            else:
                runs.append([x, x])
        return [tuple(r) for r in runs]


class XServer:
    """An Xvfb on a free display number; `open_to_all` lets another user's
    clients (sway as nobody) connect."""

    def __init__(self, test, open_to_all=False):
        self.test = test
        for _ in range(10):
            n = random.randint(100, 9999)
            if os.path.exists(f'/tmp/.X{n}-lock') or os.path.exists(f'/tmp/.X11-unix/X{n}'):
                continue
            argv = ['Xvfb', f':{n}', '-displayfd', '1', '-noreset', '-nolisten', 'tcp',
                    '-screen', '0', '1280x800x24']
            if open_to_all:
                argv.append('-ac')
            proc = test.spawn(f'Xvfb-{n}', argv, stdout_pipe=True)
            line = proc.read_line(DEADLINE)
            if line is not None and line.strip() == str(n):
                self.proc, self.display = proc, f':{n}'
                return
            proc.stop()
        test.fail('Xvfb did not start on any of 10 display numbers')

    def run(self, *argv, **kw):
        r = subprocess.run([str(a) for a in argv], env=dict(os.environ, DISPLAY=self.display),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=DEADLINE, **kw)
        self.test.assertEqual(r.returncode, 0, f'{argv[0]}: {r.stderr!r}')
        return r.stdout

    def shot(self):
        return Shot(self.run('xwd', '-root', '-silent'))

    def pointer(self, x, y):
        """Moves the pointer to (x, y), from a pixel beside it, so a client
        under it gets motion even when it was there already."""
        self.run('xdotool', 'mousemove', x + 1, y + 1, 'mousemove', x, y)


# ---------------------------------------------------------------------------


class BarTestCase(DeskbreakTestCase):
    needs_daemon = False

    def setUp(self):
        super().setUp()
        self.files = tempfile.mkdtemp(prefix='deskbreak-bar-')
        os.chmod(self.files, 0o755)  # the bar may run as another user
        self.addCleanup(shutil.rmtree, self.files, ignore_errors=True)
        self.fifo_fd = None
        stand_in = self.spawn('daemon-stand-in',
                              [PYTHON, '-m', 'dbusmock', BUS_NAME, OBJECT_PATH, INTERFACE])
        self.wait_name(BUS_NAME, stand_in)

    def set_status(self, state, **extra):
        """What the stand-in's GetStatus answers from now on."""
        now = now_usec()
        values = {
            'state': ('String', state),
            'sitting_usec': ('UInt64', 3 * MIN),
            'sitting_since': ('Int64', now - 3 * MIN),
            'interval_usec': ('UInt64', 30 * MIN),
            'next_reminder': ('Int64', 0),
            'snoozed_until': ('Int64', 0),
            'paused_until': ('Int64', 0),
            'idle_source': ('String', 'mutter'),
            'times_shown': ('UInt32', 1),
        }
        values.update(extra)
        code = 'ret = {' + ', '.join(f'{k!r}: dbus.{t}({v!r})' for k, (t, v) in values.items()) + '}'
        self.bus.call(BUS_NAME, OBJECT_PATH, MOCK_IFACE, 'AddMethod',
                      (INTERFACE, 'GetStatus', '', 'a{sv}', code), '(sssss)')

    def monitor_line(self, fmt):
        """The first line of `deskbreak monitor --format fmt`."""
        proc = self.spawn(f'monitor-{fmt}', [DESKBREAK, 'monitor', '--format', fmt],
                          stdout_pipe=True)
        line = proc.read_line(DEADLINE)
        proc.stop()
        self.assertIsNotNone(line, 'deskbreak monitor printed nothing:\n' + proc.output())
        return line

    def write(self, name, text, mode=0o644):
        path = os.path.join(self.files, name)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def hold_fifo(self):
        """A FIFO held open for writing until the test ends: `cat FILE FIFO`
        prints FILE, then waits, and ends when the test does."""
        path = os.path.join(self.files, 'hold')
        os.mkfifo(path, 0o644)
        self.fifo_fd = os.open(path, os.O_RDWR)
        self.addCleanup(os.close, self.fifo_fd)
        return path


# ---------------------------------------------------------------------------
# waybar

WAYBAR_MISSING = missing('sway', 'waybar', 'Xvfb', 'xdotool', 'xwd')
# sway's X11 output is a window at the top left of the X screen.
BAR_HEIGHT = 30
WAYBAR_STYLE = f'''* {{ font-family: "{FONT}"; font-size: 13px; }}
window#waybar {{ background: #000000; color: #ffffff; }}
label {{ padding: 0 20px; }}
'''


@unittest.skipIf(WAYBAR_MISSING, WAYBAR_MISSING)
class WaybarTest(BarTestCase):
    """waybar 0.9.17 reads the tooltip as Pango markup: the deskbreak
    modules' tooltips, a stretch title and a state full of &, < and >, show
    without GTK's markup warning, and so do their texts."""

    CONTROL = 'control & tooltip'  # raw: GTK warns for it on hover

    def setUp(self):
        super().setUp()
        self.set_status('due', next_stretch_title=('String', TITLE),
                        next_stretch=('String', 'own'))
        self.due_line = self.monitor_line('waybar')
        self.set_status(STATE)
        self.state_line = self.monitor_line('waybar')
        self.x = XServer(self, open_to_all=True)

    def start_sway(self):
        self.sway = dbktest.Sway(self, self.files, dict(
            DISPLAY=self.x.display, WLR_BACKENDS='x11', WLR_X11_OUTPUTS='1'))
        self.env = self.sway.env

    def start_waybar(self):
        readme = json.loads('{' + readme_block('waybar', 'json') + '}')['custom/deskbreak']
        fifo = self.hold_fifo()
        # The control: the state's line as it should be, escaped here, but
        # for a raw tooltip.
        markup = html.escape(STATE, quote=False)
        control = self.write('control.json', json.dumps(
            {'text': markup, 'alt': markup, 'tooltip': self.CONTROL, 'class': 'x',
             'percentage': 10}) + '\n')
        due = self.write('due.json', self.due_line + '\n')
        state = self.write('state.json', self.state_line + '\n')
        config = {
            'layer': 'top', 'position': 'top', 'height': BAR_HEIGHT,
            'modules-left': ['custom/control'],
            'modules-center': ['custom/deskbreak'],
            'modules-right': ['custom/deskbreak#state'],
            # The README's module without "escape" (for whatever it says of
            # it), fed its line from a file.
            'custom/control': dict({k: v for k, v in readme.items() if k != 'escape'},
                                   exec=f'cat {control} {fifo}'),
            # The README's module, fed the monitor's lines from a file.
            'custom/deskbreak': dict(readme, exec=f'cat {due} {fifo}'),
            'custom/deskbreak#state': dict(readme, exec=f'cat {state} {fifo}'),
        }
        path = self.write('waybar.json', json.dumps(config, indent=1))
        style = self.write('style.css', WAYBAR_STYLE)
        self.waybar = self.spawn('waybar', dbktest.as_nobody(
            dict(self.env, GDK_BACKEND='wayland', NO_AT_BRIDGE='1'),
            ['waybar', '-c', path, '-s', style]))

        # Drawn: ink in the bar at each of the three modules. A text is set
        # when its line comes, as markup: GTK warns at once if it is not.
        def drawn():
            if not self.waybar.alive():
                self.fail('waybar exited:\n' + self.waybar.output())
            self.assertEqual(self.markup_warnings(), [], 'waybar could not parse a text')
            shot = self.x.shot()
            runs = shot.ink_runs(0, 0, shot.width, BAR_HEIGHT)
            return runs if len(runs) == 3 else None
        return self.wait_until(drawn, 40, 'waybar to draw its three modules', interval=0.1)

    def markup_warnings(self, control=False):
        """The texts GTK could not parse as markup, from waybar's log: the
        deskbreak modules', or with `control` the control module's."""
        texts = re.findall(r"Failed to set text '(.*?)' from markup", self.waybar.output(), re.S)
        return [t for t in texts if (t == self.CONTROL) == control]

    def still_region(self, region):
        """The region once two shots in a row agree on it."""
        last = None

        def same():
            nonlocal last
            now = self.x.shot().region(*region)
            done, last = now == last, now
            return done
        self.wait_until(same, DEADLINE, 'the screen to settle', interval=0.1)
        return last

    def hover(self, x, control=False):
        """Points at the module at `x` until its tooltip shows or GTK warns
        about its markup (the control module's, with `control`); returns
        (shown, the new warnings)."""
        before = len(self.markup_warnings(control))
        # Where the tooltip shows, below the bar; the pointer first away
        # from the bar, so that no tooltip is up.
        region = (x - 250, BAR_HEIGHT + 10, x + 250, 250)
        self.x.pointer(x, 500)
        baseline = self.still_region(region)
        self.x.pointer(x, BAR_HEIGHT // 2)
        pointed = time.monotonic()
        result = {}

        def shown_or_warned():
            nonlocal pointed
            warnings = self.markup_warnings(control)[before:]
            shown = self.x.shot().region(*region) != baseline
            if warnings or shown:
                result.update(shown=shown, warnings=warnings)
                return True
            # A tooltip that did not come (the pointer arrived during a
            # redraw, say): point again.
            if time.monotonic() - pointed > 3:
                self.x.pointer(x, 500)
                self.x.pointer(x, BAR_HEIGHT // 2)
                pointed = time.monotonic()
            return False
        self.wait_until(shown_or_warned, DEADLINE, f'a tooltip at x={x}', interval=0.1)
        return result['shown'], result['warnings']

    def test_tooltips_and_text_are_markup(self):
        self.start_sway()
        control, due, state = self.start_waybar()

        shown, warnings = self.hover(sum(control) // 2, control=True)
        self.assertTrue(warnings,
                        'pointing at the control module brought no markup warning from '
                        f'GTK for its raw "&" (shown: {shown}, warnings: {warnings}); '
                        'the tooltip hover does not work here')

        for name, x in (('the due line (stretch title)', sum(due) // 2),
                        ('the unknown state', sum(state) // 2)):
            with self.subTest(name):
                shown, warnings = self.hover(x)
                self.assertEqual(warnings, [], f'GTK could not parse the tooltip of {name}')
                self.assertTrue(shown, f'no tooltip for {name}')

        # The state's text drawn as the control's, which is right: the same
        # width (no "&amp;" shown, say).
        self.assertLessEqual(abs((state[1] - state[0]) - (control[1] - control[0])), 1,
                             f'the state drawn at {state}, the control at {control}')


# ---------------------------------------------------------------------------
# polybar

POLYBAR_MISSING = missing('polybar', 'Xvfb', 'xwd') or (
    '' if os.path.exists(FONT_FILE) else f'{FONT_FILE} missing (fonts-dejavu-core)')


@unittest.skipIf(POLYBAR_MISSING, POLYBAR_MISSING)
class PolybarTest(BarTestCase):
    """polybar draws the README module's text as the state says: a % as
    it is, a %{...} as text, not as a tag."""

    def test_text_is_shown_as_it_is(self):
        self.check_drawn_as_text(STATE)

    def test_a_known_tag_is_text_too(self):
        # A tag polybar knows, where polybar logs nothing: only the width tells.
        self.check_drawn_as_text('x 100% %{F#f00}red y')

    def check_drawn_as_text(self, state):
        self.set_status(state)
        line = self.monitor_line('polybar')
        x = XServer(self)
        readme = readme_block('polybar', 'ini')
        fifo = self.hold_fifo()
        # `state` as polybar must draw it, with nothing it could take for a tag.
        lookalike = self.write('lookalike.txt',
                               state.replace('{', '(').replace('}', ')') + '\n')
        reference = readme.replace('[module/deskbreak]', '[module/reference]')
        reference, n = re.subn(r'(?m)^exec = .*$', f'exec = cat {lookalike} {fifo}', reference)
        self.assertEqual(n, 1, reference)
        config = self.write('config.ini', f'''[bar/test]
width = 100%
height = 30
background = #000000
foreground = #ffffff
font-0 = {FONT}:size=12;2
modules-left = deskbreak
modules-right = reference
override-redirect = true

{readme}
{reference}''')
        polybar = self.spawn('polybar', ['polybar', '--config=' + config, 'test'],
                             env=cli_path_env(self.base_env(DISPLAY=x.display)))

        def drawn():
            if not polybar.alive():
                self.fail('polybar exited:\n' + polybar.output())
            shot = x.shot()
            half = shot.width // 2
            ink = (shot.ink(0, 0, half, 30), shot.ink(half, 0, shot.width, 30))
            errors = [l for l in polybar.output().splitlines() if 'error' in l.lower()]
            if errors:
                self.fail('polybar reported errors:\n' + '\n'.join(errors))
            return ink if all(ink) else None
        last = None

        def steady():
            # Both modules drawn, and the same in two shots in a row.
            nonlocal last
            now = drawn()
            done, last = now is not None and now == last, now
            return now if done else None
        ink = self.wait_until(steady, DEADLINE, 'polybar to draw both modules', interval=0.1)
        ours, theirs = (right - left for left, right in ink)
        self.assertLessEqual(abs(ours - theirs), 1,
                             f'the state drawn {ours} px wide, its look-alike {theirs} px '
                             f'(line {line!r})')


# ---------------------------------------------------------------------------
# i3blocks

I3BLOCKS_MISSING = missing('i3blocks')


@unittest.skipIf(I3BLOCKS_MISSING, I3BLOCKS_MISSING)
class I3blocksTest(BarTestCase):
    """i3blocks hands i3bar the text as it is, without markup."""

    def test_text_is_plain(self):
        self.set_status(STATE)
        config = self.write('i3blocks.conf', readme_block('i3blocks', 'ini'))
        proc = self.spawn('i3blocks', ['i3blocks', '-c', config],
                          env=cli_path_env(self.base_env()), stdout_pipe=True)
        deadline = time.monotonic() + DEADLINE
        block = None
        while block is None:
            line = proc.read_line(max(0.1, deadline - time.monotonic()))
            self.assertIsNotNone(line, 'no block from i3blocks:\n' + proc.output())
            if '"name":"deskbreak"' in line.replace(' ', ''):
                blocks = json.loads(line.lstrip(','))
                block = next(b for b in blocks if b.get('name') == 'deskbreak')
                if not block.get('full_text', '').strip():
                    block = None
        self.assertTrue(block['full_text'].endswith(STATE), block)
        self.assertNotEqual(block.get('markup'), 'pango', block)


if __name__ == '__main__':
    dbktest.main()
