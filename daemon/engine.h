/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The sitting-time engine: every rule of how long the user has been sitting
 * and when to remind them, as a pure state machine.
 *
 * It does no I/O, reads no clock, logs nothing and knows no main loop. Each
 * entry point takes `now` (µs on one monotonic clock that keeps counting
 * through suspend: CLOCK_BOOTTIME in the daemon, a fake one in tests),
 * appends what the caller must do to `out`, and afterwards
 * dbk_engine_next_deadline() says when to call dbk_engine_advance() next.
 *
 * Times before the first event must be > 0: 0 means "none" in the fields
 * below.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t DbkUsec;

#define DBK_USEC_PER_SEC UINT64_C(1000000)
#define DBK_USEC_PER_MIN (60 * DBK_USEC_PER_SEC)
#define DBK_USEC_PER_HOUR (60 * DBK_USEC_PER_MIN)
#define DBK_USEC_INFINITY UINT64_MAX

/* What the user is doing, as the API and CLI name it (DESIGN §1). */
typedef enum {
  DBK_STATE_SITTING, /* at the computer, sitting time counting */
  DBK_STATE_IDLE,    /* no input for a short while: still counts as sitting */
  DBK_STATE_AWAY,    /* no sitting session: a natural break, or not yet started */
  DBK_STATE_DUE,     /* a reminder is showing and no break taken yet */
  DBK_STATE_SNOOZED, /* reminders held until snoozed_until */
  DBK_STATE_PAUSED,  /* reminders off until paused_until or resume */
} DbkState;

/* How a break came about; the names are BreakTaken's `how`. */
typedef enum {
  DBK_BREAK_BREAK_LENGTH, /* hands off for break-length while due */
  DBK_BREAK_ACTION,       /* the notification's Done button */
  DBK_BREAK_COMMAND,      /* `deskbreak break` / TakeBreak() */
  DBK_BREAK_NATURAL,      /* idle for natural-break */
  DBK_BREAK_LOCK,         /* screen locked long enough */
  DBK_BREAK_SUSPEND,      /* machine asleep long enough */
} DbkBreakKind;

/* The [timer] settings the rules need; all in µs. */
typedef struct {
  DbkUsec interval;      /* sitting time before a reminder */
  DbkUsec break_length;  /* hands-off time that completes a due break */
  DbkUsec natural_break; /* hands-off time that resets sitting time */
  DbkUsec remind_again;  /* repeat an ignored reminder; 0 = never */
  /* Gentle timing: a reminder that falls due while the user is typing
   * waits for a pause in input this long (0 = show at once), at most
   * DBK_WAIT_FOR_PAUSE_MAX. */
  DbkUsec wait_for_pause;
} DbkTimerSettings;

/* The longest a reminder waits for a pause in typing. */
#define DBK_WAIT_FOR_PAUSE_MAX (60 * DBK_USEC_PER_SEC)

typedef enum {
  DBK_EFFECT_SHOW_REMINDER,  /* show (or show again) the reminder */
  DBK_EFFECT_CLOSE_REMINDER, /* take the reminder off the screen */
  DBK_EFFECT_BREAK_TAKEN,    /* a break was taken: count it, signal it */
} DbkEffectType;

typedef struct {
  DbkEffectType type;
  unsigned times_shown; /* SHOW_REMINDER: 1 the first time, then 2, 3… */
  DbkBreakKind how;     /* BREAK_TAKEN */
  /* BREAK_TAKEN: when the ended session stopped counting as sitting (the
   * start of the time away, or the moment of Done / `deskbreak break`) and
   * how long it had lasted by then. */
  DbkUsec sitting_end;
  DbkUsec session_length;
} DbkEffect;

#define DBK_BREAK_KINDS 6

#define DBK_EFFECTS_MAX 16

typedef struct {
  DbkEffect items[DBK_EFFECTS_MAX];
  unsigned n;
} DbkEffects;

/*
 * The engine's whole state. Callers read it through the functions below;
 * the fields are public so the daemon can keep it inline and the tests can
 * look inside.
 */
typedef struct {
  DbkTimerSettings settings;

  bool in_session;       /* a sitting session is in progress */
  DbkUsec sitting_since; /* its start */

  bool idle; /* the idle source says: no input since idle_since */
  DbkUsec idle_since;
  bool locked; /* screen locked since locked_since */
  DbkUsec locked_since;
  bool asleep; /* machine suspended since asleep_since */
  DbkUsec asleep_since;

  bool due;           /* a reminder is showing */
  DbkUsec last_shown; /* last shown (first or repeat) */
  unsigned times_shown;
  DbkUsec waiting_since; /* fell due while typing: waits for a pause; 0 = not */

  DbkUsec snoozed_until; /* 0 = not snoozed */
  DbkUsec skipped_until; /* Skip: no reminder before this; 0 = none */
  bool paused;
  DbkUsec paused_until; /* DBK_USEC_INFINITY = until resume */
} DbkEngine;

void dbk_engine_init(DbkEngine *e, const DbkTimerSettings *settings);

/* Input seen (after idle, or first input after start). */
void dbk_engine_activity(DbkEngine *e, DbkUsec now, DbkEffects *out);
/* No input since `idle_since` (≤ now; may lie in the past). */
void dbk_engine_idle(DbkEngine *e, DbkUsec now, DbkUsec idle_since, DbkEffects *out);
/* Screen locked / unlocked. Unlocking counts as input. */
void dbk_engine_lock(DbkEngine *e, DbkUsec now, bool locked, DbkEffects *out);
/* About to suspend (asleep = true) / woken up (false; now includes the sleep). */
void dbk_engine_sleep(DbkEngine *e, DbkUsec now, bool asleep, DbkEffects *out);

/* Snooze for `duration` (> 0); returns the end of the snooze. */
DbkUsec dbk_engine_snooze(DbkEngine *e, DbkUsec now, DbkUsec duration, DbkEffects *out);
/* Pause for `duration`, 0 = until resume. */
void dbk_engine_pause(DbkEngine *e, DbkUsec now, DbkUsec duration, DbkEffects *out);
/* End a pause or snooze; returns false when there was neither. */
bool dbk_engine_resume(DbkEngine *e, DbkUsec now, DbkEffects *out);
/* A break taken by the user's word (action or command). */
void dbk_engine_take_break(DbkEngine *e, DbkUsec now, DbkBreakKind how, DbkEffects *out);
/* Skip the due reminder: no reminder for another interval; returns false when none was due. */
bool dbk_engine_skip(DbkEngine *e, DbkUsec now, DbkEffects *out);
/* New settings, applied to the session in progress. */
void dbk_engine_set_settings(DbkEngine *e, DbkUsec now, const DbkTimerSettings *settings,
                             DbkEffects *out);

/* Carry out every rule whose time has come, in time order, up to now. */
void dbk_engine_advance(DbkEngine *e, DbkUsec now, DbkEffects *out);
/* When dbk_engine_advance() must next run; DBK_USEC_INFINITY = only on events. */
DbkUsec dbk_engine_next_deadline(const DbkEngine *e);

/*
 * What of the engine outlives the daemon (DESIGN §7), relative to the
 * moment it was taken so it means the same on another boot's clock.
 */
typedef struct {
  bool in_session;
  DbkUsec sitting;      /* sitting time so far */
  bool due;             /* a reminder is showing… */
  unsigned times_shown; /* …this often… */
  DbkUsec since_shown;  /* …last this long ago */
  DbkUsec snooze_left;  /* 0 = not snoozed */
  DbkUsec skip_left;    /* 0 = no skip in force */
  bool paused;
  DbkUsec pause_left; /* DBK_USEC_INFINITY = until resume */
} DbkEngineSnapshot;

void dbk_engine_snapshot(const DbkEngine *e, DbkUsec now, DbkEngineSnapshot *ret);
/*
 * Starts from a snapshot taken `gap` ago, by a daemon that has been gone
 * since (call right after dbk_engine_init). Gone less than natural-break,
 * the same sitting session goes on and the gap counts as sitting; longer,
 * the gap was a natural break (a BREAK_TAKEN effect dated at its start)
 * and the next input starts a new session. Snooze, skip and pause go on
 * with what is left of them.
 */
void dbk_engine_restore(DbkEngine *e, DbkUsec now, DbkUsec gap, const DbkEngineSnapshot *snapshot,
                        DbkEffects *out);

/* Up to when the session in progress counts as sitting: now, or the start
 * of the time away; 0 without a session. */
DbkUsec dbk_engine_sitting_end(const DbkEngine *e, DbkUsec now);

DbkState dbk_engine_state(const DbkEngine *e);
/* Sitting time at `now`; 0 when away. */
DbkUsec dbk_engine_sitting(const DbkEngine *e, DbkUsec now);
/* When the next reminder will be shown, counting snooze, skip and pause; 0 = none known. */
DbkUsec dbk_engine_next_reminder(const DbkEngine *e);
/* How long the user must be idle before the engine needs to hear of it:
 * shorter while a reminder waits for a pause in typing. */
DbkUsec dbk_engine_idle_threshold(const DbkEngine *e);

const char *dbk_state_to_string(DbkState state);
const char *dbk_break_kind_to_string(DbkBreakKind how);
