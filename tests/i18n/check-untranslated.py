#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""No words reach a person without going through gettext, unless on purpose.

xgettext reads the C sources of cli/, config/ and daemon/ with the
functions that print, format or carry text to someone as its keywords
(printf, fputs, log_error, usage_error, g_strdup_printf, add_problem,
g_set_error, notify_notification_add_action…) instead of _(): so it
extracts every string literal handed to them directly, not inside _(),
N_(), C_() or ngettext(). Of those, the ones with words in them (two
letters in a row, once conversions, escapes and JSON keys are left out)
must be listed in untranslated-ok.txt, each with the file it is in (as
FILE: "TEXT", the text with C escapes): the
journal's lines, JSON, the daemon's diagnostics and the like, which stay
English by design. Anything else fails, and so does a listed exception
that no longer occurs.

Not seen: text passed through a variable or a macro, and the second
branch of a `?:` (xgettext reads the first); the review has to catch
those. g_message(), g_warning() and g_debug() are the journal's and are
not checked.

Usage: check-untranslated.py SOURCE_ROOT XGETTEXT
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pofile  # noqa: E402

SOURCE_DIRS = ('cli', 'config', 'daemon')
EXCEPTIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'untranslated-ok.txt')

# The functions whose text argument a person may read, and which argument.
KEYWORDS = (
    'printf:1', 'fprintf:2', 'dprintf:2', 'puts:1', 'fputs:1', 'snprintf:3',
    'log_error:1', 'log_errorv:1', 'usage_error:2',
    'sd_bus_error_setf:3', 'sd_bus_error_set:3',
    'g_print:1', 'g_printerr:1', 'g_strdup_printf:1', 'g_snprintf:3',
    'g_string_new:1', 'g_string_append:2', 'g_string_append_printf:2',
    'g_set_error:4', 'g_set_error_literal:4',
    'g_dbus_method_invocation_return_error:4',
    'g_dbus_method_invocation_return_error_literal:4',
    'g_dbus_method_invocation_return_dbus_error:3',
    'g_option_context_new:1', 'g_option_context_set_summary:2',
    'g_option_context_set_description:2',
    'notify_notification_new:1', 'notify_notification_update:2',
    'notify_notification_add_action:3',
    'add_problem:6',
)

CONVERSION = re.compile(r'%(?:\d+\$)?[-+ #0\']*(?:\*|\d+)?(?:\.(?:\*|\d+))?'
                        r'(?:hh|h|ll|l|L|j|z|t)?(?:<[A-Za-z0-9_]+>)?[a-zA-Z%]?')
ESCAPE = re.compile(r'\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{1,2}|0\d{0,2}|.)|\033\[[0-9;]*m')
JSON_KEY = re.compile(r'"[a-z_]+":')
WORD = re.compile(r'[A-Za-z]{2}')


def has_words(text):
    text = JSON_KEY.sub(' ', text)
    text = CONVERSION.sub(' ', text)
    text = ESCAPE.sub(' ', text)
    return bool(WORD.search(text))


def escape(text):
    """A literal as the exceptions file writes it, between double quotes: C
    escapes for \\, \" and control characters, on one line."""
    out = []
    for c in text:
        if c in '\\"':
            out.append('\\' + c)
        elif c == '\n':
            out.append('\\n')
        elif c == '\t':
            out.append('\\t')
        elif ord(c) < 0x20 or c == '\x7f':
            out.append(f'\\x{ord(c):02x}')
        else:
            out.append(c)
    return ''.join(out)


def read_exceptions():
    allowed = set()
    with open(EXCEPTIONS, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            m = re.match(r'^(\S+): "(.*)"$', line)
            if not m:
                sys.exit(f'{EXCEPTIONS}:{number}: not FILE: "TEXT": {line!r}')
            allowed.add((m.group(1), m.group(2)))
    return allowed


def sources(root):
    for top in SOURCE_DIRS:
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if name.endswith(('.c', '.h')):
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    root, xgettext = sys.argv[1:]
    files = sorted(sources(root))
    with tempfile.TemporaryDirectory(prefix='deskbreak-untranslated-') as tmp:
        out = os.path.join(tmp, 'printed.pot')
        cmd = [xgettext, '--omit-header', '--add-location=file', '--from-code=UTF-8',
               '--no-wrap', '-D', root, '-o', out, '-k']
        cmd += ['--keyword=' + k for k in KEYWORDS]
        r = subprocess.run(cmd + files, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f'xgettext failed:\n{r.stderr}')
        found = pofile.messages_of(out) if os.path.exists(out) else []

    allowed = read_exceptions()
    seen = set()
    problems = []
    for m in found:
        if not has_words(m.msgid):
            continue
        for path in m.places:
            key = (path, escape(m.msgid))
            seen.add(key)
            if key not in allowed:
                problems.append(f'{path}: "{key[1]}" reaches the output untranslated: mark it '
                                f'with _() (or N_()/ngettext()), or list it in '
                                f'tests/i18n/untranslated-ok.txt as\n    {path}: "{key[1]}"')
    for path, text in sorted(allowed - seen):
        problems.append(f'tests/i18n/untranslated-ok.txt lists {path}: "{text}", which the '
                        'sources no longer print: remove it')

    print(f'{len(files)} source files, {len(seen)} printed texts with words, '
          f'{len(allowed)} listed as staying English')
    for p in problems:
        print('FAIL: ' + p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
