# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading .po and .pot files, as much as the i18n checks need: the
messages with their context, plural, comments, flags, places and
translations. Enough for what xgettext, msgmerge and translators write;
not a general parser."""

import ast
import re


class Message:
    def __init__(self):
        self.context = None
        self.msgid = None
        self.plural = None
        self.msgstr = []       # one string, or one a plural form
        self.comments = []     # "#." lines: for translators
        self.places = []       # "#:" file names (and lines, if any)
        self.flags = set()     # "#,": c-format, fuzzy…
        self.obsolete = False  # "#~"

    @property
    def key(self):
        """What tells messages apart: context, text and plural text."""
        return (self.context, self.msgid, self.plural)

    def describe(self):
        text = self.msgid if len(self.msgid) <= 70 else self.msgid[:67] + '...'
        ctx = f' (context "{self.context}")' if self.context else ''
        return f'"{text}"{ctx}'.replace('\n', '\\n')

    def translated(self):
        return bool(self.msgstr) and all(self.msgstr)


def _unquote(text):
    # A PO string is a C string literal; Python's reading of one agrees for
    # the escapes xgettext writes (\n, \t, \", \\).
    return ast.literal_eval(text)


def read(path):
    """The messages of `path` in file order, the header (msgid "") first."""
    messages = []
    current = None
    field = None

    def finish():
        nonlocal current
        if current is not None and current.msgid is not None:
            messages.append(current)
        current = None

    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    for line in lines + ['']:
        obsolete = line.startswith('#~')
        if obsolete:
            line = line[2:].lstrip()
        if not line.strip():
            finish()
            field = None
            continue
        if current is None:
            current = Message()
        if obsolete:
            current.obsolete = True
        if line.startswith('#.'):
            current.comments.append(line[2:].strip())
        elif line.startswith('#:'):
            current.places += line[2:].split()
        elif line.startswith('#,'):
            current.flags |= {f.strip() for f in line[2:].split(',') if f.strip()}
        elif line.startswith('#'):
            continue
        else:
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
            if m:
                keyword, index, text = m.group(1), m.group(2), _unquote(m.group(3))
                if keyword == 'msgctxt':
                    # A new message starts with its context.
                    if current.msgid is not None:
                        finish()
                        current = Message()
                    current.context = text
                    field = 'context'
                elif keyword == 'msgid':
                    if current.msgid is not None:
                        finish()
                        current = Message()
                    current.msgid = text
                    field = 'msgid'
                elif keyword == 'msgid_plural':
                    current.plural = text
                    field = 'plural'
                else:
                    i = int(index) if index is not None else 0
                    while len(current.msgstr) <= i:
                        current.msgstr.append('')
                    current.msgstr[i] = text
                    field = ('msgstr', i)
            elif line.startswith('"') and field is not None:
                text = _unquote(line)
                if field == 'context':
                    current.context += text
                elif field == 'msgid':
                    current.msgid += text
                elif field == 'plural':
                    current.plural += text
                else:
                    current.msgstr[field[1]] += text
            else:
                raise ValueError(f'{path}: cannot read this line: {line!r}')
    return messages


def messages_of(path):
    """The messages of `path` but the header and obsolete ones."""
    return [m for m in read(path) if m.msgid != '' and not m.obsolete]
