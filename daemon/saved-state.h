/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What deskbreakd keeps across restarts (DESIGN §7), in
 * $XDG_STATE_HOME/deskbreak/state (a key file). Written atomically (temp
 * file, fsync, rename); a file that cannot be read or makes no sense is
 * moved aside with a warning and deskbreakd starts afresh.
 */
#pragma once

#include <glib.h>

typedef struct {
  unsigned rotation_pos; /* where the stretch rotation goes on */
  char *last_stretch;    /* the stretch suggested last, or NULL */
} DbkSavedState;

/* $XDG_STATE_HOME/deskbreak/state. */
char *dbk_saved_state_path(void);

/*
 * Reads `path` into `ret` (zeroed first). A missing file is a fresh start.
 * A broken one is renamed to PATH.broken-STAMP and `ret_warning` says so;
 * either way `ret` holds something usable and TRUE is returned. FALSE only
 * when a broken file could not even be moved aside (`ret_warning` says why).
 */
gboolean dbk_saved_state_load(const char *path, DbkSavedState *ret, char **ret_warning);

/* Writes `state` to `path` atomically, creating its directory. */
gboolean dbk_saved_state_save(const char *path, const DbkSavedState *state, GError **error);

void dbk_saved_state_clear(DbkSavedState *state);
