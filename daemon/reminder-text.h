/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The reminder's words: summary and body for a stretch, in the language of
 * the daemon's messages (a built-in stretch's texts through the catalog,
 * the user's own as written). Pure (no I/O), so the tests can read exactly
 * what a notification server gets.
 */
#pragma once

#include <glib.h>
#include <glib/gi18n.h>

#include "stretches.h"

/* "Time to stretch: TITLE", or "Still sitting — TITLE" for a repeat (times_shown ≥ 2). */
char *dbk_reminder_summary(const DbkStretch *stretch, unsigned times_shown);

/*
 * Numbered steps, how long to hold, the safety line, one per line. With
 * `markup` (the server's body-markup capability) the text is escaped, so a
 * user's '&' or '<' shows as itself. `with_commands` adds how to answer
 * from a terminal, for servers without action buttons.
 */
char *dbk_reminder_body(const DbkStretch *stretch, gboolean markup, gboolean with_commands);

/* The stretch as plain text: numbered steps, hold, safety line, each ending with `separator`. */
void dbk_reminder_append_stretch(GString *out, const DbkStretch *stretch, const char *separator);

/* What servers without action buttons show last; translate with _().
 * TRANSLATORS: the last line of a reminder on a notification server
 * without buttons; keep the two commands as they are. */
#define DBK_REMINDER_NO_ACTIONS_HINT N_("Run `deskbreak break` when done, or `deskbreak snooze`.")
