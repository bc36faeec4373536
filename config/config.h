/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The config file (DESIGN §2): lookup, parsing and validation into a
 * DbkConfig. Loading is all-or-nothing per call: a fresh DbkConfig is built
 * and the caller decides whether to swap it in.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "config-path.h"
#include "duration.h"
#include "stretches.h"

typedef enum {
  DBK_URGENCY_LOW,
  DBK_URGENCY_NORMAL,
  DBK_URGENCY_CRITICAL,
} DbkUrgency;

/* [idle] source=, in DESIGN §5's probing order after auto. */
typedef enum {
  DBK_SOURCE_AUTO,
  DBK_SOURCE_MUTTER,
  DBK_SOURCE_WAYLAND,
  DBK_SOURCE_SCREENSAVER,
  DBK_SOURCE_X11,
  DBK_SOURCE_LOGIND,
  DBK_SOURCE_NONE,
} DbkSourceKind;

typedef struct {
  /* [timer], all µs */
  uint64_t interval;       /* sitting time before a reminder, 5s .. 24h */
  uint64_t break_length;   /* hands-off time that completes a due break, 5s .. 30m, < interval */
  uint64_t natural_break;  /* idle this long resets sitting time, 10s .. 4h */
  uint64_t snooze;         /* default for snooze, 1m .. 24h */
  uint64_t remind_again;   /* repeat an ignored reminder, 0 = never, else 1m .. 24h */
  uint64_t wait_for_pause; /* a reminder due mid-typing waits this long a pause, 0 or 1s .. 30s */
  /* [notify] */
  char **stretches; /* rotation: ids, NULL-terminated, at least one */
  /* [stretch:ID] groups: the user's own stretches, in file order; the config
   * owns their strings. */
  DbkStretch *custom_stretches;
  size_t n_custom_stretches;
  DbkUrgency urgency;   /* urgency of the first showing */
  gboolean respect_dnd; /* respect-dnd: hold reminders during do-not-disturb */
  /* [idle] */
  DbkSourceKind source;
  gboolean ignore_inhibitors; /* inhibitors=ignore; default count-as-present */
} DbkConfig;

/* Allowed ranges, shared by the config and the D-Bus API. */
#define DBK_INTERVAL_MIN (5 * UINT64_C(1000000))
#define DBK_INTERVAL_MAX (24 * 3600 * UINT64_C(1000000))
#define DBK_BREAK_LENGTH_MIN (5 * UINT64_C(1000000))
#define DBK_BREAK_LENGTH_MAX (30 * 60 * UINT64_C(1000000))
#define DBK_NATURAL_BREAK_MIN (10 * UINT64_C(1000000))
#define DBK_NATURAL_BREAK_MAX (4 * 3600 * UINT64_C(1000000))
#define DBK_SNOOZE_MIN (60 * UINT64_C(1000000))
#define DBK_SNOOZE_MAX (24 * 3600 * UINT64_C(1000000))
#define DBK_REMIND_AGAIN_MIN (60 * UINT64_C(1000000))
#define DBK_REMIND_AGAIN_MAX (24 * 3600 * UINT64_C(1000000))
#define DBK_WAIT_FOR_PAUSE_MIN (1 * UINT64_C(1000000))
#define DBK_WAIT_FOR_PAUSE_MAX_SETTING (30 * UINT64_C(1000000))
#define DBK_PAUSE_MIN (1 * UINT64_C(1000000))
#define DBK_PAUSE_MAX (7 * 24 * 3600 * UINT64_C(1000000))

/* The built-in defaults. */
DbkConfig *dbk_config_new_default(void);
DbkConfig *dbk_config_copy(const DbkConfig *config);
void dbk_config_free(DbkConfig *config);
gboolean dbk_config_equal(const DbkConfig *a, const DbkConfig *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DbkConfig, dbk_config_free)

/*
 * dbk_config_path_lookup() as a GLib string (g_free), NULL when no file
 * exists; a warning (optional) for each place passed over because what is
 * there is not a regular file.
 */
char *dbk_config_find_path(GPtrArray *warnings);

/* A config file may be this large at most (deskbreak.conf(5) says so);
 * a larger one is not read. */
#define DBK_CONFIG_FILE_MAX (1024 * 1024)

/*
 * Reads `path` (NULL: built-in defaults). Every key that is present and
 * valid is taken; a bad value keeps that key's default and adds a message
 * naming file, key, value and what is allowed to `errors`. Unknown groups
 * and keys add a message to `warnings`. Returns NULL and sets `error` only
 * when the file cannot be read or is not a key file at all.
 */
DbkConfig *dbk_config_load(const char *path, GPtrArray *errors, GPtrArray *warnings,
                           GError **error);

/*
 * Text from the config file, or a path, as a message shows it: valid UTF-8,
 * each byte that is not, and each control character, written as \xNN.
 * Every message that quotes such text goes through this (D-Bus strings
 * must be UTF-8).
 */
char *dbk_config_display(const char *text);

/* A stretch by id: the config's own first, then the built-in ones; NULL if neither. */
const DbkStretch *dbk_config_find_stretch(const DbkConfig *config, const char *id);

/* A stretch that outlives the config it came from. */
DbkStretch *dbk_stretch_dup(const DbkStretch *stretch);
void dbk_stretch_free(DbkStretch *stretch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DbkStretch, dbk_stretch_free)

/* Limits on the user's own stretches, so that they fit a notification. */
#define DBK_STRETCH_ID_MAX 32
#define DBK_STRETCH_TITLE_MAX 60
#define DBK_STRETCH_LINE_MAX 120

const char *dbk_source_kind_to_string(DbkSourceKind source);
gboolean dbk_source_kind_from_string(const char *text, DbkSourceKind *ret_source);
const char *dbk_urgency_to_string(DbkUrgency urgency);
