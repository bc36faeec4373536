/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The sitting-time rules (DESIGN §1). See engine.h for the contract.
 *
 * Every entry point first carries out the rules whose time has come under
 * the old state (advance), then applies its event, then advances again, so
 * effects always come out in the order they logically happened — also when
 * an event reports something that began in the past (an idle time read by
 * polling, a wake-up after hours of suspend).
 */
#include "engine.h"

#include <stddef.h>

static DbkUsec add_sat(DbkUsec a, DbkUsec b) {
  return a > DBK_USEC_INFINITY - b ? DBK_USEC_INFINITY : a + b;
}

static DbkUsec max_usec(DbkUsec a, DbkUsec b) {
  return a > b ? a : b;
}

static DbkUsec min_usec(DbkUsec a, DbkUsec b) {
  return a < b ? a : b;
}

static DbkEffect *emit(DbkEffects *out, DbkEffectType type, unsigned times_shown,
                       DbkBreakKind how) {
  /* The rules emit at most a handful of effects per step and advance() caps
   * its steps, so this only guards against a caller reusing a full list. */
  static DbkEffect dropped;
  if (!out || out->n >= DBK_EFFECTS_MAX)
    return &dropped;
  out->items[out->n] = (DbkEffect){.type = type, .times_shown = times_shown, .how = how};
  return &out->items[out->n++];
}

/* The user is not at the keyboard: no input, screen locked, or asleep. */
static bool hands_off(const DbkEngine *e) {
  return e->idle || e->locked || e->asleep;
}

static DbkUsec hands_off_since(const DbkEngine *e) {
  DbkUsec since = DBK_USEC_INFINITY;
  if (e->idle)
    since = min_usec(since, e->idle_since);
  if (e->locked)
    since = min_usec(since, e->locked_since);
  if (e->asleep)
    since = min_usec(since, e->asleep_since);
  return since;
}

/* Locked or asleep: the user cannot be at the desk, so no reminder is due. */
static bool out_of_reach(const DbkEngine *e) {
  return e->locked || e->asleep;
}

/* When the first reminder of this session falls due, pause aside. */
static DbkUsec reminder_time_unpaused(const DbkEngine *e) {
  if (!e->in_session || e->due)
    return DBK_USEC_INFINITY;
  DbkUsec t = add_sat(e->sitting_since, e->settings.interval);
  t = max_usec(t, e->snoozed_until);
  t = max_usec(t, e->skipped_until);
  return t;
}

/* Gentle timing: a reminder that fell due while the user was typing. */
static bool waiting(const DbkEngine *e) {
  return e->waiting_since != 0;
}

static DbkUsec reminder_deadline(const DbkEngine *e) {
  if (e->paused || out_of_reach(e) || waiting(e))
    return DBK_USEC_INFINITY;
  return reminder_time_unpaused(e);
}

/* A waiting reminder shows at the first pause in input, or once it has
 * waited DBK_WAIT_FOR_PAUSE_MAX. */
static DbkUsec waiting_deadline(const DbkEngine *e) {
  if (!waiting(e) || !e->in_session || e->due || e->paused || out_of_reach(e))
    return DBK_USEC_INFINITY;
  if (e->idle)
    return max_usec(e->waiting_since, e->idle_since);
  return add_sat(e->waiting_since, DBK_WAIT_FOR_PAUSE_MAX);
}

/* Hands off long enough while due completes the break; time hands-off
 * before the reminder was shown does not count. */
static DbkUsec break_deadline(const DbkEngine *e) {
  if (!e->due || !hands_off(e))
    return DBK_USEC_INFINITY;
  return add_sat(max_usec(hands_off_since(e), e->last_shown), e->settings.break_length);
}

static DbkUsec natural_break_deadline(const DbkEngine *e) {
  if (!e->in_session || e->due || !hands_off(e))
    return DBK_USEC_INFINITY;
  return add_sat(hands_off_since(e), e->settings.natural_break);
}

/* An ignored reminder repeats only while the user keeps working. */
static DbkUsec remind_again_deadline(const DbkEngine *e) {
  if (!e->due || e->settings.remind_again == 0 || hands_off(e) || e->paused)
    return DBK_USEC_INFINITY;
  return add_sat(e->last_shown, e->settings.remind_again);
}

DbkUsec dbk_engine_next_deadline(const DbkEngine *e) {
  DbkUsec t = DBK_USEC_INFINITY;
  if (e->paused)
    t = min_usec(t, e->paused_until);
  if (e->snoozed_until)
    t = min_usec(t, e->snoozed_until);
  t = min_usec(t, reminder_deadline(e));
  t = min_usec(t, waiting_deadline(e));
  t = min_usec(t, break_deadline(e));
  t = min_usec(t, natural_break_deadline(e));
  t = min_usec(t, remind_again_deadline(e));
  return t;
}

/* Which kind of time away made the break, judged at the moment it was
 * complete: sleep and lock are what the user did, idle is the fallback. */
static DbkBreakKind away_kind_at(const DbkEngine *e, DbkUsec t, DbkBreakKind idle_kind) {
  if (e->asleep && e->asleep_since <= t)
    return DBK_BREAK_SUSPEND;
  if (e->locked && e->locked_since <= t)
    return DBK_BREAK_LOCK;
  return idle_kind;
}

static void close_reminder(DbkEngine *e, DbkEffects *out) {
  if (!e->due)
    return;
  e->due = false;
  e->times_shown = 0;
  emit(out, DBK_EFFECT_CLOSE_REMINDER, 0, 0);
}

static void start_session(DbkEngine *e, DbkUsec now) {
  e->in_session = true;
  e->sitting_since = now;
}

/* A break ends the sitting session. A user still at the keyboard (Done,
 * `deskbreak break`) starts the next session right away; one who is away
 * starts it with the next input. */
static void take_break(DbkEngine *e, DbkUsec t, DbkBreakKind how, DbkEffects *out) {
  DbkUsec end = dbk_engine_sitting_end(e, t);
  close_reminder(e, out);
  e->in_session = false;
  e->waiting_since = 0;
  e->snoozed_until = 0;
  e->skipped_until = 0;
  DbkEffect *effect = emit(out, DBK_EFFECT_BREAK_TAKEN, 0, how);
  effect->sitting_end = end;
  effect->session_length = end - e->sitting_since;
  if (!hands_off(e))
    start_session(e, t);
}

static void show_reminder(DbkEngine *e, DbkUsec t, DbkEffects *out) {
  if (!e->due) {
    e->due = true;
    e->times_shown = 0;
  }
  e->times_shown++;
  e->last_shown = t;
  e->waiting_since = 0;
  e->skipped_until = 0;
  emit(out, DBK_EFFECT_SHOW_REMINDER, e->times_shown, 0);
}

/*
 * Carries out what is due at `t`, the earliest deadline (≤ now). Breaks are
 * counted at the moment they were complete; a reminder that falls due late
 * (at resume, wake-up, a config change) is shown, and timed, now — so
 * remind-again and break-length count from when the user could see it.
 */
static void step(DbkEngine *e, DbkUsec t, DbkUsec now, DbkEffects *out) {
  if (e->paused && e->paused_until <= t) {
    e->paused = false;
    e->paused_until = 0;
  }
  if (e->snoozed_until && e->snoozed_until <= t)
    e->snoozed_until = 0;

  if (break_deadline(e) <= t) {
    take_break(e, t, away_kind_at(e, t, DBK_BREAK_BREAK_LENGTH), out);
    return;
  }
  if (natural_break_deadline(e) <= t) {
    take_break(e, t, away_kind_at(e, t, DBK_BREAK_NATURAL), out);
    return;
  }
  /* Falling due mid-sentence, the reminder waits for a pause in typing,
   * so it never takes a keystroke meant for another window. */
  if (reminder_deadline(e) <= t && e->settings.wait_for_pause && !hands_off(e)) {
    e->waiting_since = t;
    return;
  }
  if (reminder_deadline(e) <= t || waiting_deadline(e) <= t || remind_again_deadline(e) <= t)
    show_reminder(e, now, out);
}

void dbk_engine_advance(DbkEngine *e, DbkUsec now, DbkEffects *out) {
  /* Each step consumes at least one deadline; the cap is a safety net. */
  for (unsigned i = 0; i < 64; i++) {
    DbkUsec t = dbk_engine_next_deadline(e);
    if (t > now)
      return;
    step(e, t, now, out);
  }
}

void dbk_engine_init(DbkEngine *e, const DbkTimerSettings *settings) {
  *e = (DbkEngine){.settings = *settings};
}

void dbk_engine_activity(DbkEngine *e, DbkUsec now, DbkEffects *out) {
  dbk_engine_advance(e, now, out);
  /* Input at the lock screen is someone unlocking: the unlock is what counts. */
  if (out_of_reach(e))
    return;
  e->idle = false;
  if (!e->in_session)
    start_session(e, now);
  dbk_engine_advance(e, now, out);
}

void dbk_engine_idle(DbkEngine *e, DbkUsec now, DbkUsec idle_since, DbkEffects *out) {
  if (idle_since > now)
    idle_since = now;
  /* What happened before the idle time began happened while active. */
  if (!e->idle)
    dbk_engine_advance(e, idle_since, out);
  e->idle = true;
  e->idle_since = idle_since;
  dbk_engine_advance(e, now, out);
}

void dbk_engine_lock(DbkEngine *e, DbkUsec now, bool locked, DbkEffects *out) {
  dbk_engine_advance(e, now, out);
  if (locked == e->locked)
    return;
  if (locked) {
    e->locked = true;
    e->locked_since = now;
  } else {
    e->locked = false;
    dbk_engine_activity(e, now, out);
  }
  dbk_engine_advance(e, now, out);
}

void dbk_engine_sleep(DbkEngine *e, DbkUsec now, bool asleep, DbkEffects *out) {
  /* On wake-up this still runs with asleep set, so a break that completed
   * during the sleep is counted as a suspend break at its own time. */
  dbk_engine_advance(e, now, out);
  if (asleep == e->asleep)
    return;
  e->asleep = asleep;
  if (asleep) {
    e->asleep_since = now;
    return;
  }
  /* A user who was at the keyboard when the machine went to sleep is taken
   * to be the one who woke it; otherwise the next input starts the session. */
  if (!e->in_session && !hands_off(e))
    start_session(e, now);
  dbk_engine_advance(e, now, out);
}

DbkUsec dbk_engine_snooze(DbkEngine *e, DbkUsec now, DbkUsec duration, DbkEffects *out) {
  dbk_engine_advance(e, now, out);
  close_reminder(e, out);
  e->waiting_since = 0;
  DbkUsec until = add_sat(now, duration);
  e->snoozed_until = until;
  dbk_engine_advance(e, now, out);
  return until;
}

void dbk_engine_pause(DbkEngine *e, DbkUsec now, DbkUsec duration, DbkEffects *out) {
  dbk_engine_advance(e, now, out);
  close_reminder(e, out);
  e->waiting_since = 0;
  e->paused = true;
  e->paused_until = duration ? add_sat(now, duration) : DBK_USEC_INFINITY;
  dbk_engine_advance(e, now, out);
}

bool dbk_engine_resume(DbkEngine *e, DbkUsec now, DbkEffects *out) {
  dbk_engine_advance(e, now, out);
  bool had = e->paused || e->snoozed_until;
  e->paused = false;
  e->paused_until = 0;
  e->snoozed_until = 0;
  dbk_engine_advance(e, now, out);
  return had;
}

void dbk_engine_take_break(DbkEngine *e, DbkUsec now, DbkBreakKind how, DbkEffects *out) {
  dbk_engine_advance(e, now, out);
  if (e->in_session)
    take_break(e, now, how, out);
  else if (!hands_off(e))
    start_session(e, now);
  dbk_engine_advance(e, now, out);
}

bool dbk_engine_skip(DbkEngine *e, DbkUsec now, DbkEffects *out) {
  dbk_engine_advance(e, now, out);
  if (!e->due)
    return false;
  close_reminder(e, out);
  e->skipped_until = add_sat(now, e->settings.interval);
  dbk_engine_advance(e, now, out);
  return true;
}

void dbk_engine_set_settings(DbkEngine *e, DbkUsec now, const DbkTimerSettings *settings,
                             DbkEffects *out) {
  dbk_engine_advance(e, now, out);
  e->settings = *settings;
  /* A waiting reminder need not wait with gentle timing off, and is not
   * due at all under a longer interval. */
  if (!e->settings.wait_for_pause || reminder_time_unpaused(e) > now)
    e->waiting_since = 0;
  /* A longer interval can make a showing reminder premature. */
  if (e->due && dbk_engine_sitting(e, now) < e->settings.interval)
    close_reminder(e, out);
  dbk_engine_advance(e, now, out);
}

DbkUsec dbk_engine_sitting_end(const DbkEngine *e, DbkUsec now) {
  if (!e->in_session)
    return 0;
  DbkUsec end = hands_off(e) ? min_usec(hands_off_since(e), now) : now;
  return max_usec(end, e->sitting_since);
}

void dbk_engine_snapshot(const DbkEngine *e, DbkUsec now, DbkEngineSnapshot *ret) {
  *ret = (DbkEngineSnapshot){
      .in_session = e->in_session,
      .sitting = dbk_engine_sitting(e, now),
      .due = e->due,
      .times_shown = e->due ? e->times_shown : 0,
      .since_shown = e->due && now > e->last_shown ? now - e->last_shown : 0,
      .snooze_left = e->snoozed_until ? max_usec(e->snoozed_until, now) - now : 0,
      .skip_left = e->skipped_until > now ? e->skipped_until - now : 0,
      .paused = e->paused,
  };
  if (e->paused)
    ret->pause_left = e->paused_until == DBK_USEC_INFINITY ? DBK_USEC_INFINITY
                                                           : max_usec(e->paused_until, now) - now;
  /* 0 means none: a snooze ending right now still has to end. */
  if (e->snoozed_until && ret->snooze_left == 0)
    ret->snooze_left = 1;
}

/* `ago` before `now` on a clock where times must stay > 0. */
static DbkUsec before(DbkUsec now, DbkUsec ago) {
  return now > ago ? now - ago : 1;
}

/* The session a snapshot holds goes on from `then`. */
static void resume_session(DbkEngine *e, DbkUsec then, const DbkEngineSnapshot *s) {
  start_session(e, before(then, s->sitting));
  if (s->due && s->times_shown > 0) {
    e->due = true;
    e->times_shown = s->times_shown;
    e->last_shown = before(then, s->since_shown);
  }
}

/* A snooze or skip goes on unless a break ended it. */
static void resume_holds(DbkEngine *e, DbkUsec then, const DbkEngineSnapshot *s) {
  if (s->snooze_left)
    e->snoozed_until = add_sat(then, s->snooze_left);
  if (s->skip_left)
    e->skipped_until = add_sat(then, s->skip_left);
}

void dbk_engine_restore(DbkEngine *e, DbkUsec now, DbkUsec gap, const DbkEngineSnapshot *s,
                        DbkEffects *out) {
  DbkUsec then = before(now, gap);
  if (s->paused) {
    e->paused = true;
    e->paused_until =
        s->pause_left == DBK_USEC_INFINITY ? DBK_USEC_INFINITY : add_sat(then, s->pause_left);
  }
  if (!s->in_session) {
    resume_holds(e, then, s);
  } else if (gap < e->settings.natural_break) {
    resume_session(e, then, s);
    resume_holds(e, then, s);
  } else {
    /* Nobody was counting: the time away was a natural break, which also
     * clears the snooze and the skip and ends the reminder. */
    DbkEffect *effect = emit(out, DBK_EFFECT_BREAK_TAKEN, 0, DBK_BREAK_NATURAL);
    effect->sitting_end = then;
    effect->session_length = s->sitting < then ? s->sitting : then - 1;
  }
  dbk_engine_advance(e, now, out);
}

DbkState dbk_engine_state(const DbkEngine *e) {
  if (e->paused)
    return DBK_STATE_PAUSED;
  if (e->due)
    return DBK_STATE_DUE;
  if (e->snoozed_until)
    return DBK_STATE_SNOOZED;
  if (!e->in_session || out_of_reach(e))
    return DBK_STATE_AWAY;
  if (e->idle)
    return DBK_STATE_IDLE;
  return DBK_STATE_SITTING;
}

DbkUsec dbk_engine_sitting(const DbkEngine *e, DbkUsec now) {
  if (!e->in_session || now < e->sitting_since)
    return 0;
  return now - e->sitting_since;
}

DbkUsec dbk_engine_next_reminder(const DbkEngine *e) {
  if (!e->in_session)
    return 0;
  if (e->due) {
    if (e->settings.remind_again == 0 || e->paused)
      return 0;
    return add_sat(e->last_shown, e->settings.remind_again);
  }
  DbkUsec t = reminder_time_unpaused(e);
  if (e->paused) {
    if (e->paused_until == DBK_USEC_INFINITY)
      return 0;
    t = max_usec(t, e->paused_until);
  }
  return t == DBK_USEC_INFINITY ? 0 : t;
}

DbkUsec dbk_engine_idle_threshold(const DbkEngine *e) {
  DbkUsec threshold = min_usec(e->settings.break_length, e->settings.natural_break);
  if (waiting(e) && e->settings.wait_for_pause)
    threshold = min_usec(threshold, e->settings.wait_for_pause);
  return threshold;
}

const char *dbk_state_to_string(DbkState state) {
  static const char *const names[] = {
      [DBK_STATE_SITTING] = "sitting", [DBK_STATE_IDLE] = "idle",
      [DBK_STATE_AWAY] = "away",       [DBK_STATE_DUE] = "due",
      [DBK_STATE_SNOOZED] = "snoozed", [DBK_STATE_PAUSED] = "paused",
  };
  if ((unsigned)state >= sizeof(names) / sizeof(names[0]))
    return "unknown";
  return names[state];
}

const char *dbk_break_kind_to_string(DbkBreakKind how) {
  static const char *const names[] = {
      [DBK_BREAK_BREAK_LENGTH] = "break-length",
      [DBK_BREAK_ACTION] = "action",
      [DBK_BREAK_COMMAND] = "command",
      [DBK_BREAK_NATURAL] = "natural",
      [DBK_BREAK_LOCK] = "lock",
      [DBK_BREAK_SUSPEND] = "suspend",
  };
  if ((unsigned)how >= sizeof(names) / sizeof(names[0]))
    return "unknown";
  return names[how];
}
