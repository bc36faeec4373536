/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "i18n.h"

#include <stdlib.h>

const char *dbk_pgettext(const char *context_msgid, const char *msgid) {
  const char *translated = gettext(context_msgid);

  return translated == context_msgid ? msgid : translated;
}

void dbk_i18n_init(void) {
  const char *dir = getenv("DESKBREAK_LOCALEDIR");

  bindtextdomain(GETTEXT_PACKAGE, dir && *dir ? dir : DESKBREAK_LOCALEDIR);
  bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
  textdomain(GETTEXT_PACKAGE);
}
