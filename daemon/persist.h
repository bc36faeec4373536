/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What outlives deskbreakd (DESIGN §7): the saved state and the daily
 * history in $XDG_STATE_HOME/deskbreak/. This module credits sitting time
 * to the history, writes each file only when a restart would otherwise
 * lose something, refreshes the state's stamp while a session goes on, and
 * at start reads both back and restores the engine from them.
 *
 * Which writes happen:
 * - the state, durably, when anything a restart reads from it changed:
 *   the session starting or ending, a reminder, snooze, skip, pause or
 *   the rotation, whether by an event, a call or a config change;
 * - the history, durably, when a count changed or the day rolled over;
 * - both, durably, when deskbreakd quits;
 * - the state's stamp, not durably (no fsync of the directory), on each
 *   heartbeat while a session goes on, so a restart can tell how long
 *   deskbreakd was gone.
 * A short idle that ends in input writes nothing: the history's
 * `credited` mark says how much sitting is counted, and a restart counts
 * the rest of a session that goes on.
 */
#pragma once

#include <glib.h>

#include "engine.h"
#include "history.h"
#include "saved-state.h"

/* What of the daemon a restart needs, besides the engine. */
typedef struct {
  const DbkEngine *engine;
  unsigned rotation_pos;    /* where the stretch rotation goes on */
  const char *last_stretch; /* the stretch suggested last, or NULL */
  const char *due_stretch;  /* the due reminder's stretch, or NULL */
  guint32 notification_id;  /* the due reminder's notification, 0 = none */
} DbkPersistView;

/* The engine's lasting part, on the daemon's clock, and the rest of a
 * DbkPersistView: what the state file holds, to tell when it changed. */
typedef struct {
  bool in_session;
  DbkUsec sitting_since;
  bool due;
  unsigned times_shown;
  DbkUsec last_shown;
  DbkUsec snoozed_until, skipped_until;
  bool paused;
  DbkUsec paused_until;
  unsigned rotation_pos;
  char *last_stretch, *due_stretch;
  guint32 notification_id;
} DbkPersistKey;

typedef struct {
  char *state_path;   /* $XDG_STATE_HOME/deskbreak/state */
  char *history_path; /* $XDG_STATE_HOME/deskbreak/history */
  DbkHistory *history;
  DbkUsec credited; /* sitting time before this is in the history */
  char boot_id[33];
  gboolean owner; /* only the deskbreakd that owns the bus name writes */

  /* What the files hold as written last, so unchanged ones are left alone. */
  gboolean state_saved; /* written in this run: saved_key holds it */
  DbkPersistKey saved_key;
  gboolean history_changed;                /* a count changed since the last write */
  guint32 history_date;                    /* the local day it was written on */
  gboolean state_unsaved, history_unsaved; /* the last write failed: warned once */
  gboolean clock_out_of_range; /* the last count fell on a day the history cannot hold */
} DbkPersist;

void dbk_persist_init(DbkPersist *p);
void dbk_persist_finish(DbkPersist *p);

/*
 * Reads what a deskbreakd before this one left: the history, and the
 * saved state into `ret`; removes leftovers of writes a crash cut short.
 * Broken files are moved aside with a warning.
 */
void dbk_persist_load(DbkPersist *p, DbkSavedState *ret);
/*
 * Goes on from where the last deskbreakd stopped (dbk_engine_restore):
 * the same session if it was gone for less than natural-break, the gap
 * counting as sitting, a natural break otherwise. How long it was gone
 * comes from the boot clock, or across a reboot from the two stamps.
 */
void dbk_persist_restore(DbkPersist *p, DbkEngine *engine, const DbkSavedState *state, DbkUsec now,
                         DbkEffects *out);

/* Boot-clock time to wall-clock unix µs (0 stays 0). */
gint64 dbk_to_unix(DbkUsec boottime);

/* Counts the sitting of the session that started at `start` up to `end`,
 * less what is counted already. */
void dbk_persist_credit_span(DbkPersist *p, DbkUsec start, DbkUsec end);
/* Brings the history's sitting time up to `now`. `idle_threshold` is how
 * long a pause lasts before the idle source tells of it (0 = it cannot
 * tell): that last stretch may turn out to be time away, so it is counted
 * only once the user is back. */
void dbk_persist_credit(DbkPersist *p, const DbkEngine *engine, DbkUsec idle_threshold,
                        DbkUsec now);
void dbk_persist_count(DbkPersist *p, DbkCounter counter);
void dbk_persist_count_break(DbkPersist *p, DbkUsec when, DbkBreakKind how);
/* The local day it is now, YYYYMMDD, and its counts (zero when none). */
guint32 dbk_persist_today(const DbkPersist *p);
DbkDay dbk_persist_today_counts(const DbkPersist *p);

/* Writes what a restart would need and lose otherwise (see the top),
 * state first, then the history with its credited mark: before any
 * client hears of the transition. `all` writes both whatever changed. */
void dbk_persist_save(DbkPersist *p, const DbkPersistView *view, gboolean all);
/* Refreshes the saved state's stamp, not durably. */
void dbk_persist_heartbeat(DbkPersist *p, const DbkPersistView *view);
/* How often the heartbeat must come for `engine`: while a session goes
 * on, often enough that a daemon restarted after a crash can tell it was
 * gone for less than natural-break; 0 without a session. */
DbkUsec dbk_persist_heartbeat_period(const DbkEngine *engine);
