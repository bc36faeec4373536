/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "persist.h"

#include <string.h>
#include <systemd/sd-id128.h>

#include "idle/source.h" /* dbk_now() */

gint64 dbk_to_unix(DbkUsec boottime) {
  /* The wall clock's offset from the boot clock, read once and kept until
   * the wall clock is set: the same instant then always maps to the same
   * time stamp, in a reply and in a later GetStatus alike. */
  static gint64 offset;
  static gboolean have_offset;
  if (boottime == 0)
    return 0;
  gint64 current = g_get_real_time() - (gint64)dbk_now();
  if (!have_offset || ABS(current - offset) > 1000) {
    offset = current;
    have_offset = TRUE;
  }
  if (boottime > (DbkUsec)(G_MAXINT64 - ABS(offset)))
    return G_MAXINT64;
  return (gint64)boottime + offset;
}

static void key_clear(DbkPersistKey *key) {
  g_clear_pointer(&key->last_stretch, g_free);
  g_clear_pointer(&key->due_stretch, g_free);
}

void dbk_persist_init(DbkPersist *p) {
  *p = (DbkPersist){0};
  sd_id128_t boot;
  if (sd_id128_get_boot(&boot) >= 0)
    sd_id128_to_string(boot, p->boot_id);
  else
    g_message("No boot id: a restart cannot tell a reboot apart");
  p->state_path = dbk_saved_state_path();
  p->history_path = dbk_history_path();
  p->history = dbk_history_new(NULL);
}

void dbk_persist_finish(DbkPersist *p) {
  key_clear(&p->saved_key);
  g_clear_pointer(&p->state_path, g_free);
  g_clear_pointer(&p->history_path, g_free);
  g_clear_pointer(&p->history, dbk_history_free);
}

/* ---- the daily history ---- */

guint32 dbk_persist_today(const DbkPersist *p) {
  return dbk_history_date_of(p->history, g_get_real_time());
}

DbkDay dbk_persist_today_counts(const DbkPersist *p) {
  const DbkDay *today = dbk_history_get(p->history, dbk_persist_today(p));
  return today ? *today : (DbkDay){0};
}

/* The history has no line for a day before 1970 or after 9999: what
 * happens while the clock says so is left out, warned of once until the
 * clock is right again. */
static void note_counted(DbkPersist *p, gboolean counted) {
  if (!counted && !p->clock_out_of_range)
    g_warning("The clock is set before 1970 or after 9999, days the history cannot hold: "
              "not counting until it is set right, and saying so only once");
  else if (counted && p->clock_out_of_range)
    g_message("The clock is right again: counting in the history again");
  p->clock_out_of_range = !counted;
}

void dbk_persist_credit_span(DbkPersist *p, DbkUsec start, DbkUsec end) {
  DbkUsec from = MAX(p->credited, start);
  if (end > from)
    note_counted(p,
                 dbk_history_add_sitting(p->history, dbk_to_unix(from), end - from, end - start));
  p->credited = MAX(p->credited, end);
}

void dbk_persist_credit(DbkPersist *p, const DbkEngine *e, DbkUsec idle_threshold, DbkUsec now) {
  if (!e->in_session)
    return;
  DbkUsec end = dbk_engine_sitting_end(e, now);
  /* The idle source tells of a pause only once it has lasted the
   * threshold: the last stretch of that may turn out to be time away. */
  if (end == now && idle_threshold)
    end = MAX(e->sitting_since, now - MIN(now, idle_threshold));
  dbk_persist_credit_span(p, e->sitting_since, end);
}

void dbk_persist_count(DbkPersist *p, DbkCounter counter) {
  note_counted(p, dbk_history_count(p->history, dbk_to_unix(dbk_now()), counter));
  p->history_changed = TRUE;
}

void dbk_persist_count_break(DbkPersist *p, DbkUsec when, DbkBreakKind how) {
  note_counted(p, dbk_history_count_break(p->history, dbk_to_unix(when), how));
  p->history_changed = TRUE;
}

/* ---- writing ---- */

static DbkStamp stamp_at(const DbkPersist *p, DbkUsec boottime) {
  DbkStamp stamp = {.boottime = boottime, .realtime = dbk_to_unix(boottime)};
  g_strlcpy(stamp.boot_id, p->boot_id, sizeof(stamp.boot_id));
  return stamp;
}

/* A failed write is warned of once, until one succeeds again. */
static void note_write(const char *path, gboolean ok, const GError *error, gboolean *failing) {
  if (!ok && !*failing)
    g_warning("Cannot save %s: %s; carrying on, and saying so only once", path, error->message);
  else if (ok && *failing)
    g_message("Saved %s again", path);
  *failing = !ok;
}

static DbkPersistKey key_of(const DbkPersistView *view) {
  const DbkEngine *e = view->engine;
  return (DbkPersistKey){
      .in_session = e->in_session,
      .sitting_since = e->in_session ? e->sitting_since : 0,
      .due = e->due,
      .times_shown = e->due ? e->times_shown : 0,
      .last_shown = e->due ? e->last_shown : 0,
      .snoozed_until = e->snoozed_until,
      .skipped_until = e->skipped_until,
      .paused = e->paused,
      .paused_until = e->paused ? e->paused_until : 0,
      .rotation_pos = view->rotation_pos,
      .last_stretch = (char *)view->last_stretch,
      .due_stretch = (char *)view->due_stretch,
      .notification_id = view->notification_id,
  };
}

static gboolean key_equal(const DbkPersistKey *a, const DbkPersistKey *b) {
  return a->in_session == b->in_session && a->sitting_since == b->sitting_since &&
         a->due == b->due && a->times_shown == b->times_shown && a->last_shown == b->last_shown &&
         a->snoozed_until == b->snoozed_until && a->skipped_until == b->skipped_until &&
         a->paused == b->paused && a->paused_until == b->paused_until &&
         a->rotation_pos == b->rotation_pos && g_strcmp0(a->last_stretch, b->last_stretch) == 0 &&
         g_strcmp0(a->due_stretch, b->due_stretch) == 0 && a->notification_id == b->notification_id;
}

static void write_state(DbkPersist *p, const DbkPersistView *view, gboolean durable) {
  DbkUsec now = dbk_now();
  g_autoptr(GError) error = NULL;
  DbkSavedState state = {
      .rotation_pos = view->rotation_pos,
      .last_stretch = (char *)view->last_stretch,
      .saved = stamp_at(p, now),
      .due_stretch = (char *)view->due_stretch,
      .notification_id = view->notification_id,
  };
  dbk_engine_snapshot(view->engine, now, &state.engine);
  gboolean ok = durable ? dbk_saved_state_save(p->state_path, &state, &error)
                        : dbk_saved_state_refresh(p->state_path, &state, &error);
  note_write(p->state_path, ok, error, &p->state_unsaved);
  if (!ok)
    return;
  /* A refresh writes what the last durable save held, with a newer stamp. */
  if (durable) {
    DbkPersistKey key = key_of(view);
    key_clear(&p->saved_key);
    p->saved_key = key;
    p->saved_key.last_stretch = g_strdup(key.last_stretch);
    p->saved_key.due_stretch = g_strdup(key.due_stretch);
    p->state_saved = TRUE;
  }
}

static void write_history(DbkPersist *p) {
  g_autoptr(GError) error = NULL;
  DbkStamp credited = stamp_at(p, MAX(p->credited, 1));
  guint32 today = dbk_persist_today(p);
  dbk_history_set_credited(p->history, &credited);
  dbk_history_prune(p->history, today);
  gboolean ok = dbk_history_save(p->history, p->history_path, &error);
  note_write(p->history_path, ok, error, &p->history_unsaved);
  if (ok) {
    p->history_changed = FALSE;
    p->history_date = today;
  }
}

void dbk_persist_save(DbkPersist *p, const DbkPersistView *view, gboolean all) {
  if (!p->owner)
    return;
  DbkPersistKey key = key_of(view);
  /* A write that failed is tried again at the next transition. */
  if (all || !p->state_saved || p->state_unsaved || !key_equal(&key, &p->saved_key))
    write_state(p, view, TRUE);
  if (all || p->history_changed || p->history_unsaved || dbk_persist_today(p) != p->history_date)
    write_history(p);
}

void dbk_persist_heartbeat(DbkPersist *p, const DbkPersistView *view) {
  if (!p->owner)
    return;
  /* Anything new goes out durably; the heartbeat itself only moves the
   * stamp. */
  DbkPersistKey key = key_of(view);
  gboolean news = !p->state_saved || p->state_unsaved || !key_equal(&key, &p->saved_key);
  write_state(p, view, news);
}

DbkUsec dbk_persist_heartbeat_period(const DbkEngine *e) {
  if (!e->in_session)
    return 0;
  return CLAMP(e->settings.natural_break / 2, DBK_USEC_PER_SEC, 2 * DBK_USEC_PER_MIN);
}

/* ---- reading back ---- */

void dbk_persist_load(DbkPersist *p, DbkSavedState *ret) {
  g_autofree char *warning = NULL;
  dbk_saved_state_load(p->state_path, ret, &warning);
  if (warning)
    g_warning("%s", warning);

  /* A crash in the middle of a write leaves its temporary file behind. */
  static const char *const ours[] = {"state", "history", NULL};
  g_autofree char *dir = g_path_get_dirname(p->state_path);
  unsigned tidied = dbk_state_dir_tidy(dir, ours);
  if (tidied)
    g_message("Removed %u unfinished write%s from %s", tidied, tidied == 1 ? "" : "s", dir);

  g_autofree char *history_warning = NULL;
  dbk_history_load(p->history, p->history_path, &history_warning);
  if (history_warning)
    g_warning("%s", history_warning);
  /* Written at the first save all the same: its credited mark, from then
   * on, is where a restart after a crash counts sitting time from. */
  p->history_date = 0;
}

void dbk_persist_restore(DbkPersist *p, DbkEngine *e, const DbkSavedState *state, DbkUsec now,
                         DbkEffects *out) {
  DbkStamp here = stamp_at(p, now);
  DbkUsec gap = 0;
  p->credited = now;
  if (!state->saved.realtime)
    return; /* never saved: a first start */
  if (!dbk_stamp_gap(&state->saved, &here, &gap)) {
    g_message("Cannot tell how long deskbreakd was gone (the clock went back): "
              "counting it as a break");
    gap = DBK_USEC_INFINITY;
  }
  /* Sitting time the last deskbreakd saw but did not count yet is counted
   * from the history's mark on; without a mark, from now. */
  DbkUsec since_credit;
  const DbkStamp *mark = dbk_history_credited(p->history);
  if (mark->realtime && dbk_stamp_gap(mark, &here, &since_credit))
    p->credited = since_credit < now ? now - since_credit : 1;

  dbk_engine_restore(e, now, gap, &state->engine, out);
  if (gap == DBK_USEC_INFINITY)
    g_message("Starting afresh");
  else if (e->in_session)
    g_message("Going on with the sitting session (deskbreakd was gone %" G_GUINT64_FORMAT " s)",
              gap / DBK_USEC_PER_SEC);
  else if (state->engine.in_session)
    g_message("deskbreakd was gone %" G_GUINT64_FORMAT " s: counted as a natural break",
              gap / DBK_USEC_PER_SEC);
}
