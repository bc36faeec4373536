/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "saved-state.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#define GROUP_ROTATION "rotation"
/* More than any rotation has ids: a larger position is nonsense. */
#define ROTATION_POS_MAX 10000

char *dbk_saved_state_path(void) {
  return g_build_filename(g_get_user_state_dir(), "deskbreak", "state", NULL);
}

void dbk_saved_state_clear(DbkSavedState *state) {
  g_clear_pointer(&state->last_stretch, g_free);
  state->rotation_pos = 0;
}

static gboolean valid_id(const char *id) {
  if (!id || !*id || strlen(id) > 64)
    return FALSE;
  for (const char *c = id; *c; c++)
    if (!g_ascii_islower(*c) && !g_ascii_isdigit(*c) && *c != '-')
      return FALSE;
  return TRUE;
}

/* Parses the file's text; FALSE with `why` when it makes no sense. */
static gboolean parse(const char *data, gsize len, DbkSavedState *ret, char **why) {
  g_autoptr(GKeyFile) file = g_key_file_new();
  g_autoptr(GError) error = NULL;
  /* GKeyFile stops at a NUL and skips some junk lines: text only. */
  if (memchr(data, '\0', len) || !g_utf8_validate(data, (gssize)len, NULL)) {
    *why = g_strdup("not text");
    return FALSE;
  }
  if (!g_key_file_load_from_data(file, data, len, G_KEY_FILE_NONE, &error)) {
    *why = g_strdup(error->message);
    return FALSE;
  }
  if (g_key_file_has_key(file, GROUP_ROTATION, "position", NULL)) {
    guint64 pos = g_key_file_get_uint64(file, GROUP_ROTATION, "position", &error);
    if (error || pos > ROTATION_POS_MAX) {
      *why = g_strdup("rotation position is not a small whole number");
      return FALSE;
    }
    ret->rotation_pos = (unsigned)pos;
  }
  g_autofree char *last = g_key_file_get_string(file, GROUP_ROTATION, "last", NULL);
  if (last && *last) {
    if (!valid_id(last)) {
      *why = g_strdup("the last stretch is not a stretch id");
      return FALSE;
    }
    ret->last_stretch = g_steal_pointer(&last);
  }
  return TRUE;
}

gboolean dbk_saved_state_load(const char *path, DbkSavedState *ret, char **ret_warning) {
  *ret = (DbkSavedState){0};
  *ret_warning = NULL;

  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;
  if (g_file_get_contents(path, &data, &len, &error)) {
    if (parse(data, len, ret, &why))
      return TRUE;
    dbk_saved_state_clear(ret);
  } else if (g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
    return TRUE;
  } else {
    why = g_strdup(error->message);
  }

  /* Keep the broken file for a look, out of the way of the next write. */
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  g_autofree char *stamp = g_date_time_format(now, "%Y%m%dT%H%M%S");
  g_autofree char *aside = g_strdup_printf("%s.broken-%s", path, stamp);
  if (g_rename(path, aside) < 0) {
    int errsv = errno;
    *ret_warning = g_strdup_printf("%s is unusable (%s) and cannot be moved aside: %s", path, why,
                                   g_strerror(errsv));
    return FALSE;
  }
  *ret_warning = g_strdup_printf("%s was unusable (%s); moved it to %s and started afresh", path,
                                 why, aside);
  return TRUE;
}

gboolean dbk_saved_state_save(const char *path, const DbkSavedState *state, GError **error) {
  g_autofree char *dir = g_path_get_dirname(path);
  if (g_mkdir_with_parents(dir, 0700) < 0) {
    int errsv = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errsv), "cannot create %s: %s", dir,
                g_strerror(errsv));
    return FALSE;
  }
  g_autoptr(GKeyFile) file = g_key_file_new();
  g_key_file_set_uint64(file, GROUP_ROTATION, "position", state->rotation_pos);
  if (state->last_stretch)
    g_key_file_set_string(file, GROUP_ROTATION, "last", state->last_stretch);
  gsize len;
  g_autofree char *data = g_key_file_to_data(file, &len, NULL);
  /* Temp file, fsync, rename: a crash leaves the old file or the new one. */
  return g_file_set_contents_full(path, data, (gssize)len,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0600, error);
}
