/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "saved-state.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read-file.h"

#define GROUP_ROTATION "rotation"
#define GROUP_SAVED "saved"
#define GROUP_SESSION "session"
#define GROUP_REMINDERS "reminders"
/* More than any rotation has ids: a larger position is nonsense. */
#define ROTATION_POS_MAX 10000
/* Longer than any pause (7 days) or session the daemon keeps: nonsense. */
#define DURATION_MAX (400 * 24 * DBK_USEC_PER_HOUR)

char *dbk_saved_state_path(void) {
  return g_build_filename(g_get_user_state_dir(), "deskbreak", "state", NULL);
}

void dbk_saved_state_clear(DbkSavedState *state) {
  g_clear_pointer(&state->last_stretch, g_free);
  g_clear_pointer(&state->due_stretch, g_free);
  *state = (DbkSavedState){0};
}

gboolean dbk_stamp_gap(const DbkStamp *then, const DbkStamp *now, DbkUsec *ret_gap) {
  if (then->boot_id[0] && strcmp(then->boot_id, now->boot_id) == 0) {
    if (now->boottime < then->boottime)
      return FALSE;
    *ret_gap = now->boottime - then->boottime;
    return TRUE;
  }
  if (now->realtime < then->realtime)
    return FALSE;
  *ret_gap = (DbkUsec)(now->realtime - then->realtime);
  return TRUE;
}

static gboolean valid_id(const char *id) {
  if (!id || !*id || strlen(id) > 64)
    return FALSE;
  for (const char *c = id; *c; c++)
    if (!g_ascii_islower(*c) && !g_ascii_isdigit(*c) && *c != '-')
      return FALSE;
  return TRUE;
}

static gboolean valid_boot_id(const char *id) {
  if (!id || strlen(id) != 32)
    return FALSE;
  for (const char *c = id; *c; c++)
    if (!g_ascii_isxdigit(*c))
      return FALSE;
  return TRUE;
}

/* Reads the file's keys, remembering the first one that makes no sense. */
typedef struct {
  GKeyFile *file;
  char *why;
} Reader;

static guint64 read_number(Reader *r, const char *group, const char *key, guint64 max) {
  if (r->why || !g_key_file_has_key(r->file, group, key, NULL))
    return 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_key_file_get_value(r->file, group, key, NULL);
  guint64 value = 0;
  if (!text || !g_ascii_isdigit(*text) ||
      !g_ascii_string_to_unsigned(text, 10, 0, max, &value, &error))
    r->why =
        g_strdup_printf("[%s] %s is not a number from 0 to %" G_GUINT64_FORMAT, group, key, max);
  return value;
}

/* The same, or its negative. */
static gint64 read_signed(Reader *r, const char *group, const char *key) {
  if (r->why || !g_key_file_has_key(r->file, group, key, NULL))
    return 0;
  g_autofree char *text = g_key_file_get_value(r->file, group, key, NULL);
  gint64 value = 0;
  const char *digits = text && *text == '-' ? text + 1 : text;
  if (!digits || !g_ascii_isdigit(*digits) ||
      !g_ascii_string_to_signed(text, 10, -G_MAXINT64, G_MAXINT64, &value, NULL))
    r->why = g_strdup_printf("[%s] %s is not a number", group, key);
  return value;
}

static gboolean read_bool(Reader *r, const char *group, const char *key) {
  if (r->why || !g_key_file_has_key(r->file, group, key, NULL))
    return FALSE;
  g_autoptr(GError) error = NULL;
  gboolean value = g_key_file_get_boolean(r->file, group, key, &error);
  if (error)
    r->why = g_strdup_printf("[%s] %s is not true or false", group, key);
  return value;
}

static char *read_id(Reader *r, const char *group, const char *key) {
  g_autofree char *id = g_key_file_get_string(r->file, group, key, NULL);
  if (r->why || !id || !*id)
    return NULL;
  if (!valid_id(id)) {
    r->why = g_strdup_printf("[%s] %s is not a stretch id", group, key);
    return NULL;
  }
  return g_steal_pointer(&id);
}

static void read_engine(Reader *r, DbkEngineSnapshot *e) {
  e->in_session = read_bool(r, GROUP_SESSION, "in-session");
  e->sitting = read_number(r, GROUP_SESSION, "sitting", DURATION_MAX);
  e->due = read_bool(r, GROUP_SESSION, "due");
  e->times_shown = (unsigned)read_number(r, GROUP_SESSION, "times-shown", 100000);
  e->since_shown = read_number(r, GROUP_SESSION, "since-shown", DURATION_MAX);
  e->snooze_left = read_number(r, GROUP_REMINDERS, "snooze-left", DURATION_MAX);
  e->skip_left = read_number(r, GROUP_REMINDERS, "skip-left", DURATION_MAX);
  e->paused = read_bool(r, GROUP_REMINDERS, "paused");
  e->pause_left = DBK_USEC_INFINITY;
  if (g_key_file_has_key(r->file, GROUP_REMINDERS, "pause-left", NULL))
    e->pause_left = read_number(r, GROUP_REMINDERS, "pause-left", DURATION_MAX);
  if (!r->why && e->due && (!e->in_session || e->times_shown == 0))
    r->why = g_strdup("a reminder is due outside a sitting session");
}

/* Parses the file's text; FALSE with `why` when it makes no sense. */
static gboolean parse(const char *data, gsize len, DbkSavedState *ret, char **why) {
  g_autoptr(GKeyFile) file = g_key_file_new();
  g_autoptr(GError) error = NULL;
  /* GKeyFile stops at a NUL and skips some junk lines: text only. */
  if (len == 0) {
    *why = g_strdup("empty");
    return FALSE;
  }
  if (memchr(data, '\0', len) || !g_utf8_validate(data, (gssize)len, NULL)) {
    *why = g_strdup("not text");
    return FALSE;
  }
  /* GKeyFile's message quotes the line: not a word of what the file holds
   * goes to the journal. */
  if (!g_key_file_load_from_data(file, data, len, G_KEY_FILE_NONE, &error)) {
    *why = g_strdup("not a key file");
    return FALSE;
  }
  /* Every write ends with this key: without it the file is cut short. */
  g_autofree char *complete = g_key_file_get_value(file, GROUP_SAVED, "complete", NULL);
  if (g_strcmp0(complete, "true") != 0) {
    *why = g_strdup("it does not end in [saved] complete=true: cut short");
    return FALSE;
  }
  Reader r = {.file = file};
  ret->rotation_pos = (unsigned)read_number(&r, GROUP_ROTATION, "position", ROTATION_POS_MAX);
  ret->last_stretch = read_id(&r, GROUP_ROTATION, "last");
  read_engine(&r, &ret->engine);
  ret->due_stretch = read_id(&r, GROUP_SESSION, "stretch");
  ret->notification_id = (guint32)read_number(&r, GROUP_SESSION, "notification", G_MAXUINT32);
  /* Empty where the machine has no boot id. */
  g_autofree char *boot_id = g_key_file_get_string(file, GROUP_SAVED, "boot-id", NULL);
  if (!r.why && boot_id && *boot_id && !valid_boot_id(boot_id))
    r.why = g_strdup("[saved] boot-id is not a boot id");
  ret->saved.boottime = read_number(&r, GROUP_SAVED, "boottime", G_MAXINT64);
  /* Before 1970 with the clock set so. */
  ret->saved.realtime = read_signed(&r, GROUP_SAVED, "realtime");
  if (r.why) {
    *why = r.why;
    return FALSE;
  }
  g_strlcpy(ret->saved.boot_id, boot_id ? boot_id : "", sizeof(ret->saved.boot_id));
  return TRUE;
}

/* Larger than any file deskbreakd writes by far. */
#define STATE_FILE_MAX (16 * 1024 * 1024)

static gboolean read_fail(GError **error, int errsv, const char *what) {
  g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errsv), "%s: %s", what,
              g_strerror(errsv));
  return FALSE;
}

gboolean dbk_state_file_read(const char *path, char **ret_data, gsize *ret_len, GError **error) {
  DbkReadError why;
  char *data;
  size_t len;
  /* Not through a symbolic link, and without waiting for a FIFO's writer. */
  if (dbk_read_regular_file(path, STATE_FILE_MAX, false, &data, &len, &why)) {
    *ret_data = g_memdup2(data, len + 1); /* a NUL after the data, as GLib's */
    *ret_len = len;
    free(data);
    return TRUE;
  }
  switch (why.what) {
  case DBK_READ_SYMLINK:
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "it is a symbolic link");
    break;
  case DBK_READ_NOT_REGULAR:
    g_set_error(error, G_FILE_ERROR, S_ISDIR(why.mode) ? G_FILE_ERROR_ISDIR : G_FILE_ERROR_FAILED,
                "%s", S_ISDIR(why.mode) ? "it is a directory" : "it is not a regular file");
    break;
  case DBK_READ_TOO_LARGE:
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "it is larger than any of ours");
    break;
  case DBK_READ_FAILED:
  default:
    read_fail(error, why.errsv, why.opening ? "cannot open it" : "cannot read it");
    break;
  }
  return FALSE;
}

gboolean dbk_state_file_move_aside(const char *path, const char *why, char **ret_warning) {
  /* Keep the broken file for a look, out of the way of the next write. */
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  g_autofree char *stamp = g_date_time_format(now, "%Y%m%dT%H%M%S");
  g_autofree char *aside = g_strdup_printf("%s.broken-%s", path, stamp);
  for (unsigned i = 2; g_file_test(aside, G_FILE_TEST_EXISTS) && i < 100; i++) {
    g_free(aside);
    aside = g_strdup_printf("%s.broken-%s-%u", path, stamp, i);
  }
  if (g_rename(path, aside) < 0) {
    int errsv = errno;
    *ret_warning = g_strdup_printf("%s is unusable (%s) and cannot be moved aside: %s", path, why,
                                   g_strerror(errsv));
    return FALSE;
  }
  *ret_warning =
      g_strdup_printf("%s was unusable (%s); moved it to %s and started afresh", path, why, aside);
  return TRUE;
}

/* NAME.XXXXXX, as g_file_set_contents() names its temporary file. */
static gboolean is_temp_of(const char *entry, const char *name) {
  size_t len = strlen(name);
  if (strncmp(entry, name, len) != 0 || entry[len] != '.' || strlen(entry + len + 1) != 6)
    return FALSE;
  for (const char *c = entry + len + 1; *c; c++)
    if (!g_ascii_isalnum(*c))
      return FALSE;
  return TRUE;
}

unsigned dbk_state_dir_tidy(const char *dir, const char *const *names) {
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *entry;
  unsigned n = 0;
  while (d && (entry = g_dir_read_name(d))) {
    for (const char *const *name = names; *name; name++) {
      if (!is_temp_of(entry, *name))
        continue;
      /* Ours are small regular files, mode 0600: leave anything else be. */
      g_autofree char *path = g_build_filename(dir, entry, NULL);
      GStatBuf st;
      if (g_lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600 &&
          st.st_size < 1024 * 1024 && g_unlink(path) == 0)
        n++;
    }
  }
  return n;
}

static gboolean make_dir_of(const char *path, GError **error) {
  g_autofree char *dir = g_path_get_dirname(path);
  if (g_mkdir_with_parents(dir, 0700) < 0) {
    int errsv = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errsv), "cannot create %s: %s", dir,
                g_strerror(errsv));
    return FALSE;
  }
  return TRUE;
}

static gboolean fail_errno(GError **error, const char *what, const char *path) {
  int errsv = errno;
  g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errsv), "cannot %s %s: %s", what, path,
              g_strerror(errsv));
  return FALSE;
}

gboolean dbk_state_file_replace(const char *path, const char *data, gsize len, GError **error) {
  if (!make_dir_of(path, error))
    return FALSE;
  /* Named as dbk_state_dir_tidy() expects, so a crash's leftover goes. */
  g_autofree char *tmp = g_strconcat(path, ".XXXXXX", NULL);
  int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail_errno(error, "create a file beside", path);
  for (gsize done = 0; done < len;) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      fail_errno(error, "write", tmp);
      goto fail;
    }
    done += (gsize)n;
  }
  /* The data reaches the disk before the rename can: after a power cut
   * the file is the old one or the new one, never empty. */
  if (fsync(fd) < 0) {
    fail_errno(error, "write", tmp);
    goto fail;
  }
  if (close(fd) < 0) {
    fd = -1;
    fail_errno(error, "write", tmp);
    goto fail;
  }
  fd = -1;
  if (g_rename(tmp, path) < 0) {
    fail_errno(error, "replace", path);
    goto fail;
  }
  return TRUE;

fail:
  if (fd >= 0)
    close(fd);
  g_unlink(tmp);
  return FALSE;
}

gboolean dbk_state_file_write(const char *path, const char *data, gsize len, GError **error) {
  if (!make_dir_of(path, error))
    return FALSE;
  /* Temp file, fsync, rename: a crash leaves the old file or the new one. */
  return g_file_set_contents_full(path, data, (gssize)len,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0600, error);
}

gboolean dbk_saved_state_load(const char *path, DbkSavedState *ret, char **ret_warning) {
  *ret = (DbkSavedState){0};
  *ret_warning = NULL;

  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;
  if (dbk_state_file_read(path, &data, &len, &error)) {
    if (parse(data, len, ret, &why))
      return TRUE;
    dbk_saved_state_clear(ret);
  } else if (g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
    return TRUE;
  } else {
    why = g_strdup(error->message);
  }
  return dbk_state_file_move_aside(path, why, ret_warning);
}

static gboolean save(const char *path, const DbkSavedState *state, gboolean durable,
                     GError **error) {
  g_autoptr(GKeyFile) file = g_key_file_new();
  const DbkEngineSnapshot *e = &state->engine;
  g_key_file_set_uint64(file, GROUP_ROTATION, "position", state->rotation_pos);
  if (state->last_stretch)
    g_key_file_set_string(file, GROUP_ROTATION, "last", state->last_stretch);
  g_key_file_set_boolean(file, GROUP_SESSION, "in-session", e->in_session);
  if (e->in_session) {
    g_key_file_set_uint64(file, GROUP_SESSION, "sitting", e->sitting);
    g_key_file_set_boolean(file, GROUP_SESSION, "due", e->due);
  }
  if (e->due) {
    g_key_file_set_uint64(file, GROUP_SESSION, "times-shown", e->times_shown);
    g_key_file_set_uint64(file, GROUP_SESSION, "since-shown", e->since_shown);
    if (state->due_stretch)
      g_key_file_set_string(file, GROUP_SESSION, "stretch", state->due_stretch);
    if (state->notification_id)
      g_key_file_set_uint64(file, GROUP_SESSION, "notification", state->notification_id);
  }
  if (e->snooze_left)
    g_key_file_set_uint64(file, GROUP_REMINDERS, "snooze-left", e->snooze_left);
  if (e->skip_left)
    g_key_file_set_uint64(file, GROUP_REMINDERS, "skip-left", e->skip_left);
  if (e->paused) {
    g_key_file_set_boolean(file, GROUP_REMINDERS, "paused", TRUE);
    if (e->pause_left != DBK_USEC_INFINITY)
      g_key_file_set_uint64(file, GROUP_REMINDERS, "pause-left", e->pause_left);
  }
  /* Last, so a file cut short is known: it lacks `complete`. */
  g_key_file_set_string(file, GROUP_SAVED, "boot-id", state->saved.boot_id);
  g_key_file_set_uint64(file, GROUP_SAVED, "boottime", state->saved.boottime);
  g_key_file_set_int64(file, GROUP_SAVED, "realtime", state->saved.realtime);
  g_key_file_set_boolean(file, GROUP_SAVED, "complete", TRUE);
  gsize len;
  g_autofree char *data = g_key_file_to_data(file, &len, NULL);
  if (durable)
    return dbk_state_file_write(path, data, len, error);
  return dbk_state_file_replace(path, data, len, error);
}

gboolean dbk_saved_state_save(const char *path, const DbkSavedState *state, GError **error) {
  return save(path, state, TRUE, error);
}

gboolean dbk_saved_state_refresh(const char *path, const DbkSavedState *state, GError **error) {
  return save(path, state, FALSE, error);
}
