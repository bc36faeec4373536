/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Translation for code the daemon and the CLI share, through libc's
 * gettext so that the CLI stays free of GLib: the same _(), N_() and
 * ngettext() as GLib's <glib/gi18n.h>, which the daemon's own files use
 * (this header leaves them alone when that one came first). Text domain
 * GETTEXT_PACKAGE, "deskbreak"; po/ has the catalogs.
 *
 * Only what a person reads is marked: --json, D-Bus values, config keys
 * and values, and stretch ids never change with the locale.
 */
#pragma once

#include <libintl.h>

#include "build-config.h"

#ifndef _
#define _(String) gettext(String)
#endif
#ifndef N_
#define N_(String) (String)
#endif
/* A message in a context, where the same English means different things. */
#ifndef C_
#define C_(Context, String) dbk_pgettext(Context "\004" String, String)
#endif

/* gettext() of "CONTEXT\004MESSAGE"; `msgid` itself when there is no translation. */
const char *dbk_pgettext(const char *context_msgid, const char *msgid)
    __attribute__((format_arg(2)));

/*
 * Binds the text domain to its catalogs: $localedir, unless
 * DESKBREAK_LOCALEDIR names another directory (the tests' own catalogs,
 * an uninstalled build). Messages come in UTF-8 whatever the locale's
 * character set: the daemon's go over D-Bus, and the CLI prints them
 * beside the daemon's UTF-8 text. Call it after setlocale().
 */
void dbk_i18n_init(void);
