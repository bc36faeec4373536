#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The message catalogs are whole and in step with the sources.

  1. po/LINGUAS and the po/LL.po files name the same languages.
  2. po/POTFILES.in lists every source that marks a message, and only
     files that exist.
  3. po/deskbreak.pot is what xgettext makes of the sources now: the same
     messages, comments for translators, flags and files. Otherwise run
     `meson compile -C BUILD deskbreak-pot` (and deskbreak-update-po).
  4. Every TRANSLATORS: comment in the sources reaches the template (it has
     to stand right before the line of its message).
  5. Every catalog in LINGUAS passes `msgfmt --check --statistics`
     (headers, plural forms, c-format), has every message of the template
     and no other, all translated, none fuzzy.

With an empty LINGUAS, 1 to 4 still hold the template to the sources.

Usage: check-po.py SOURCE_ROOT XGETTEXT MSGFMT -- XGETTEXT_ARGS...
(meson passes po/meson.build's xgettext arguments, so the template is
made here exactly as deskbreak-pot makes it)."""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pofile  # noqa: E402

PACKAGE = 'deskbreak'
# Where messages are marked; what a file must contain to be in POTFILES.in.
SOURCE_DIRS = ('cli', 'config', 'daemon', 'data')
MARKER = re.compile(r'\b(?:_|N_|C_|NC_|ngettext)\(|^(?:Name|GenericName|Comment|Keywords)=', re.M)


class Checker:
    def __init__(self, root, xgettext, msgfmt, xgettext_args):
        self.root = root
        self.po_dir = os.path.join(root, 'po')
        self.xgettext = xgettext
        self.msgfmt = msgfmt
        self.xgettext_args = xgettext_args
        self.problems = []

    def problem(self, text):
        self.problems.append(text)

    def read_list(self, name):
        with open(os.path.join(self.po_dir, name), encoding='utf-8') as f:
            return [line.strip() for line in f
                    if line.strip() and not line.lstrip().startswith('#')]

    def linguas(self):
        langs = []
        for line in self.read_list('LINGUAS'):
            langs += line.split()
        return langs

    # 1
    def check_linguas(self):
        langs = self.linguas()
        files = sorted(f[:-3] for f in os.listdir(self.po_dir) if f.endswith('.po'))
        for lang in langs:
            if langs.count(lang) > 1:
                self.problem(f'po/LINGUAS names {lang} twice')
            if lang not in files:
                self.problem(f'po/LINGUAS names {lang}, but there is no po/{lang}.po')
        for lang in files:
            if lang not in langs:
                self.problem(f'po/{lang}.po is not in po/LINGUAS: it would be neither '
                             'checked nor installed')
        return langs

    # 2
    def check_potfiles(self):
        listed = self.read_list('POTFILES.in')
        for path in listed:
            if not os.path.isfile(os.path.join(self.root, path)):
                self.problem(f'po/POTFILES.in lists {path}, which does not exist')
        for top in SOURCE_DIRS:
            for dirpath, _, names in os.walk(os.path.join(self.root, top)):
                for name in sorted(names):
                    if not name.endswith(('.c', '.h', '.in')):
                        continue
                    path = os.path.join(dirpath, name)
                    rel = os.path.relpath(path, self.root)
                    with open(path, encoding='utf-8', errors='replace') as f:
                        text = f.read()
                    if rel == 'config/i18n.h':
                        continue  # defines the markers
                    if MARKER.search(text) and rel not in listed:
                        self.problem(f'{rel} marks messages but is not in po/POTFILES.in')
        return listed

    def make_template(self, out):
        cmd = [self.xgettext, '--package-name=' + PACKAGE, '-f',
               os.path.join(self.po_dir, 'POTFILES.in'), '-D', self.root, '-k_', '-o', out]
        cmd += self.xgettext_args
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f'xgettext failed:\n{r.stderr}')

    # 3
    def check_template(self, fresh_path):
        committed_path = os.path.join(self.po_dir, PACKAGE + '.pot')
        if not os.path.exists(committed_path):
            self.problem(f'po/{PACKAGE}.pot is missing: run meson compile -C BUILD {PACKAGE}-pot')
            return
        committed = {m.key: m for m in pofile.messages_of(committed_path)}
        fresh = {m.key: m for m in pofile.messages_of(fresh_path)}
        stale = []
        for key, m in fresh.items():
            old = committed.get(key)
            if old is None:
                stale.append(f'not in the template: {m.describe()}')
            elif (old.comments, sorted(old.places), old.flags) != (m.comments, sorted(m.places),
                                                                   m.flags):
                stale.append(f'changed comment, flags or files: {m.describe()}')
        for key, m in committed.items():
            if key not in fresh:
                stale.append(f'no longer in the sources: {m.describe()}')
        if stale:
            self.problem(f'po/{PACKAGE}.pot is out of date; run meson compile -C BUILD '
                         f'{PACKAGE}-pot (then {PACKAGE}-update-po):\n    ' +
                         '\n    '.join(stale))
        return list(fresh.values())

    # 4
    def check_comments(self, listed, template):
        reached = ' '.join(' '.join(m.comments) for m in template)
        reached = re.sub(r'[\s*]+', ' ', reached)
        for path in listed:
            with open(os.path.join(self.root, path), encoding='utf-8') as f:
                text = f.read()
            for m in re.finditer(r'/\*\s*(TRANSLATORS:.*?)\*/|^#\s*(TRANSLATORS:[^\n]*)', text,
                                 re.S | re.M):
                comment = re.sub(r'[\s*]+', ' ', m.group(1) or m.group(2)).strip()
                if comment not in reached:
                    line = text[:m.start()].count('\n') + 1
                    self.problem(f'{path}:{line}: this TRANSLATORS: comment reaches no message; '
                                 'put it on the line right before the one with _(), N_(), '
                                 'C_() or ngettext()')

    # 5
    def check_catalog(self, lang, template):
        path = os.path.join(self.po_dir, lang + '.po')
        r = subprocess.run([self.msgfmt, '--check', '--statistics', '-o', os.devnull, path],
                           capture_output=True, text=True, env=dict(os.environ, LC_ALL='C'))
        stats = r.stderr.strip()
        if r.returncode != 0:
            self.problem(f'po/{lang}.po: msgfmt --check fails:\n{stats}')
        elif 'fuzzy' in stats or 'untranslated' in stats:
            self.problem(f'po/{lang}.po is not complete: {stats}')
        try:
            messages = pofile.messages_of(path)
        except ValueError as e:
            self.problem(str(e))
            return
        have = {m.key: m for m in messages}
        wanted = {m.key for m in template}
        for m in template:
            if m.key not in have:
                self.problem(f'po/{lang}.po lacks {m.describe()}: run meson compile -C BUILD '
                             f'{PACKAGE}-update-po and translate it')
        for key, m in have.items():
            if key not in wanted:
                self.problem(f'po/{lang}.po has {m.describe()}, which the template no longer '
                             'has: run deskbreak-update-po')
            elif 'fuzzy' in m.flags:
                self.problem(f'po/{lang}.po: {m.describe()} is fuzzy: check it, then drop the '
                             'flag')
            elif not m.translated():
                self.problem(f'po/{lang}.po: {m.describe()} is not translated')
        header = [m for m in pofile.read(path) if m.msgid == '' and not m.obsolete]
        if not header or 'Plural-Forms:' not in header[0].msgstr[0]:
            self.problem(f'po/{lang}.po has no Plural-Forms header')

    def run(self):
        langs = self.check_linguas()
        listed = self.check_potfiles()
        with tempfile.TemporaryDirectory(prefix='deskbreak-pot-') as tmp:
            fresh = os.path.join(tmp, PACKAGE + '.pot')
            self.make_template(fresh)
            template = self.check_template(fresh) or pofile.messages_of(fresh)
        self.check_comments(listed, template)
        for lang in langs:
            self.check_catalog(lang, template)

        print(f'{len(template)} messages in the template; languages: '
              f'{" ".join(langs) if langs else "none yet"}')
        for p in self.problems:
            print('FAIL: ' + p)
        return 1 if self.problems else 0


def main():
    if '--' not in sys.argv or sys.argv.index('--') != 4:
        sys.exit(__doc__)
    root, xgettext, msgfmt = sys.argv[1:4]
    xgettext_args = sys.argv[5:]
    return Checker(root, xgettext, msgfmt, xgettext_args).run()


if __name__ == '__main__':
    sys.exit(main())
