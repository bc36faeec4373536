/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The sitting-time engine against DESIGN §1, one test (at least) per rule.
 *
 * Each test steps a fake clock through a timeline the way deskbreakd's
 * single timer would: advance_to() runs dbk_engine_advance() at every
 * deadline the engine asks for, in order, and every effect lands in a log
 * stamped with the fake time. Tests then assert on that log, the state and
 * the sitting time. Every helper also checks the engine's invariants, so
 * each timeline doubles as a consistency check.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define SEC DBK_USEC_PER_SEC
#define MIN DBK_USEC_PER_MIN
#define HOUR DBK_USEC_PER_HOUR

/* The fake clock starts well after 0: 0 means "none" in the engine. */
#define T0 (1000 * SEC)

static const DbkTimerSettings default_settings = {
    .interval = 30 * MIN,
    .break_length = 30 * SEC,
    .natural_break = 5 * MIN,
    .remind_again = 5 * MIN,
};

/* ---- the timeline ------------------------------------------------------ */

typedef struct {
  DbkUsec at;
  DbkEffect effect;
} LogEntry;

#define LOG_MAX 4096

typedef struct {
  DbkEngine e;
  DbkUsec now;

  LogEntry log[LOG_MAX];
  size_t n_log;

  /* What the effects told the caller so far, to check them against. */
  bool showing;          /* a SHOW_REMINDER not yet closed */
  unsigned last_shown;   /* its times_shown */
  DbkUsec last_shown_at; /* when */
  bool after_break;      /* a break happened since the last SHOW */
  DbkUsec prev_sitting;

  bool asleep; /* between ev_sleep(true) and ev_sleep(false) */

  unsigned long n_by_type[3]; /* effects seen, by DbkEffectType */
  unsigned long n_by_how[DBK_BREAK_SUSPEND + 1];
} Timeline;

static Timeline tl;

/* An effect list with a guard behind it, to catch writes past the end. */
#define CANARY 0xa5
typedef struct {
  DbkEffects fx;
  unsigned char guard[64];
} GuardedEffects;

static void guarded_init(GuardedEffects *g) {
  memset(g, 0, sizeof *g);
  memset(g->guard, CANARY, sizeof g->guard);
}

static const char *how_name(DbkBreakKind how) {
  switch (how) {
  case DBK_BREAK_BREAK_LENGTH:
    return "break-length";
  case DBK_BREAK_ACTION:
    return "action";
  case DBK_BREAK_COMMAND:
    return "command";
  case DBK_BREAK_NATURAL:
    return "natural";
  case DBK_BREAK_LOCK:
    return "lock";
  case DBK_BREAK_SUSPEND:
    return "suspend";
  }
  return "?";
}

static const char *state_name(DbkState s) {
  switch (s) {
  case DBK_STATE_SITTING:
    return "sitting";
  case DBK_STATE_IDLE:
    return "idle";
  case DBK_STATE_AWAY:
    return "away";
  case DBK_STATE_DUE:
    return "due";
  case DBK_STATE_SNOOZED:
    return "snoozed";
  case DBK_STATE_PAUSED:
    return "paused";
  }
  return "?";
}

/* "T0+1h2m3s" (µs appended when not whole); a few rotating buffers. */
static const char *fmt_time(DbkUsec t) {
  static char bufs[8][64];
  static unsigned next;
  char *buf = bufs[next++ % 8];

  if (t == DBK_USEC_INFINITY)
    return "infinity";
  if (t < T0) {
    snprintf(buf, 64, "%" PRIu64 "us (before T0)", t);
    return buf;
  }
  DbkUsec d = t - T0;
  snprintf(buf, 64, "T0+%" PRIu64 "h%" PRIu64 "m%" PRIu64 "s+%" PRIu64 "us", d / HOUR,
           d % HOUR / MIN, d % MIN / SEC, d % SEC);
  return buf;
}

static void effect_to_string(const DbkEffect *fx, char *buf, size_t size) {
  switch (fx->type) {
  case DBK_EFFECT_SHOW_REMINDER:
    snprintf(buf, size, "show:%u", fx->times_shown);
    return;
  case DBK_EFFECT_CLOSE_REMINDER:
    snprintf(buf, size, "close");
    return;
  case DBK_EFFECT_BREAK_TAKEN:
    snprintf(buf, size, "break:%s", how_name(fx->how));
    return;
  }
  snprintf(buf, size, "effect#%d", (int)fx->type);
}

/* The random test's last steps, printed on failure. */
#define TRACE_MAX 24
static char trace[TRACE_MAX][160];
static unsigned n_trace;

static void trace_step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trace_step(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(trace[n_trace++ % TRACE_MAX], sizeof trace[0], fmt, ap);
  va_end(ap);
}

/* The test line of the last expect_*() call, for failure messages. */
static int expect_line;

static uint64_t current_seed; /* of the random timeline running, or 0 */

static void dump(void) {
  if (current_seed)
    print_message("# random timeline, seed %#" PRIx64 "\n", current_seed);
  if (expect_line)
    print_message("# failing check called from test-engine.c:%d\n", expect_line);
  for (unsigned i = n_trace > TRACE_MAX ? n_trace - TRACE_MAX : 0; i < n_trace; i++)
    print_message("# step %s\n", trace[i % TRACE_MAX]);
  print_message("# now %s, state %s, sitting %" PRIu64 "us, next deadline %s\n", fmt_time(tl.now),
                state_name(dbk_engine_state(&tl.e)), dbk_engine_sitting(&tl.e, tl.now),
                fmt_time(dbk_engine_next_deadline(&tl.e)));
  print_message("# engine: in_session %d since %s, idle %d since %s, locked %d, asleep %d, "
                "due %d shown %u, snoozed_until %s, skipped_until %s, paused %d until %s\n",
                tl.e.in_session, fmt_time(tl.e.sitting_since), tl.e.idle, fmt_time(tl.e.idle_since),
                tl.e.locked, tl.e.asleep, tl.e.due, tl.e.times_shown, fmt_time(tl.e.snoozed_until),
                fmt_time(tl.e.skipped_until), tl.e.paused, fmt_time(tl.e.paused_until));
  size_t from = tl.n_log > 40 ? tl.n_log - 40 : 0;
  for (size_t i = from; i < tl.n_log; i++) {
    char b[64];
    effect_to_string(&tl.log[i].effect, b, sizeof b);
    print_message("#   log[%zu] %s %s\n", i, fmt_time(tl.log[i].at), b);
  }
}

#define check(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      dump();                                                                                      \
      fail_msg(__VA_ARGS__);                                                                       \
    }                                                                                              \
  } while (0)

static void tl_init(const DbkTimerSettings *settings) {
  memset(&tl, 0, sizeof tl);
  expect_line = 0;
  tl.now = T0;
  tl.after_break = true;
  dbk_engine_init(&tl.e, settings);
}

/* Moves one call's effects into the log, checking each as it comes. */
static void collect(GuardedEffects *g, const char *what) {
  for (size_t i = 0; i < sizeof g->guard; i++)
    check(g->guard[i] == CANARY, "%s wrote past the end of DbkEffects", what);
  check(g->fx.n <= DBK_EFFECTS_MAX, "%s: %u effects > DBK_EFFECTS_MAX", what, g->fx.n);

  for (unsigned i = 0; i < g->fx.n; i++) {
    const DbkEffect *fx = &g->fx.items[i];
    check(tl.n_log < LOG_MAX, "effect log full");
    tl.log[tl.n_log++] = (LogEntry){.at = tl.now, .effect = *fx};
    if ((unsigned)fx->type < 3)
      tl.n_by_type[fx->type]++;
    if (fx->type == DBK_EFFECT_BREAK_TAKEN && (unsigned)fx->how <= DBK_BREAK_SUSPEND)
      tl.n_by_how[fx->how]++;

    switch (fx->type) {
    case DBK_EFFECT_SHOW_REMINDER:
      check(!tl.asleep, "%s: reminder shown while asleep", what);
      check(fx->times_shown >= 1, "%s: times_shown 0", what);
      if (tl.showing) {
        check(fx->times_shown == tl.last_shown + 1, "%s: shown again as times_shown %u after %u",
              what, fx->times_shown, tl.last_shown);
        /* A repeat comes no sooner than remind-again after the last showing. */
        check(tl.e.settings.remind_again != 0 &&
                  tl.now - tl.last_shown_at >= tl.e.settings.remind_again,
              "%s: shown again %" PRIu64 "us after the last showing (remind-again %" PRIu64 "us)",
              what, tl.now - tl.last_shown_at, tl.e.settings.remind_again);
      } else if (tl.after_break) {
        check(fx->times_shown == 1, "%s: first reminder after a break has times_shown %u", what,
              fx->times_shown);
      }
      tl.showing = true;
      tl.last_shown = fx->times_shown;
      tl.last_shown_at = tl.now;
      tl.after_break = false;
      break;
    case DBK_EFFECT_CLOSE_REMINDER:
      tl.showing = false;
      break;
    case DBK_EFFECT_BREAK_TAKEN:
      check(fx->how <= DBK_BREAK_SUSPEND, "%s: unknown break kind %d", what, (int)fx->how);
      tl.after_break = true;
      tl.prev_sitting = 0;
      break;
    default:
      check(false, "%s: unknown effect type %d", what, (int)fx->type);
    }
  }
}

/* Checks after a call (and what it triggered) is complete. */
static void check_state(size_t mark, const char *what) {
  DbkState s = dbk_engine_state(&tl.e);
  check(s <= DBK_STATE_PAUSED, "%s: unknown state %d", what, (int)s);
  check((s == DBK_STATE_DUE) == tl.showing, "%s: state %s but the reminder is %s", what,
        state_name(s), tl.showing ? "on screen" : "not on screen");

  /* Every break leaves the engine not due. */
  long last_show = -1, last_break = -1;
  for (size_t i = mark; i < tl.n_log; i++) {
    if (tl.log[i].effect.type == DBK_EFFECT_SHOW_REMINDER)
      last_show = (long)i;
    if (tl.log[i].effect.type == DBK_EFFECT_BREAK_TAKEN)
      last_break = (long)i;
  }
  /* A reminder needs sitting time ≥ interval. */
  if (last_show > last_break)
    check(dbk_engine_sitting(&tl.e, tl.now) >= tl.e.settings.interval,
          "%s: reminder shown with sitting time below the interval", what);
  if (last_break > last_show) {
    check(s != DBK_STATE_DUE, "%s: still due after a break", what);
    check(dbk_engine_sitting(&tl.e, tl.now) == 0, "%s: sitting time not reset by a break", what);
  }

  /* Sitting time never goes down within a session. */
  if (!tl.asleep) {
    DbkUsec sitting = dbk_engine_sitting(&tl.e, tl.now);
    check(sitting >= tl.prev_sitting,
          "%s: sitting time went down from %" PRIu64 " to %" PRIu64 "us without a break", what,
          tl.prev_sitting, sitting);
    check(sitting <= tl.now - T0, "%s: sitting time %" PRIu64 "us longer than the timeline", what,
          sitting);
    tl.prev_sitting = sitting;
  }
}

/* One dbk_engine_advance() at `t`, as the daemon's timer firing at t. */
static void advance_step(DbkUsec t) {
  check(t >= tl.now, "test bug: time going back to %s", fmt_time(t));
  size_t mark = tl.n_log;
  GuardedEffects g;
  guarded_init(&g);
  tl.now = t;
  dbk_engine_advance(&tl.e, t, &g.fx);
  collect(&g, "advance");
  DbkUsec d = dbk_engine_next_deadline(&tl.e);
  check(d > t, "next deadline %s not after advance(%s): the daemon would spin", fmt_time(d),
        fmt_time(t));
  check_state(mark, "advance");
}

/* Runs the timer through every deadline up to `t`, then to `t`. */
static void advance_to(DbkUsec t) {
  check(t >= tl.now, "test bug: time going back to %s", fmt_time(t));
  for (unsigned i = 0;; i++) {
    check(i < 100000, "more than 100000 deadlines before %s", fmt_time(t));
    DbkUsec d = dbk_engine_next_deadline(&tl.e);
    if (d > t)
      break;
    advance_step(d > tl.now ? d : tl.now);
  }
  advance_step(t);
}

/* The clock jumps without the timer running: the machine was asleep. */
static void jump_to(DbkUsec t) {
  check(t >= tl.now, "test bug: time going back to %s", fmt_time(t));
  tl.now = t;
}

/* After an event the daemon re-arms its timer; a deadline now fires at once. */
static void settle(void) {
  if (!tl.asleep && dbk_engine_next_deadline(&tl.e) <= tl.now)
    advance_step(tl.now);
}

#define EVENT(what, call)                                                                          \
  do {                                                                                             \
    size_t mark_ = tl.n_log;                                                                       \
    GuardedEffects g_;                                                                             \
    guarded_init(&g_);                                                                             \
    DbkEffects *out = &g_.fx;                                                                      \
    call;                                                                                          \
    collect(&g_, what);                                                                            \
    settle();                                                                                      \
    check_state(mark_, what);                                                                      \
  } while (0)

static void ev_activity(void) {
  EVENT("activity", dbk_engine_activity(&tl.e, tl.now, out));
}

static void ev_idle(DbkUsec since) {
  check(since <= tl.now, "test bug: idle since the future");
  EVENT("idle", dbk_engine_idle(&tl.e, tl.now, since, out));
}

static void ev_lock(bool locked) {
  EVENT("lock", dbk_engine_lock(&tl.e, tl.now, locked, out));
}

static void ev_sleep(bool asleep) {
  if (!asleep)
    tl.asleep = false;
  EVENT("sleep", dbk_engine_sleep(&tl.e, tl.now, asleep, out));
  if (asleep)
    tl.asleep = true;
}

static DbkUsec ev_snooze(DbkUsec duration) {
  DbkUsec until = 0;
  EVENT("snooze", until = dbk_engine_snooze(&tl.e, tl.now, duration, out));
  return until;
}

static void ev_pause(DbkUsec duration) {
  EVENT("pause", dbk_engine_pause(&tl.e, tl.now, duration, out));
}

static bool ev_resume(void) {
  bool r = false;
  EVENT("resume", r = dbk_engine_resume(&tl.e, tl.now, out));
  return r;
}

static void ev_take_break(DbkBreakKind how) {
  EVENT("take_break", dbk_engine_take_break(&tl.e, tl.now, how, out));
}

static bool ev_skip(void) {
  bool r = false;
  EVENT("skip", r = dbk_engine_skip(&tl.e, tl.now, out));
  return r;
}

static void ev_settings(const DbkTimerSettings *s) {
  EVENT("settings", dbk_engine_set_settings(&tl.e, tl.now, s, out));
}

/* ---- assertions on the log --------------------------------------------- */

/*
 * The effects logged since `mark` are exactly `expected` (space-separated
 * "show:N", "show" (any times_shown), "close", "break:HOW"), in any order,
 * all at time `at`. "" = none.
 */
static void expect_effects_at_(size_t mark, DbkUsec at, const char *expected) {
  char want[16][32];
  size_t n_want = 0;
  bool used[16] = {false};

  char copy[256];
  snprintf(copy, sizeof copy, "%s", expected);
  for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
    assert_true(n_want < 16);
    snprintf(want[n_want++], sizeof want[0], "%s", tok);
  }

  check(tl.n_log - mark == n_want, "expected %zu effect(s) \"%s\" at %s, got %zu", n_want, expected,
        fmt_time(at), tl.n_log - mark);

  for (size_t i = mark; i < tl.n_log; i++) {
    char got[64];
    effect_to_string(&tl.log[i].effect, got, sizeof got);
    check(tl.log[i].at == at, "effect %s came at %s, expected at %s", got, fmt_time(tl.log[i].at),
          fmt_time(at));
    bool found = false;
    for (size_t j = 0; j < n_want && !found; j++) {
      if (used[j])
        continue;
      if (strcmp(want[j], got) == 0 ||
          (strcmp(want[j], "show") == 0 && strncmp(got, "show:", 5) == 0)) {
        used[j] = found = true;
      }
    }
    check(found, "unexpected effect %s at %s (expected \"%s\")", got, fmt_time(tl.log[i].at),
          expected);
  }
}

static void expect_none_(size_t mark) {
  if (tl.n_log != mark) {
    char got[64];
    effect_to_string(&tl.log[mark].effect, got, sizeof got);
    check(false, "expected no effects, got %s at %s", got, fmt_time(tl.log[mark].at));
  }
}

static size_t count_type(size_t mark, DbkEffectType type) {
  size_t n = 0;
  for (size_t i = mark; i < tl.n_log; i++)
    if (tl.log[i].effect.type == type)
      n++;
  return n;
}

static void expect_state_(DbkState want) {
  DbkState got = dbk_engine_state(&tl.e);
  check(got == want, "state is %s, expected %s", state_name(got), state_name(want));
}

static void expect_sitting_(DbkUsec want) {
  DbkUsec got = dbk_engine_sitting(&tl.e, tl.now);
  check(got == want, "sitting time %" PRIu64 "us, expected %" PRIu64 "us", got, want);
}

static void expect_time_(const char *what, DbkUsec got, DbkUsec want) {
  check(got == want, "%s is %s, expected %s", what, fmt_time(got), fmt_time(want));
}

#define expect_effects_at(...) (expect_line = __LINE__, expect_effects_at_(__VA_ARGS__))
#define expect_none(...) (expect_line = __LINE__, expect_none_(__VA_ARGS__))
#define expect_state(...) (expect_line = __LINE__, expect_state_(__VA_ARGS__))
#define expect_sitting(...) (expect_line = __LINE__, expect_sitting_(__VA_ARGS__))
#define expect_time(...) (expect_line = __LINE__, expect_time_(__VA_ARGS__))

#define MARK() size_t mark = tl.n_log
#define REMARK() (mark = tl.n_log)

/*
 * The common start: first activity at T0, first reminder at T0+30m.
 * Returns that time (the due time D).
 */
static DbkUsec start_and_get_due(void) {
  ev_activity();
  DbkUsec due = T0 + tl.e.settings.interval;
  MARK();
  advance_to(due);
  expect_effects_at(mark, due, "show:1");
  expect_state(DBK_STATE_DUE);
  return due;
}

static int setup_default(void **state) {
  (void)state;
  tl_init(&default_settings);
  return 0;
}

/* ---- session start ----------------------------------------------------- */

static void test_away_until_first_activity(void **state) {
  (void)state;
  MARK();
  expect_state(DBK_STATE_AWAY);
  expect_sitting(0);
  expect_time("next deadline", dbk_engine_next_deadline(&tl.e), DBK_USEC_INFINITY);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), 0);

  /* Hours pass with no input: still no session, nothing to do. */
  advance_to(T0 + 2 * HOUR);
  expect_none(mark);
  expect_state(DBK_STATE_AWAY);
  expect_sitting(0);

  /* Being told the user is idle does not start a session either. */
  ev_idle(T0 + HOUR);
  advance_to(T0 + 3 * HOUR);
  expect_none(mark);
  expect_state(DBK_STATE_AWAY);
  expect_sitting(0);
  expect_time("next deadline", dbk_engine_next_deadline(&tl.e), DBK_USEC_INFINITY);

  /* The first input starts it. */
  ev_activity();
  expect_none(mark);
  expect_state(DBK_STATE_SITTING);
  expect_sitting(0);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), T0 + 3 * HOUR + 30 * MIN);
  advance_to(T0 + 3 * HOUR + 10 * MIN);
  expect_sitting(10 * MIN);
}

static void test_repeated_activity_keeps_session(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  ev_activity();
  expect_sitting(10 * MIN);
  advance_to(T0 + 20 * MIN);
  ev_activity();
  expect_sitting(20 * MIN);
  expect_none(mark);
  advance_to(T0 + 30 * MIN);
  expect_effects_at(mark, T0 + 30 * MIN, "show:1");
}

/* ---- the reminder ------------------------------------------------------ */

static void test_reminder_exactly_at_interval_once(void **state) {
  (void)state;
  MARK();
  ev_activity();
  expect_time("next deadline", dbk_engine_next_deadline(&tl.e), T0 + 30 * MIN);

  advance_to(T0 + 30 * MIN - 1);
  expect_none(mark);
  expect_state(DBK_STATE_SITTING);
  expect_sitting(30 * MIN - 1);

  advance_to(T0 + 30 * MIN);
  expect_effects_at(mark, T0 + 30 * MIN, "show:1");
  expect_state(DBK_STATE_DUE);
  expect_sitting(30 * MIN);

  /* Once: nothing more until remind-again (5m). */
  REMARK();
  advance_to(T0 + 35 * MIN - 1);
  expect_none(mark);
  expect_state(DBK_STATE_DUE);
}

static void test_effects_are_appended(void **state) {
  (void)state;
  DbkEffects out = {.n = 1};
  out.items[0] = (DbkEffect){.type = DBK_EFFECT_BREAK_TAKEN, .how = DBK_BREAK_LOCK};

  dbk_engine_activity(&tl.e, T0, &out);
  assert_int_equal(out.n, 1);
  dbk_engine_advance(&tl.e, T0 + 30 * MIN, &out);
  assert_int_equal(out.n, 2);
  assert_int_equal(out.items[0].type, DBK_EFFECT_BREAK_TAKEN);
  assert_int_equal(out.items[0].how, DBK_BREAK_LOCK);
  assert_int_equal(out.items[1].type, DBK_EFFECT_SHOW_REMINDER);
  assert_int_equal(out.items[1].times_shown, 1);
}

/* ---- short idle and natural breaks ------------------------------------ */

static void test_short_idle_counts_as_sitting(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  ev_idle(T0 + 9 * MIN + 40 * SEC);
  expect_state(DBK_STATE_IDLE);
  advance_to(T0 + 14 * MIN); /* idle 4m20s < natural-break 5m */
  expect_none(mark);
  expect_state(DBK_STATE_IDLE);
  expect_sitting(14 * MIN);

  ev_activity();
  expect_none(mark);
  expect_state(DBK_STATE_SITTING);
  expect_sitting(14 * MIN);

  advance_to(T0 + 30 * MIN);
  expect_effects_at(mark, T0 + 30 * MIN, "show:1");
}

static void test_natural_break(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  ev_idle(T0 + 10 * MIN);
  advance_to(T0 + 15 * MIN - 1);
  expect_none(mark);
  expect_state(DBK_STATE_IDLE);

  advance_to(T0 + 15 * MIN);
  expect_effects_at(mark, T0 + 15 * MIN, "break:natural");
  expect_state(DBK_STATE_AWAY);
  expect_sitting(0);
  expect_time("next deadline", dbk_engine_next_deadline(&tl.e), DBK_USEC_INFINITY);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), 0);

  /* Away for a long time: no reminder, no session. */
  REMARK();
  advance_to(T0 + 2 * HOUR);
  expect_none(mark);
  expect_state(DBK_STATE_AWAY);
  expect_sitting(0);

  /* The next session starts at the next activity. */
  ev_activity();
  expect_state(DBK_STATE_SITTING);
  expect_sitting(0);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), T0 + 2 * HOUR + 30 * MIN);
  advance_to(T0 + 2 * HOUR + 30 * MIN - 1);
  expect_none(mark);
  advance_to(T0 + 2 * HOUR + 30 * MIN);
  expect_effects_at(mark, T0 + 2 * HOUR + 30 * MIN, "show:1");
}

/* idle_since lies in the past: the break falls at idle_since + natural-break. */
static void test_natural_break_counts_from_idle_since(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  ev_idle(T0 + 8 * MIN);
  expect_state(DBK_STATE_IDLE);
  advance_to(T0 + 13 * MIN - 1);
  expect_none(mark);
  advance_to(T0 + 13 * MIN);
  expect_effects_at(mark, T0 + 13 * MIN, "break:natural");
  expect_state(DBK_STATE_AWAY);
}

/* A poll learns late that the user left long ago: the break is taken at once. */
static void test_late_idle_report_takes_natural_break(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 29 * MIN);
  ev_idle(T0 + 20 * MIN);
  expect_effects_at(mark, T0 + 29 * MIN, "break:natural");
  expect_state(DBK_STATE_AWAY);
  expect_sitting(0);

  /* The interval would have passed at T0+30m: no reminder, no session. */
  REMARK();
  advance_to(T0 + 45 * MIN);
  expect_none(mark);
  expect_state(DBK_STATE_AWAY);
  expect_sitting(0);
}

/* The rule holds even when the engine hears of the idle after its own deadline. */
static void test_idle_report_in_time_order(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 29 * MIN);
  /* The timer is late (no advance at T0+30m): the idle report at T0+31m says
   * the user left at T0+20m, so the natural break came at T0+25m, before the
   * reminder's time; no reminder may show. */
  jump_to(T0 + 31 * MIN);
  ev_idle(T0 + 20 * MIN);
  check(count_type(mark, DBK_EFFECT_SHOW_REMINDER) == 0,
        "reminder shown although the natural break came first");
  check(count_type(mark, DBK_EFFECT_BREAK_TAKEN) == 1, "no natural break");
  expect_effects_at(mark, T0 + 31 * MIN, "break:natural");
  expect_state(DBK_STATE_AWAY);
}

/* ---- due, break-length, remind-again ---------------------------------- */

static void test_break_length_while_due(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + MIN);
  ev_idle(due + MIN);
  expect_state(DBK_STATE_DUE); /* due outranks idle */
  advance_to(due + MIN + 30 * SEC - 1);
  expect_none(mark);
  expect_state(DBK_STATE_DUE);

  advance_to(due + MIN + 30 * SEC);
  expect_effects_at(mark, due + MIN + 30 * SEC, "break:break-length close");
  expect_state(DBK_STATE_AWAY);
  expect_sitting(0);
  expect_time("next deadline", dbk_engine_next_deadline(&tl.e), DBK_USEC_INFINITY);

  /* Back at the desk: a new session. */
  REMARK();
  advance_to(due + 3 * MIN);
  expect_none(mark);
  ev_activity();
  expect_state(DBK_STATE_SITTING);
  expect_sitting(0);
  advance_to(due + 33 * MIN);
  expect_effects_at(mark, due + 33 * MIN, "show:1");
}

/* The idle source reports only after its threshold: idle_since in the past. */
static void test_break_length_reported_late(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + 2 * MIN);
  ev_idle(due + MIN + 30 * SEC);
  expect_effects_at(mark, due + 2 * MIN, "break:break-length close");
  expect_state(DBK_STATE_AWAY);
  expect_sitting(0);
}

static void test_short_hands_off_while_due_stays_due(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + MIN);
  ev_idle(due + MIN);
  advance_to(due + MIN + 20 * SEC);
  ev_activity();
  expect_none(mark);
  expect_state(DBK_STATE_DUE);

  /* The 20 s do not add up with a later pause: a fresh 30 s is needed. */
  advance_to(due + 2 * MIN);
  ev_idle(due + 2 * MIN);
  advance_to(due + 2 * MIN + 29 * SEC);
  expect_none(mark);
  ev_activity();
  expect_state(DBK_STATE_DUE);

  advance_to(due + 5 * MIN);
  expect_effects_at(mark, due + 5 * MIN, "show:2");
}

/* Hands-off before the reminder does not count: the break starts at the reminder. */
static void test_hands_off_before_reminder_not_counted(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 29 * MIN);
  ev_idle(T0 + 28 * MIN + 50 * SEC);
  expect_state(DBK_STATE_IDLE);

  DbkUsec due = T0 + 30 * MIN;
  advance_to(due);
  expect_effects_at(mark, due, "show:1");
  expect_state(DBK_STATE_DUE);

  REMARK();
  advance_to(due + 30 * SEC - 1);
  expect_none(mark);
  expect_state(DBK_STATE_DUE);
  advance_to(due + 30 * SEC);
  expect_effects_at(mark, due + 30 * SEC, "break:break-length close");
  expect_state(DBK_STATE_AWAY);
}

/* While due, idle ≥ natural-break is not a natural break; break-length rules. */
static void test_no_natural_break_while_due(void **state) {
  (void)state;
  DbkTimerSettings s = default_settings;
  s.break_length = 10 * MIN; /* longer than natural-break */
  tl_init(&s);

  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + 10 * SEC);
  ev_idle(due + 10 * SEC);
  advance_to(due + 10 * SEC + 5 * MIN);
  advance_to(due + 10 * SEC + 10 * MIN - 1);
  /* No natural break; and remind-again (at due+5m) waits for activity. */
  expect_none(mark);
  expect_state(DBK_STATE_DUE);

  advance_to(due + 10 * SEC + 10 * MIN);
  expect_effects_at(mark, due + 10 * SEC + 10 * MIN, "break:break-length close");
  expect_state(DBK_STATE_AWAY);
  expect_sitting(0);
}

static void test_remind_again_repeats(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + 5 * MIN - 1);
  expect_none(mark);
  advance_to(due + 5 * MIN);
  expect_effects_at(mark, due + 5 * MIN, "show:2");
  REMARK();
  advance_to(due + 10 * MIN - 1);
  expect_none(mark);
  advance_to(due + 10 * MIN);
  expect_effects_at(mark, due + 10 * MIN, "show:3");
  REMARK();
  advance_to(due + 15 * MIN);
  expect_effects_at(mark, due + 15 * MIN, "show:4");
  expect_state(DBK_STATE_DUE);
  expect_sitting(45 * MIN);
}

static void test_remind_again_zero_never_repeats(void **state) {
  (void)state;
  DbkTimerSettings s = default_settings;
  s.remind_again = 0;
  tl_init(&s);

  DbkUsec due = start_and_get_due();
  MARK();
  expect_time("next deadline", dbk_engine_next_deadline(&tl.e), DBK_USEC_INFINITY);
  advance_to(due + 5 * HOUR);
  expect_none(mark);
  expect_state(DBK_STATE_DUE);
}

/* remind-again falls while the user is briefly hands-off: shown at the next input. */
static void test_remind_again_waits_for_activity(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + 4 * MIN + 50 * SEC);
  ev_idle(due + 4 * MIN + 50 * SEC);
  advance_to(due + 5 * MIN + 10 * SEC); /* hands-off 20 s < break-length */
  expect_none(mark);
  expect_state(DBK_STATE_DUE);

  ev_activity();
  expect_effects_at(mark, due + 5 * MIN + 10 * SEC, "show:2");

  /* The next repeat counts from that showing. */
  REMARK();
  advance_to(due + 10 * MIN + 10 * SEC - 1);
  expect_none(mark);
  advance_to(due + 10 * MIN + 10 * SEC);
  expect_effects_at(mark, due + 10 * MIN + 10 * SEC, "show:3");
}

/* ---- snooze ------------------------------------------------------------ */

static void test_snooze_when_due(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + MIN);
  DbkUsec until = ev_snooze(10 * MIN);
  expect_time("snooze end", until, due + 11 * MIN);
  expect_effects_at(mark, due + MIN, "close");
  expect_state(DBK_STATE_SNOOZED);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), due + 11 * MIN);

  /* Sitting time keeps counting; no reminder, not even remind-again. */
  REMARK();
  advance_to(due + 11 * MIN - 1);
  expect_none(mark);
  expect_state(DBK_STATE_SNOOZED);
  expect_sitting(41 * MIN - 1);

  /* At the end, sitting ≥ interval: remind at once. */
  advance_to(due + 11 * MIN);
  expect_effects_at(mark, due + 11 * MIN, "show");
  expect_state(DBK_STATE_DUE);
}

static void test_break_clears_snooze(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  ev_snooze(10 * MIN);
  expect_effects_at(mark, due, "close");

  REMARK();
  advance_to(due + 30 * SEC);
  ev_idle(due + 30 * SEC);
  expect_state(DBK_STATE_SNOOZED); /* snoozed outranks idle */
  advance_to(due + 5 * MIN + 30 * SEC);
  expect_effects_at(mark, due + 5 * MIN + 30 * SEC, "break:natural");
  expect_state(DBK_STATE_AWAY);

  REMARK();
  advance_to(due + 8 * MIN);
  ev_activity();
  expect_state(DBK_STATE_SITTING);
  advance_to(due + 12 * MIN); /* past the old snooze end */
  expect_none(mark);
  expect_state(DBK_STATE_SITTING);
  advance_to(due + 38 * MIN - 1);
  expect_none(mark);
  advance_to(due + 38 * MIN);
  expect_effects_at(mark, due + 38 * MIN, "show:1");
}

static void test_snooze_before_due_delays_reminder(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  DbkUsec until = ev_snooze(30 * MIN);
  expect_time("snooze end", until, T0 + 40 * MIN);
  expect_none(mark);
  expect_state(DBK_STATE_SNOOZED);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), T0 + 40 * MIN);

  advance_to(T0 + 40 * MIN - 1);
  expect_none(mark);
  expect_state(DBK_STATE_SNOOZED);
  expect_sitting(40 * MIN - 1);
  advance_to(T0 + 40 * MIN);
  expect_effects_at(mark, T0 + 40 * MIN, "show:1");
  expect_state(DBK_STATE_DUE);
}

/* A snooze ending before the interval changes nothing. */
static void test_short_snooze_before_due(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  ev_snooze(5 * MIN);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), T0 + 30 * MIN);
  advance_to(T0 + 16 * MIN);
  expect_none(mark);
  expect_state(DBK_STATE_SITTING);
  advance_to(T0 + 30 * MIN - 1);
  expect_none(mark);
  advance_to(T0 + 30 * MIN);
  expect_effects_at(mark, T0 + 30 * MIN, "show:1");
}

/* ---- pause and resume -------------------------------------------------- */

static void test_pause_until_resume(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + MIN);
  ev_pause(0);
  expect_effects_at(mark, due + MIN, "close");
  expect_state(DBK_STATE_PAUSED);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), 0);

  /* No reminders, no repeats; sitting time keeps counting. */
  REMARK();
  advance_to(due + 3 * HOUR);
  expect_none(mark);
  expect_state(DBK_STATE_PAUSED);
  expect_sitting(3 * HOUR + 30 * MIN);

  check(ev_resume(), "resume after pause returned false");
  expect_effects_at(mark, due + 3 * HOUR, "show");
  expect_state(DBK_STATE_DUE);

  /* One reminder, and its repeat comes remind-again after it. */
  REMARK();
  advance_to(due + 3 * HOUR + 5 * MIN - 1);
  expect_none(mark);
  advance_to(due + 3 * HOUR + 5 * MIN);
  check(count_type(mark, DBK_EFFECT_SHOW_REMINDER) == 1, "no repeat 5m after the resume");
}

static void test_pause_tracking_goes_on(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + MIN);
  ev_pause(0);
  expect_none(mark);
  expect_state(DBK_STATE_PAUSED);

  advance_to(T0 + 40 * MIN);
  expect_none(mark);
  expect_sitting(40 * MIN);

  /* A natural break still resets sitting time. */
  ev_idle(T0 + 40 * MIN);
  expect_state(DBK_STATE_PAUSED); /* paused outranks idle */
  advance_to(T0 + 45 * MIN);
  expect_effects_at(mark, T0 + 45 * MIN, "break:natural");
  expect_state(DBK_STATE_PAUSED); /* and away */
  expect_sitting(0);

  REMARK();
  advance_to(T0 + 50 * MIN);
  ev_activity();
  expect_state(DBK_STATE_PAUSED);
  advance_to(T0 + 60 * MIN);
  expect_sitting(10 * MIN);

  /* Resume below the interval: no reminder now, one at the interval. */
  check(ev_resume(), "resume after pause returned false");
  expect_none(mark);
  expect_state(DBK_STATE_SITTING);
  advance_to(T0 + 80 * MIN - 1);
  expect_none(mark);
  advance_to(T0 + 80 * MIN);
  expect_effects_at(mark, T0 + 80 * MIN, "show:1");
}

static void test_timed_pause_expires(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + MIN);
  ev_pause(20 * MIN);
  expect_effects_at(mark, due + MIN, "close");
  expect_state(DBK_STATE_PAUSED);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), due + 21 * MIN);

  REMARK();
  advance_to(due + 21 * MIN - 1);
  expect_none(mark);
  expect_state(DBK_STATE_PAUSED);

  /* The pause ends by itself; sitting ≥ interval: remind at once. */
  advance_to(due + 21 * MIN);
  expect_effects_at(mark, due + 21 * MIN, "show");
  expect_state(DBK_STATE_DUE);
}

static void test_timed_pause_expires_before_interval(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 5 * MIN);
  ev_pause(10 * MIN);
  expect_state(DBK_STATE_PAUSED);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), T0 + 30 * MIN);
  advance_to(T0 + 15 * MIN);
  expect_none(mark);
  expect_state(DBK_STATE_SITTING);
  advance_to(T0 + 30 * MIN);
  expect_effects_at(mark, T0 + 30 * MIN, "show:1");
}

static void test_pause_while_away(void **state) {
  (void)state;
  MARK();
  ev_pause(0);
  expect_state(DBK_STATE_PAUSED); /* paused outranks away */
  advance_to(T0 + HOUR);
  expect_none(mark);
  check(ev_resume(), "resume after pause returned false");
  expect_state(DBK_STATE_AWAY);
  expect_none(mark);
}

static void test_resume_without_pause_or_snooze(void **state) {
  (void)state;
  MARK();
  check(!ev_resume(), "resume with nothing to resume returned true (away)");
  ev_activity();
  advance_to(T0 + 10 * MIN);
  check(!ev_resume(), "resume with nothing to resume returned true (sitting)");
  advance_to(T0 + 30 * MIN);
  REMARK();
  check(!ev_resume(), "resume with nothing to resume returned true (due)");
  expect_none(mark);
  expect_state(DBK_STATE_DUE);

  /* A pause that ran out by itself is nothing to resume. */
  ev_pause(2 * MIN);
  advance_to(T0 + 40 * MIN);
  REMARK();
  check(!ev_resume(), "resume after the pause expired returned true");
  expect_none(mark);
}

static void test_resume_ends_snooze(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  ev_snooze(10 * MIN);
  advance_to(due + 2 * MIN);
  REMARK();
  check(ev_resume(), "resume during a snooze returned false");
  expect_effects_at(mark, due + 2 * MIN, "show");
  expect_state(DBK_STATE_DUE);

  /* The old snooze end means nothing now. */
  REMARK();
  ev_take_break(DBK_BREAK_COMMAND);
  REMARK();
  advance_to(due + 11 * MIN);
  expect_none(mark);
  expect_state(DBK_STATE_SITTING);
}

static void test_resume_snooze_below_interval(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 5 * MIN);
  ev_snooze(HOUR);
  advance_to(T0 + 10 * MIN);
  check(ev_resume(), "resume during a snooze returned false");
  expect_none(mark);
  expect_state(DBK_STATE_SITTING);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), T0 + 30 * MIN);
  advance_to(T0 + 30 * MIN);
  expect_effects_at(mark, T0 + 30 * MIN, "show:1");
}

/* ---- breaks by word, skip ---------------------------------------------- */

static void check_take_break_when_due(DbkBreakKind how, const char *expected) {
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + MIN);
  ev_take_break(how);
  expect_effects_at(mark, due + MIN, expected);
  /* The user is at the keyboard: the next session starts at once. */
  expect_state(DBK_STATE_SITTING);
  expect_sitting(0);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), due + 31 * MIN);

  REMARK();
  advance_to(due + 6 * MIN);
  expect_sitting(5 * MIN);
  advance_to(due + 31 * MIN - 1);
  expect_none(mark);
  advance_to(due + 31 * MIN);
  expect_effects_at(mark, due + 31 * MIN, "show:1");
}

static void test_take_break_command(void **state) {
  (void)state;
  check_take_break_when_due(DBK_BREAK_COMMAND, "break:command close");
}

static void test_take_break_action(void **state) {
  (void)state;
  check_take_break_when_due(DBK_BREAK_ACTION, "break:action close");
}

static void test_take_break_before_due(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  ev_take_break(DBK_BREAK_COMMAND);
  check(count_type(mark, DBK_EFFECT_BREAK_TAKEN) == 1 &&
            tl.log[tl.n_log - 1].effect.type != DBK_EFFECT_SHOW_REMINDER,
        "`deskbreak break` before the reminder is not a break");
  check(count_type(mark, DBK_EFFECT_SHOW_REMINDER) == 0, "reminder shown by a break");
  expect_sitting(0);
  expect_state(DBK_STATE_SITTING);
  REMARK();
  advance_to(T0 + 40 * MIN - 1);
  expect_none(mark);
  advance_to(T0 + 40 * MIN);
  expect_effects_at(mark, T0 + 40 * MIN, "show:1");
}

static void test_take_break_clears_snooze(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  ev_snooze(HOUR);
  advance_to(T0 + 20 * MIN);
  ev_take_break(DBK_BREAK_COMMAND);
  expect_state(DBK_STATE_SITTING);
  REMARK();
  advance_to(T0 + 50 * MIN - 1);
  expect_none(mark);
  advance_to(T0 + 50 * MIN);
  expect_effects_at(mark, T0 + 50 * MIN, "show:1");
}

static void test_skip(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + MIN);
  check(ev_skip(), "skip while due returned false");
  expect_effects_at(mark, due + MIN, "close");
  expect_state(DBK_STATE_SITTING);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), due + 31 * MIN);

  /* Not a break: sitting time goes on. No reminder (nor repeat) for an interval. */
  REMARK();
  advance_to(due + 31 * MIN - 1);
  expect_none(mark);
  expect_sitting(61 * MIN - 1);
  advance_to(due + 31 * MIN);
  expect_effects_at(mark, due + 31 * MIN, "show");
  expect_state(DBK_STATE_DUE);
}

static void test_skip_when_not_due(void **state) {
  (void)state;
  MARK();
  check(!ev_skip(), "skip while away returned true");
  ev_activity();
  advance_to(T0 + 10 * MIN);
  check(!ev_skip(), "skip while sitting returned true");
  expect_none(mark);
  /* And it left the reminder alone. */
  advance_to(T0 + 30 * MIN);
  expect_effects_at(mark, T0 + 30 * MIN, "show:1");
}

/* ---- config changes ---------------------------------------------------- */

static void test_lower_interval_reminds_now(void **state) {
  (void)state;
  DbkTimerSettings s = default_settings;
  s.interval = 60 * MIN;
  tl_init(&s);

  MARK();
  ev_activity();
  advance_to(T0 + 40 * MIN);
  expect_none(mark);
  s.interval = 30 * MIN;
  ev_settings(&s);
  expect_effects_at(mark, T0 + 40 * MIN, "show:1");
  expect_state(DBK_STATE_DUE);

  REMARK();
  advance_to(T0 + 45 * MIN - 1);
  expect_none(mark);
  advance_to(T0 + 45 * MIN);
  expect_effects_at(mark, T0 + 45 * MIN, "show:2");
}

/* A reminder shown late (here: on a config change) still starts the break
 * count when it is shown, not when it would have been due. */
static void test_break_counts_from_late_reminder(void **state) {
  (void)state;
  DbkTimerSettings s = default_settings;
  s.interval = 60 * MIN;
  s.remind_again = 0;
  tl_init(&s);

  MARK();
  ev_activity();
  advance_to(T0 + 40 * MIN);
  s.interval = 30 * MIN;
  ev_settings(&s);
  expect_effects_at(mark, T0 + 40 * MIN, "show:1");

  /* Hands off from 10 s before the reminder, reported 20 s after it. */
  REMARK();
  advance_to(T0 + 40 * MIN + 20 * SEC);
  ev_idle(T0 + 39 * MIN + 50 * SEC);
  expect_none(mark);
  expect_state(DBK_STATE_DUE);
  advance_to(T0 + 40 * MIN + 30 * SEC - 1);
  expect_none(mark);
  advance_to(T0 + 40 * MIN + 30 * SEC);
  expect_effects_at(mark, T0 + 40 * MIN + 30 * SEC, "break:break-length close");
}

static void test_lower_interval_moves_reminder(void **state) {
  (void)state;
  DbkTimerSettings s = default_settings;
  s.interval = 60 * MIN;
  tl_init(&s);

  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  s.interval = 20 * MIN;
  ev_settings(&s);
  expect_none(mark);
  expect_time("next reminder", dbk_engine_next_reminder(&tl.e), T0 + 20 * MIN);
  advance_to(T0 + 20 * MIN);
  expect_effects_at(mark, T0 + 20 * MIN, "show:1");
}

static void test_raise_interval_closes_reminder(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + MIN);
  DbkTimerSettings s = default_settings;
  s.interval = 60 * MIN;
  ev_settings(&s);
  expect_effects_at(mark, due + MIN, "close");
  expect_state(DBK_STATE_SITTING);
  expect_sitting(31 * MIN);

  REMARK();
  advance_to(T0 + 60 * MIN - 1);
  expect_none(mark);
  advance_to(T0 + 60 * MIN);
  expect_effects_at(mark, T0 + 60 * MIN, "show:1");
}

static void test_lower_natural_break_applies_now(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  ev_idle(T0 + 10 * MIN);
  advance_to(T0 + 13 * MIN);
  expect_none(mark);
  DbkTimerSettings s = default_settings;
  s.natural_break = 2 * MIN;
  ev_settings(&s);
  expect_effects_at(mark, T0 + 13 * MIN, "break:natural");
  expect_state(DBK_STATE_AWAY);
}

/* ---- screen lock ------------------------------------------------------- */

static void test_lock_natural_break(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  ev_lock(true);
  advance_to(T0 + 15 * MIN - 1);
  expect_none(mark);
  advance_to(T0 + 15 * MIN);
  expect_effects_at(mark, T0 + 15 * MIN, "break:lock");
  expect_sitting(0);
  check(dbk_engine_state(&tl.e) == DBK_STATE_AWAY, "state %s after a lock break",
        state_name(dbk_engine_state(&tl.e)));

  /* Unlocking is input: the next session starts there. */
  REMARK();
  advance_to(T0 + 20 * MIN);
  ev_lock(false);
  expect_none(mark);
  expect_state(DBK_STATE_SITTING);
  expect_sitting(0);
  advance_to(T0 + 50 * MIN);
  expect_effects_at(mark, T0 + 50 * MIN, "show:1");
}

static void test_short_lock_keeps_session(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  ev_lock(true);
  advance_to(T0 + 12 * MIN);
  ev_lock(false);
  expect_none(mark);
  expect_state(DBK_STATE_SITTING);
  expect_sitting(12 * MIN);
  advance_to(T0 + 30 * MIN);
  expect_effects_at(mark, T0 + 30 * MIN, "show:1");
}

static void test_lock_while_due(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + 10 * SEC);
  ev_lock(true);
  advance_to(due + 40 * SEC - 1);
  expect_none(mark);
  advance_to(due + 40 * SEC);
  expect_effects_at(mark, due + 40 * SEC, "break:lock close");
  check(dbk_engine_state(&tl.e) != DBK_STATE_DUE, "still due");
  expect_sitting(0);
}

static void test_unlock_counts_as_activity(void **state) {
  (void)state;
  MARK();
  /* From away: locked, then unlocked, starts a session. */
  ev_lock(true);
  advance_to(T0 + MIN);
  ev_lock(false);
  expect_state(DBK_STATE_SITTING);
  advance_to(T0 + 3 * MIN);
  expect_sitting(2 * MIN);

  /* Within a session: idle, lock, unlock leaves the user not idle. */
  ev_idle(T0 + 3 * MIN);
  advance_to(T0 + 3 * MIN + 20 * SEC);
  ev_lock(true);
  advance_to(T0 + 4 * MIN);
  ev_lock(false);
  expect_state(DBK_STATE_SITTING);
  expect_sitting(3 * MIN);
  expect_none(mark);

  /* While due, an unlock after a short lock is input: still due. */
  advance_to(T0 + 31 * MIN);
  REMARK();
  ev_lock(true);
  advance_to(T0 + 31 * MIN + 10 * SEC);
  ev_lock(false);
  expect_none(mark);
  expect_state(DBK_STATE_DUE);
}

static void test_input_while_locked_ignored(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  ev_lock(true);
  advance_to(T0 + 11 * MIN);
  ev_activity(); /* someone nudged the mouse on the lock screen */
  advance_to(T0 + 14 * MIN);
  ev_activity();
  advance_to(T0 + 15 * MIN);
  expect_effects_at(mark, T0 + 15 * MIN, "break:lock");
  expect_sitting(0);

  /* Nor does it start a session after the break: only the unlock does. */
  REMARK();
  advance_to(T0 + 20 * MIN);
  ev_activity();
  expect_sitting(0);
  advance_to(T0 + 30 * MIN);
  expect_sitting(0);
  ev_lock(false);
  expect_state(DBK_STATE_SITTING);
  advance_to(T0 + 60 * MIN - 1);
  expect_none(mark);
  expect_sitting(30 * MIN - 1);
  advance_to(T0 + 60 * MIN);
  expect_effects_at(mark, T0 + 60 * MIN, "show:1");
}

/* ---- suspend ----------------------------------------------------------- */

static void check_long_suspend(bool timer_first) {
  MARK();
  ev_activity();
  advance_to(T0 + 28 * MIN);
  ev_sleep(true);
  expect_none(mark);

  /* An hour asleep: the interval passed meanwhile, but no timer ran. */
  jump_to(T0 + HOUR + 28 * MIN);
  if (timer_first) {
    /* CLOCK_BOOTTIME timers fire on wake-up, maybe before logind says so. */
    advance_step(tl.now);
  }
  ev_sleep(false);
  expect_effects_at(mark, T0 + HOUR + 28 * MIN, "break:suspend");
  expect_sitting(0);
  check(dbk_engine_state(&tl.e) != DBK_STATE_DUE, "due after a suspend");

  REMARK();
  ev_activity();
  expect_state(DBK_STATE_SITTING);
  advance_to(T0 + HOUR + 58 * MIN - 1);
  expect_none(mark);
  advance_to(T0 + HOUR + 58 * MIN);
  expect_effects_at(mark, T0 + HOUR + 58 * MIN, "show:1");
}

static void test_long_suspend_is_a_break(void **state) {
  (void)state;
  check_long_suspend(false);
}

static void test_long_suspend_timer_fires_first(void **state) {
  (void)state;
  check_long_suspend(true);
}

static void test_short_suspend_keeps_session(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 10 * MIN);
  ev_sleep(true);
  jump_to(T0 + 12 * MIN);
  ev_sleep(false);
  expect_none(mark);
  check(dbk_engine_state(&tl.e) != DBK_STATE_AWAY, "session lost in a short suspend");
  expect_sitting(12 * MIN);
  ev_activity();
  advance_to(T0 + 30 * MIN - 1);
  expect_none(mark);
  advance_to(T0 + 30 * MIN);
  expect_effects_at(mark, T0 + 30 * MIN, "show:1");
}

/* A short suspend over the reminder's time: the reminder waits for the wake-up. */
static void test_short_suspend_across_interval(void **state) {
  (void)state;
  MARK();
  ev_activity();
  advance_to(T0 + 28 * MIN);
  ev_sleep(true);
  jump_to(T0 + 32 * MIN);
  advance_step(tl.now); /* the timer fires before logind's signal */
  expect_none(mark);
  ev_sleep(false);
  expect_effects_at(mark, T0 + 32 * MIN, "show:1");
  expect_state(DBK_STATE_DUE);

  /* remind-again counts from the showing at the wake-up. */
  REMARK();
  advance_to(T0 + 37 * MIN - 1);
  expect_none(mark);
  advance_to(T0 + 37 * MIN);
  expect_effects_at(mark, T0 + 37 * MIN, "show:2");
}

static void test_suspend_while_due(void **state) {
  (void)state;
  DbkUsec due = start_and_get_due();
  MARK();
  advance_to(due + 10 * SEC);
  ev_sleep(true);
  jump_to(due + 10 * MIN);
  ev_sleep(false);
  expect_effects_at(mark, due + 10 * MIN, "break:suspend close");
  check(dbk_engine_state(&tl.e) != DBK_STATE_DUE, "still due after a suspend");
  expect_sitting(0);
}

/* ---- queries ----------------------------------------------------------- */

static void test_state_precedence(void **state) {
  (void)state;
  /* away; paused > away */
  expect_state(DBK_STATE_AWAY);
  ev_pause(0);
  expect_state(DBK_STATE_PAUSED);
  ev_resume();
  expect_state(DBK_STATE_AWAY);

  /* sitting; idle > sitting */
  ev_activity();
  expect_state(DBK_STATE_SITTING);
  advance_to(T0 + 5 * MIN);
  ev_idle(T0 + 5 * MIN);
  expect_state(DBK_STATE_IDLE);

  /* snoozed > idle; paused > snoozed */
  ev_snooze(10 * MIN);
  expect_state(DBK_STATE_SNOOZED);
  ev_pause(0);
  expect_state(DBK_STATE_PAUSED);
  ev_resume();
  ev_resume(); /* whether one resume ended both is not the point here */
  ev_activity();
  expect_state(DBK_STATE_SITTING);

  /* due > idle */
  advance_to(T0 + 30 * MIN);
  expect_state(DBK_STATE_DUE);
  ev_idle(T0 + 30 * MIN);
  expect_state(DBK_STATE_DUE);
  ev_activity();

  /* paused > due (the pause closes the reminder) */
  ev_pause(HOUR);
  expect_state(DBK_STATE_PAUSED);
}

static void test_idle_threshold(void **state) {
  (void)state;
  assert_int_equal(dbk_engine_idle_threshold(&tl.e), 30 * SEC);

  DbkTimerSettings s = default_settings;
  s.break_length = 10 * MIN;
  s.natural_break = 4 * MIN;
  tl_init(&s);
  assert_int_equal(dbk_engine_idle_threshold(&tl.e), 4 * MIN);

  /* Follows new settings. */
  s.natural_break = 20 * MIN;
  ev_settings(&s);
  assert_int_equal(dbk_engine_idle_threshold(&tl.e), 10 * MIN);
}

static void test_no_wakeups_when_away(void **state) {
  (void)state;
  expect_time("next deadline at start", dbk_engine_next_deadline(&tl.e), DBK_USEC_INFINITY);

  /* After a natural break, with the user still idle. */
  ev_activity();
  advance_to(T0 + MIN);
  ev_idle(T0 + MIN);
  advance_to(T0 + 6 * MIN);
  expect_state(DBK_STATE_AWAY);
  expect_time("next deadline after natural break", dbk_engine_next_deadline(&tl.e),
              DBK_USEC_INFINITY);

  /* After a break-length break. */
  ev_activity();
  advance_to(T0 + 36 * MIN);
  ev_idle(T0 + 36 * MIN);
  advance_to(T0 + 37 * MIN);
  expect_state(DBK_STATE_AWAY);
  expect_time("next deadline after break-length", dbk_engine_next_deadline(&tl.e),
              DBK_USEC_INFINITY);

  /* After a lock break, still locked. */
  ev_lock(false);
  advance_to(T0 + 38 * MIN);
  ev_lock(true);
  advance_to(T0 + 43 * MIN);
  expect_state(DBK_STATE_AWAY);
  expect_time("next deadline after lock break", dbk_engine_next_deadline(&tl.e), DBK_USEC_INFINITY);
}

static void test_next_deadline_while_sitting_and_idle(void **state) {
  (void)state;
  ev_activity();
  expect_time("next deadline", dbk_engine_next_deadline(&tl.e), T0 + 30 * MIN);
  advance_to(T0 + 10 * MIN);
  ev_idle(T0 + 9 * MIN);
  expect_time("next deadline while idle", dbk_engine_next_deadline(&tl.e), T0 + 14 * MIN);
  advance_to(T0 + 11 * MIN);
  ev_activity();
  expect_time("next deadline after idle", dbk_engine_next_deadline(&tl.e), T0 + 30 * MIN);
}

static void test_next_reminder(void **state) {
  (void)state;
  expect_time("away", dbk_engine_next_reminder(&tl.e), 0);
  ev_activity();
  expect_time("sitting", dbk_engine_next_reminder(&tl.e), T0 + 30 * MIN);
  advance_to(T0 + 5 * MIN);
  ev_idle(T0 + 5 * MIN);
  expect_time("idle", dbk_engine_next_reminder(&tl.e), T0 + 30 * MIN);
  ev_activity();
  ev_pause(0);
  expect_time("paused until resume", dbk_engine_next_reminder(&tl.e), 0);
  ev_resume();
  ev_pause(40 * MIN);
  expect_time("paused past the interval", dbk_engine_next_reminder(&tl.e), T0 + 45 * MIN);
  ev_resume();
  ev_pause(10 * MIN);
  expect_time("paused short", dbk_engine_next_reminder(&tl.e), T0 + 30 * MIN);
  ev_resume();
  ev_snooze(HOUR);
  expect_time("snoozed", dbk_engine_next_reminder(&tl.e), T0 + 65 * MIN);
}

static void test_strings(void **state) {
  (void)state;
  assert_string_equal(dbk_state_to_string(DBK_STATE_SITTING), "sitting");
  assert_string_equal(dbk_state_to_string(DBK_STATE_IDLE), "idle");
  assert_string_equal(dbk_state_to_string(DBK_STATE_AWAY), "away");
  assert_string_equal(dbk_state_to_string(DBK_STATE_DUE), "due");
  assert_string_equal(dbk_state_to_string(DBK_STATE_SNOOZED), "snoozed");
  assert_string_equal(dbk_state_to_string(DBK_STATE_PAUSED), "paused");
  assert_string_equal(dbk_break_kind_to_string(DBK_BREAK_BREAK_LENGTH), "break-length");
  assert_string_equal(dbk_break_kind_to_string(DBK_BREAK_ACTION), "action");
  assert_string_equal(dbk_break_kind_to_string(DBK_BREAK_COMMAND), "command");
  assert_string_equal(dbk_break_kind_to_string(DBK_BREAK_NATURAL), "natural");
  assert_string_equal(dbk_break_kind_to_string(DBK_BREAK_LOCK), "lock");
  assert_string_equal(dbk_break_kind_to_string(DBK_BREAK_SUSPEND), "suspend");
}

/* ---- random timelines -------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void) {
  /* xorshift64*: small, fixed, reproducible */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * UINT64_C(2685821657736338717);
}

/* Uniform in [lo, hi]. */
static uint64_t rng_range(uint64_t lo, uint64_t hi) {
  return lo + rng_next() % (hi - lo + 1);
}

static DbkUsec random_step(void) {
  uint64_t r = rng_range(0, 99);
  if (r < 70)
    return rng_range(1 * SEC, 3 * MIN);
  if (r < 95)
    return rng_range(3 * MIN, 40 * MIN);
  return rng_range(40 * MIN, 5 * HOUR);
}

static DbkTimerSettings random_settings(void) {
  DbkTimerSettings s;
  s.interval = rng_range(10 * SEC, 2 * HOUR);
  DbkUsec bl_max = s.interval - SEC < 30 * MIN ? s.interval - SEC : 30 * MIN;
  s.break_length = rng_range(5 * SEC, bl_max);
  s.natural_break = rng_range(10 * SEC, HOUR);
  s.remind_again = rng_range(0, 3) == 0 ? 0 : rng_range(MIN, HOUR);
  s.wait_for_pause = rng_range(0, 1) == 0 ? 0 : rng_range(SEC, 10 * SEC);
  return s;
}

static const char *fmt_dur(DbkUsec d) {
  static char bufs[8][32];
  static unsigned next;
  char *buf = bufs[next++ % 8];
  snprintf(buf, 32, "%" PRIu64 "h%" PRIu64 "m%" PRIu64 "s+%" PRIu64 "us", d / HOUR, d % HOUR / MIN,
           d % MIN / SEC, d % SEC);
  return buf;
}

static void trace_settings(const char *what, const DbkTimerSettings *s) {
  trace_step("%s: interval %s break-length %s natural-break %s remind-again %s", what,
             fmt_dur(s->interval), fmt_dur(s->break_length), fmt_dur(s->natural_break),
             fmt_dur(s->remind_again));
}

static void run_random_timeline(uint64_t seed, unsigned steps) {
  rng_state = seed;
  current_seed = seed;
  n_trace = 0;
  DbkTimerSettings s = default_settings;
  if (rng_range(0, 1))
    s = random_settings();
  tl_init(&s);
  trace_settings("init", &s);

  bool locked = false;
  DbkUsec last_input = tl.now;

  for (unsigned i = 0; i < steps; i++) {
    /* Keep the log small; the invariants are checked call by call. */
    tl.n_log = 0;

    uint64_t r = rng_range(0, 99);
    if (r < 35) {
      DbkUsec t = tl.now + random_step();
      trace_step("%u advance_to %s", i, fmt_time(t));
      advance_to(t);
    } else if (r < 50) {
      trace_step("%u %s activity", i, fmt_time(tl.now));
      ev_activity();
      if (!locked)
        last_input = tl.now;
    } else if (r < 62) {
      DbkUsec since = rng_range(last_input, tl.now);
      trace_step("%u %s idle since %s", i, fmt_time(tl.now), fmt_time(since));
      ev_idle(since);
    } else if (r < 67) {
      locked = !locked;
      trace_step("%u %s lock %d", i, fmt_time(tl.now), locked);
      ev_lock(locked);
      if (!locked)
        last_input = tl.now;
    } else if (r < 70) {
      trace_step("%u %s sleep", i, fmt_time(tl.now));
      ev_sleep(true);
      jump_to(tl.now + random_step());
      if (rng_range(0, 1)) {
        trace_step("%u %s timer fires while still asleep", i, fmt_time(tl.now));
        advance_step(tl.now);
      }
      trace_step("%u %s wake", i, fmt_time(tl.now));
      ev_sleep(false);
    } else if (r < 76) {
      DbkUsec d = rng_range(MIN, HOUR);
      trace_step("%u %s snooze %s", i, fmt_time(tl.now), fmt_dur(d));
      size_t mark = tl.n_log;
      DbkUsec until = ev_snooze(d);
      /* A break in the same call (the user long gone) may clear it at once. */
      check(until == tl.now + d || (until == 0 && count_type(mark, DBK_EFFECT_BREAK_TAKEN) > 0),
            "snooze returned %s, expected now + %s", fmt_time(until), fmt_dur(d));
    } else if (r < 80) {
      DbkUsec d = rng_range(0, 2) == 0 ? 0 : rng_range(MIN, 2 * HOUR);
      trace_step("%u %s pause %s", i, fmt_time(tl.now), fmt_dur(d));
      ev_pause(d);
    } else if (r < 85) {
      trace_step("%u %s resume", i, fmt_time(tl.now));
      ev_resume();
    } else if (r < 89) {
      bool was_due = dbk_engine_state(&tl.e) == DBK_STATE_DUE;
      DbkBreakKind how = rng_range(0, 1) ? DBK_BREAK_ACTION : DBK_BREAK_COMMAND;
      trace_step("%u %s take_break %s", i, fmt_time(tl.now), how_name(how));
      ev_take_break(how);
      check(!was_due || dbk_engine_state(&tl.e) != DBK_STATE_DUE, "take_break left it due");
    } else if (r < 94) {
      bool was_due = dbk_engine_state(&tl.e) == DBK_STATE_DUE;
      trace_step("%u %s skip", i, fmt_time(tl.now));
      bool skipped = ev_skip();
      check(skipped == was_due, "skip returned %d while %sdue", skipped, was_due ? "" : "not ");
    } else {
      s = random_settings();
      trace_settings("settings", &s);
      ev_settings(&s);
      DbkUsec want = s.break_length < s.natural_break ? s.break_length : s.natural_break;
      /* Shorter while a reminder waits for a pause in typing. */
      if (tl.e.waiting_since && s.wait_for_pause && s.wait_for_pause < want)
        want = s.wait_for_pause;
      assert_int_equal(dbk_engine_idle_threshold(&tl.e), want);
    }
    /* The next deadline is never in the past once events are handled. */
    check(dbk_engine_next_deadline(&tl.e) > tl.now, "deadline in the past after step %u", i);
  }
  n_trace = 0;
  current_seed = 0;

  /* The timeline must have exercised the rules, not just idled. */
  print_message("# seed %#" PRIx64 ": %lu shown, %lu closed, breaks: %lu break-length, "
                "%lu action, %lu command, %lu natural, %lu lock, %lu suspend\n",
                seed, tl.n_by_type[DBK_EFFECT_SHOW_REMINDER],
                tl.n_by_type[DBK_EFFECT_CLOSE_REMINDER], tl.n_by_how[DBK_BREAK_BREAK_LENGTH],
                tl.n_by_how[DBK_BREAK_ACTION], tl.n_by_how[DBK_BREAK_COMMAND],
                tl.n_by_how[DBK_BREAK_NATURAL], tl.n_by_how[DBK_BREAK_LOCK],
                tl.n_by_how[DBK_BREAK_SUSPEND]);
  assert_true(tl.n_by_type[DBK_EFFECT_SHOW_REMINDER] > 100);
  for (unsigned how = 0; how <= DBK_BREAK_SUSPEND; how++)
    assert_true(tl.n_by_how[how] > 10);
}

static void test_random_timelines(void **state) {
  (void)state;
  static const uint64_t seeds[] = {
      UINT64_C(0x6465736b62726561), 1, 42, UINT64_C(0x9e3779b97f4a7c15), 20240101, 7777,
  };
  for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
    run_random_timeline(seeds[i], 20000);
}

#define T(name) cmocka_unit_test_setup(name, setup_default)

/* ---- gentle timing: wait for a pause in typing ------------------------- */

static const DbkTimerSettings gentle_settings = {
    .interval = 30 * MIN,
    .break_length = 30 * SEC,
    .natural_break = 5 * MIN,
    .remind_again = 5 * MIN,
    .wait_for_pause = 2 * SEC,
};

static void test_gentle_waits_for_a_pause(void **state) {
  (void)state;
  tl_init(&gentle_settings);
  ev_activity();
  DbkUsec due = T0 + 30 * MIN;
  expect_time("threshold before", dbk_engine_idle_threshold(&tl.e), 30 * SEC);
  MARK();
  /* Typing on through the moment it falls due: nothing yet… */
  advance_to(due + 20 * SEC);
  expect_none(mark);
  expect_state(DBK_STATE_SITTING);
  /* …and the engine asks to hear of a pause of wait-for-pause. */
  expect_time("threshold while waiting", dbk_engine_idle_threshold(&tl.e), 2 * SEC);
  /* The first pause: shown at once, counted from now. */
  ev_idle(due + 18 * SEC);
  expect_effects_at(mark, due + 20 * SEC, "show:1");
  expect_state(DBK_STATE_DUE);
  expect_time("threshold after", dbk_engine_idle_threshold(&tl.e), 30 * SEC);
  /* The break counts from the showing: hands off since before it is not enough. */
  REMARK();
  advance_to(due + 49 * SEC);
  expect_none(mark);
  advance_to(due + 50 * SEC);
  expect_effects_at(mark, due + 50 * SEC, "close break:break-length");
}

static void test_gentle_waits_a_minute_at_most(void **state) {
  (void)state;
  tl_init(&gentle_settings);
  ev_activity();
  DbkUsec due = T0 + 30 * MIN;
  MARK();
  advance_to(due + DBK_WAIT_FOR_PAUSE_MAX - 1);
  expect_none(mark);
  advance_to(due + DBK_WAIT_FOR_PAUSE_MAX);
  expect_effects_at(mark, due + DBK_WAIT_FOR_PAUSE_MAX, "show:1");
}

static void test_gentle_shows_at_once_when_not_typing(void **state) {
  (void)state;
  tl_init(&gentle_settings);
  ev_activity();
  DbkUsec due = T0 + 30 * MIN;
  /* Reading, hands off for a while already. */
  advance_to(due - 40 * SEC);
  ev_idle(due - 70 * SEC);
  MARK();
  advance_to(due);
  expect_effects_at(mark, due, "show:1");
}

static void test_gentle_off_shows_at_the_interval(void **state) {
  (void)state;
  ev_activity();
  MARK();
  advance_to(T0 + 30 * MIN);
  expect_effects_at(mark, T0 + 30 * MIN, "show:1");
}

static void test_gentle_wait_ends_with_snooze_or_break(void **state) {
  (void)state;
  tl_init(&gentle_settings);
  ev_activity();
  DbkUsec due = T0 + 30 * MIN;
  advance_to(due + 5 * SEC);
  MARK();
  DbkUsec until = ev_snooze(10 * MIN);
  expect_time("threshold after snooze", dbk_engine_idle_threshold(&tl.e), 30 * SEC);
  expect_state(DBK_STATE_SNOOZED);
  /* At the end of the snooze it falls due again, and waits again. */
  advance_to(until + 5 * SEC);
  expect_none(mark);
  ev_take_break(DBK_BREAK_COMMAND);
  expect_effects_at(mark, until + 5 * SEC, "break:command");
  expect_time("threshold after break", dbk_engine_idle_threshold(&tl.e), 30 * SEC);
  REMARK();
  advance_to(until + 5 * SEC + 30 * MIN - 1);
  expect_none(mark);
}

static void test_gentle_turned_off_while_waiting(void **state) {
  (void)state;
  tl_init(&gentle_settings);
  ev_activity();
  DbkUsec due = T0 + 30 * MIN;
  advance_to(due + 5 * SEC);
  MARK();
  DbkTimerSettings off = gentle_settings;
  off.wait_for_pause = 0;
  ev_settings(&off);
  expect_effects_at(mark, due + 5 * SEC, "show:1");
}

static void test_gentle_not_while_locked(void **state) {
  (void)state;
  tl_init(&gentle_settings);
  ev_activity();
  DbkUsec due = T0 + 30 * MIN;
  advance_to(due + 5 * SEC);
  ev_lock(true);
  MARK();
  /* Locked: no reminder, and a long lock is a break that ends the wait. */
  advance_to(due + 5 * SEC + 5 * MIN);
  expect_effects_at(mark, due + 5 * SEC + 5 * MIN, "break:lock");
}

/* ---- restart: snapshot and restore (DESIGN §7) ---------------------------- */

/* An engine sitting since T0, snapshot taken at T0 + `sat`. */
static DbkEngineSnapshot snapshot_after(DbkUsec sat, void (*then)(DbkEngine *e, DbkUsec now)) {
  DbkEngine e;
  DbkEffects fx = {0};
  dbk_engine_init(&e, &default_settings);
  dbk_engine_activity(&e, T0, &fx);
  /* As the daemon's timer would: the reminder at its time. */
  if (sat > default_settings.interval)
    dbk_engine_advance(&e, T0 + default_settings.interval, &fx);
  dbk_engine_advance(&e, T0 + sat, &fx);
  if (then)
    then(&e, T0 + sat);
  DbkEngineSnapshot snap;
  dbk_engine_snapshot(&e, T0 + sat, &snap);
  return snap;
}

/* A new daemon, `gap` after the snapshot, on a clock now at `now`. */
static DbkEngine restored(const DbkEngineSnapshot *snap, DbkUsec now, DbkUsec gap, DbkEffects *fx) {
  DbkEngine e;
  dbk_engine_init(&e, &default_settings);
  dbk_engine_restore(&e, now, gap, snap, fx);
  return e;
}

static void test_restore_goes_on_with_the_session(void **state) {
  (void)state;
  DbkEngineSnapshot snap = snapshot_after(10 * MIN, NULL);
  assert_true(snap.in_session);
  assert_int_equal(snap.sitting, 10 * MIN);
  /* Back 1 minute later, on another clock (a reboot): 11 minutes sat. */
  DbkEffects fx = {0};
  DbkEngine e = restored(&snap, 50 * HOUR, 1 * MIN, &fx);
  assert_int_equal(fx.n, 0);
  assert_int_equal(dbk_engine_state(&e), DBK_STATE_SITTING);
  assert_int_equal(dbk_engine_sitting(&e, 50 * HOUR), 11 * MIN);
  assert_int_equal(dbk_engine_next_reminder(&e), 50 * HOUR + 19 * MIN);
}

static void test_restore_long_gap_is_a_natural_break(void **state) {
  (void)state;
  DbkEngineSnapshot snap = snapshot_after(20 * MIN, NULL);
  DbkEffects fx = {0};
  DbkEngine e = restored(&snap, 50 * HOUR, 5 * MIN, &fx);
  assert_int_equal(fx.n, 1);
  assert_int_equal(fx.items[0].type, DBK_EFFECT_BREAK_TAKEN);
  assert_int_equal(fx.items[0].how, DBK_BREAK_NATURAL);
  assert_int_equal(fx.items[0].sitting_end, 50 * HOUR - 5 * MIN);
  assert_int_equal(fx.items[0].session_length, 20 * MIN);
  assert_false(e.in_session);
  assert_int_equal(dbk_engine_state(&e), DBK_STATE_AWAY);
  /* The next input starts a new session. */
  dbk_engine_activity(&e, 50 * HOUR + SEC, &fx);
  assert_int_equal(dbk_engine_sitting(&e, 50 * HOUR + MIN), MIN - SEC);
}

static void snooze_10m(DbkEngine *e, DbkUsec now) {
  DbkEffects fx = {0};
  dbk_engine_snooze(e, now, 10 * MIN, &fx);
}

static void test_restore_snooze_goes_on(void **state) {
  (void)state;
  DbkEngineSnapshot snap = snapshot_after(31 * MIN, snooze_10m);
  assert_false(snap.due);
  assert_int_equal(snap.snooze_left, 10 * MIN);
  DbkEffects fx = {0};
  DbkEngine e = restored(&snap, 50 * HOUR, 2 * MIN, &fx);
  assert_int_equal(dbk_engine_state(&e), DBK_STATE_SNOOZED);
  assert_int_equal(e.snoozed_until, 50 * HOUR + 8 * MIN);
  /* A snooze that ended while the daemon was gone: the reminder at once. */
  fx = (DbkEffects){0};
  snap.snooze_left = 30 * SEC;
  e = restored(&snap, 50 * HOUR, 1 * MIN, &fx);
  assert_int_equal(fx.n, 1);
  assert_int_equal(fx.items[0].type, DBK_EFFECT_SHOW_REMINDER);
  assert_int_equal(fx.items[0].times_shown, 1);
}

static void test_restore_due_is_not_shown_again(void **state) {
  (void)state;
  DbkEngineSnapshot snap = snapshot_after(32 * MIN, NULL);
  assert_true(snap.due);
  assert_int_equal(snap.times_shown, 1);
  assert_int_equal(snap.since_shown, 2 * MIN);
  DbkEffects fx = {0};
  DbkEngine e = restored(&snap, 50 * HOUR, 10 * SEC, &fx);
  assert_int_equal(fx.n, 0);
  assert_int_equal(dbk_engine_state(&e), DBK_STATE_DUE);
  /* Its repeat comes remind-again after it was shown, not after the restart. */
  assert_int_equal(dbk_engine_next_reminder(&e), 50 * HOUR - 10 * SEC - 2 * MIN + 5 * MIN);
}

static void pause_forever(DbkEngine *e, DbkUsec now) {
  DbkEffects fx = {0};
  dbk_engine_pause(e, now, 0, &fx);
}

static void pause_1h(DbkEngine *e, DbkUsec now) {
  DbkEffects fx = {0};
  dbk_engine_pause(e, now, HOUR, &fx);
}

static void test_restore_pause_goes_on(void **state) {
  (void)state;
  DbkEngineSnapshot snap = snapshot_after(MIN, pause_forever);
  assert_true(snap.paused);
  assert_int_equal(snap.pause_left, DBK_USEC_INFINITY);
  DbkEffects fx = {0};
  /* Even after a long gap: the user asked for it until resume. */
  DbkEngine e = restored(&snap, 50 * HOUR, 3 * HOUR, &fx);
  assert_int_equal(dbk_engine_state(&e), DBK_STATE_PAUSED);
  assert_int_equal(e.paused_until, DBK_USEC_INFINITY);

  snap = snapshot_after(MIN, pause_1h);
  assert_int_equal(snap.pause_left, HOUR);
  e = restored(&snap, 50 * HOUR, 2 * MIN, &fx);
  assert_int_equal(e.paused_until, 50 * HOUR + 58 * MIN);
}

static void test_sitting_end(void **state) {
  (void)state;
  DbkEngine e;
  DbkEffects fx = {0};
  dbk_engine_init(&e, &default_settings);
  assert_int_equal(dbk_engine_sitting_end(&e, T0), 0);
  dbk_engine_activity(&e, T0, &fx);
  assert_int_equal(dbk_engine_sitting_end(&e, T0 + MIN), T0 + MIN);
  /* Idle: sitting stops counting when the input did… */
  dbk_engine_idle(&e, T0 + 3 * MIN, T0 + 2 * MIN, &fx);
  assert_int_equal(dbk_engine_sitting_end(&e, T0 + 4 * MIN), T0 + 2 * MIN);
  /* …and a natural break says so. */
  dbk_engine_advance(&e, T0 + 8 * MIN, &fx);
  assert_int_equal(fx.n, 1);
  assert_int_equal(fx.items[0].how, DBK_BREAK_NATURAL);
  assert_int_equal(fx.items[0].sitting_end, T0 + 2 * MIN);
  assert_int_equal(fx.items[0].session_length, 2 * MIN);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_away_until_first_activity),
      T(test_repeated_activity_keeps_session),
      T(test_reminder_exactly_at_interval_once),
      T(test_effects_are_appended),
      T(test_short_idle_counts_as_sitting),
      T(test_natural_break),
      T(test_natural_break_counts_from_idle_since),
      T(test_late_idle_report_takes_natural_break),
      T(test_idle_report_in_time_order),
      T(test_break_length_while_due),
      T(test_break_length_reported_late),
      T(test_short_hands_off_while_due_stays_due),
      T(test_hands_off_before_reminder_not_counted),
      T(test_no_natural_break_while_due),
      T(test_remind_again_repeats),
      T(test_remind_again_zero_never_repeats),
      T(test_remind_again_waits_for_activity),
      T(test_snooze_when_due),
      T(test_break_clears_snooze),
      T(test_snooze_before_due_delays_reminder),
      T(test_short_snooze_before_due),
      T(test_pause_until_resume),
      T(test_pause_tracking_goes_on),
      T(test_timed_pause_expires),
      T(test_timed_pause_expires_before_interval),
      T(test_pause_while_away),
      T(test_resume_without_pause_or_snooze),
      T(test_resume_ends_snooze),
      T(test_resume_snooze_below_interval),
      T(test_take_break_command),
      T(test_take_break_action),
      T(test_take_break_before_due),
      T(test_take_break_clears_snooze),
      T(test_skip),
      T(test_skip_when_not_due),
      T(test_lower_interval_reminds_now),
      T(test_lower_interval_moves_reminder),
      T(test_break_counts_from_late_reminder),
      T(test_raise_interval_closes_reminder),
      T(test_lower_natural_break_applies_now),
      T(test_lock_natural_break),
      T(test_short_lock_keeps_session),
      T(test_lock_while_due),
      T(test_unlock_counts_as_activity),
      T(test_input_while_locked_ignored),
      T(test_long_suspend_is_a_break),
      T(test_long_suspend_timer_fires_first),
      T(test_short_suspend_keeps_session),
      T(test_short_suspend_across_interval),
      T(test_suspend_while_due),
      T(test_state_precedence),
      T(test_idle_threshold),
      T(test_no_wakeups_when_away),
      T(test_next_deadline_while_sitting_and_idle),
      T(test_next_reminder),
      T(test_strings),
      T(test_random_timelines),
      T(test_gentle_waits_for_a_pause),
      T(test_gentle_waits_a_minute_at_most),
      T(test_gentle_shows_at_once_when_not_typing),
      T(test_gentle_off_shows_at_the_interval),
      T(test_gentle_wait_ends_with_snooze_or_break),
      T(test_gentle_turned_off_while_waiting),
      T(test_gentle_not_while_locked),
      cmocka_unit_test(test_restore_goes_on_with_the_session),
      cmocka_unit_test(test_restore_long_gap_is_a_natural_break),
      cmocka_unit_test(test_restore_snooze_goes_on),
      cmocka_unit_test(test_restore_due_is_not_shown_again),
      cmocka_unit_test(test_restore_pause_goes_on),
      cmocka_unit_test(test_sitting_end),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
