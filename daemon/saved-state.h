/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What deskbreakd keeps across restarts (DESIGN §7), in
 * $XDG_STATE_HOME/deskbreak/state (a key file): the stretch rotation, the
 * sitting session, the due reminder, snooze, skip and pause. Written
 * atomically (temp file, fsync, rename) on every transition; a file that
 * cannot be read or makes no sense is moved aside with a warning and
 * deskbreakd starts afresh.
 *
 * Times are kept relative to the moment of saving, stamped on both clocks,
 * so they mean the same after a reboot.
 */
#pragma once

#include <glib.h>

#include "engine.h"

/* A moment, on the boot clock of one boot and on the wall clock. */
typedef struct {
  char boot_id[33]; /* "" = not known */
  DbkUsec boottime;
  gint64 realtime; /* unix µs */
} DbkStamp;

typedef struct {
  unsigned rotation_pos; /* where the stretch rotation goes on */
  char *last_stretch;    /* the stretch suggested last, or NULL */

  DbkStamp saved;           /* when this was written ("" boot id = never) */
  DbkEngineSnapshot engine; /* relative to `saved` */
  char *due_stretch;        /* the due reminder's stretch, or NULL */
  guint32 notification_id;  /* the due reminder's notification, 0 = none */
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

/* Writes `state` to `path` atomically and durably, creating its directory. */
gboolean dbk_saved_state_save(const char *path, const DbkSavedState *state, GError **error);
/* The same, atomically but without waiting for the directory to reach the
 * disk: a power cut may leave the file as it was before (see
 * dbk_state_file_replace). For refreshing the stamp of a state saved
 * durably before. */
gboolean dbk_saved_state_refresh(const char *path, const DbkSavedState *state, GError **error);

void dbk_saved_state_clear(DbkSavedState *state);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DbkSavedState, dbk_saved_state_clear)

/* The boot clock's gap from `then` to `now`: exact on the same boot, by the
 * wall clock across a reboot (or without a boot id); FALSE when it cannot
 * be known (the wall clock went back). */
gboolean dbk_stamp_gap(const DbkStamp *then, const DbkStamp *now, DbkUsec *ret_gap);

/* ---- for every file in the state directory ---- */

/*
 * Reads `path` whole, as g_file_get_contents() does, if it is a regular
 * file: not through a symbolic link (a write would replace the link, not
 * the file it points to), and without waiting for a FIFO's writer.
 * Otherwise FALSE, with `error` saying what is wrong without a word of
 * the content (G_FILE_ERROR_NOENT when there is no file).
 */
gboolean dbk_state_file_read(const char *path, char **ret_data, gsize *ret_len, GError **error);
/* Renames a broken `path` to PATH.broken-STAMP; `ret_warning` says what
 * was wrong (`why`) and where it went, or why it could not be moved
 * (then FALSE). */
gboolean dbk_state_file_move_aside(const char *path, const char *why, char **ret_warning);
/* Removes the temporary files of writes a crash cut short: NAME.XXXXXX
 * beside each of `names` in `dir`. Returns how many. */
unsigned dbk_state_dir_tidy(const char *dir, const char *const *names);
/* Temp file, fsync, rename, fsync of the directory, after creating the
 * directory: once it returns, the new file survives a power cut. */
gboolean dbk_state_file_write(const char *path, const char *data, gsize len, GError **error);
/* Temp file, fsync, rename, without the directory's fsync: a crash of the
 * daemon leaves the new file; a power cut soon after may leave the old
 * one, whole. */
gboolean dbk_state_file_replace(const char *path, const char *data, gsize len, GError **error);
