/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The daily history behind `deskbreak stats` (DESIGN §7): per local
 * calendar day, sitting time, the longest sitting session, reminders,
 * breaks by kind, snoozes and skips.
 *
 * It lives in $XDG_STATE_HOME/deskbreak/history, one line per day:
 *
 *   deskbreak-history 1
 *   credited BOOT_ID BOOTTIME_USEC REALTIME_USEC
 *   2026-11-22 sitting=USEC longest=USEC reminders=N snoozes=N skips=N
 *              break-length=N action=N command=N natural=N lock=N suspend=N
 *
 * (a day is one line). `credited` says up to which instant the sitting
 * session in progress has been counted, so a restarted daemon neither
 * loses nor doubles it: the count and the mark are written together.
 *
 * Days are reckoned in a time zone given at creation (the local one in the
 * daemon, a fixed one in tests); no clock is read here.
 */
#pragma once

#include <glib.h>

#include "engine.h"
#include "saved-state.h"

typedef struct {
  guint32 date; /* YYYYMMDD */
  DbkUsec sitting;
  DbkUsec longest;
  unsigned reminders, snoozes, skips;
  unsigned breaks[DBK_BREAK_KINDS];
} DbkDay;

typedef enum {
  DBK_COUNT_REMINDER,
  DBK_COUNT_SNOOZE,
  DBK_COUNT_SKIP,
} DbkCounter;

/* How many days back the history keeps. */
#define DBK_HISTORY_KEEP_DAYS 400

typedef struct DbkHistory DbkHistory;

/* `tz` NULL = the local time zone, looked up afresh each time. */
DbkHistory *dbk_history_new(GTimeZone *tz);
void dbk_history_free(DbkHistory *history);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DbkHistory, dbk_history_free)

/* $XDG_STATE_HOME/deskbreak/history. */
char *dbk_history_path(void);

/* The local day `unix_usec` falls on, as YYYYMMDD, kept within the days
 * the file can hold: 1970-01-01 to 9999-12-31. */
guint32 dbk_history_date_of(const DbkHistory *history, gint64 unix_usec);
/* The day `days` before `date` (YYYYMMDD). */
guint32 dbk_history_date_minus(guint32 date, unsigned days);

/* The record of `date`, or NULL when it has none. */
const DbkDay *dbk_history_get(const DbkHistory *history, guint32 date);
/* The records, oldest first. */
const DbkDay *dbk_history_days(const DbkHistory *history, guint *n_days);

/*
 * What happens on a local day before 1970 or after 9999 (a clock set
 * wrong) is not counted: the file has no line for such a day. The
 * counting functions then return FALSE.
 */
gboolean dbk_history_count(DbkHistory *history, gint64 when, DbkCounter counter);
gboolean dbk_history_count_break(DbkHistory *history, gint64 when, DbkBreakKind how);
/*
 * Counts `length` of sitting that began at `from` (unix µs), split at
 * each local midnight it crosses. `session_length` is how long the
 * session had lasted at the end of it: each day it touches keeps the
 * longest session seen on it. FALSE when some of it fell on days that
 * cannot be counted.
 */
gboolean dbk_history_add_sitting(DbkHistory *history, gint64 from, DbkUsec length,
                                 DbkUsec session_length);

const DbkStamp *dbk_history_credited(const DbkHistory *history);
void dbk_history_set_credited(DbkHistory *history, const DbkStamp *stamp);

/* Drops days more than DBK_HISTORY_KEEP_DAYS before `today`, keeping
 * at least the DBK_HISTORY_KEEP_DAYS newest records whatever the date. */
void dbk_history_prune(DbkHistory *history, guint32 today);

char *dbk_history_to_text(const DbkHistory *history, gsize *ret_len);
/*
 * Reads `text` into `history` (emptied first). FALSE with `ret_why` when
 * anything is wrong with it; `history` then holds the days that could be
 * read (every well-formed line), so nothing good is lost.
 */
gboolean dbk_history_parse(DbkHistory *history, const char *text, gsize len, char **ret_why);

/*
 * Reads `path`. A missing file is an empty history. A broken one is
 * renamed to PATH.broken-STAMP and `ret_warning` says so and how many
 * days were kept; FALSE only when it could not even be moved aside.
 */
gboolean dbk_history_load(DbkHistory *history, const char *path, char **ret_warning);
/* Writes atomically, creating the directory. */
gboolean dbk_history_save(const DbkHistory *history, const char *path, GError **error);
