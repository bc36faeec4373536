/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "reminder-text.h"

#include <glib/gi18n.h>

char *dbk_reminder_summary(const DbkStretch *stretch, unsigned times_shown) {
  DbkStretch shown = dbk_stretch_translated(stretch);

  if (times_shown >= 2)
    /* TRANSLATORS: the summary of a reminder shown again, the user still
     * sitting; %s is the name of the stretch. */
    return g_strdup_printf(_("Still sitting — %s"), shown.title);
  /* TRANSLATORS: the summary of a reminder; %s is the name of the stretch,
   * "Doorway stretch". */
  return g_strdup_printf(_("Time to stretch: %s"), shown.title);
}

/*
 * The stretch as text: numbered steps, then how long to hold, then the
 * safety line, each ending with `separator`.
 */
void dbk_reminder_append_stretch(GString *out, const DbkStretch *stretch, const char *separator) {
  DbkStretch shown = dbk_stretch_translated(stretch);

  for (size_t i = 0; i < DBK_STRETCH_STEPS_MAX && shown.steps[i]; i++)
    g_string_append_printf(out, "%zu. %s%s", i + 1, shown.steps[i], separator);
  g_string_append_printf(out, "%s%s", shown.hold, separator);
  if (shown.safety)
    g_string_append_printf(out, "%s%s", shown.safety, separator);
}

char *dbk_reminder_body(const DbkStretch *stretch, gboolean markup, gboolean with_commands) {
  g_autoptr(GString) body = g_string_new(NULL);

  dbk_reminder_append_stretch(body, stretch, "\n");
  /* Without buttons the user needs another way to answer. */
  if (with_commands)
    g_string_append(body, _(DBK_REMINDER_NO_ACTIONS_HINT));
  else if (body->len > 0)
    g_string_truncate(body, body->len - 1);

  /*
   * A server with body-markup reads the body as a small markup language,
   * where a stray '&' or '<' breaks the whole text; one without it shows
   * every character as it is (dunst), so escaping there would show "&amp;".
   */
  if (markup)
    return g_markup_escape_text(body->str, -1);
  return g_string_free(g_steal_pointer(&body), FALSE);
}
