/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What `deskbreak` prints: the status line(s), the JSON object, stretches,
 * the replies to snooze and pause, the history of `deskbreak stats` and the
 * status-bar lines of `deskbreak monitor`. Pure functions: no D-Bus, no
 * clock reads (`now` comes in, unix µs), no environment, output into a
 * FILE; only local time (HH:MM) depends on the process's time zone.
 * bus.c turns the daemon's replies into a DbkCliStatus or DbkCliDay
 * array; the unit tests build them by hand.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "stretches.h"

/* One value of the daemon's GetStatus a{sv}, as far as JSON can carry it. */
typedef enum {
  DBK_VALUE_BOOL,
  DBK_VALUE_INT,    /* n i x (and h, never sent) */
  DBK_VALUE_UINT,   /* y q u t */
  DBK_VALUE_DOUBLE, /* d */
  DBK_VALUE_STRING, /* s o g */
  DBK_VALUE_ARRAY,  /* an array of any of the above */
} DbkValueKind;

typedef struct DbkValue {
  DbkValueKind kind;
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    char *s;
    struct {
      struct DbkValue *items;
      size_t n;
    } array;
  };
} DbkValue;

typedef struct {
  char *key;
  DbkValue value;
} DbkStatusEntry;

/* Which of the known keys the daemon sent (DbkCliStatus.present). */
enum {
  DBK_HAVE_BREAK_LENGTH = 1u << 0,
  DBK_HAVE_NATURAL_BREAK = 1u << 1,
  DBK_HAVE_SNOOZE = 1u << 2,
  DBK_HAVE_REMIND_AGAIN = 1u << 3,
  DBK_HAVE_TODAY = 1u << 4, /* any of the *_today counters */
  DBK_HAVE_NOTIFICATION_SERVER = 1u << 5,
  DBK_HAVE_STRETCHES = 1u << 6,
};

/*
 * A GetStatus snapshot. `entries` holds every key the daemon sent, sorted
 * by key, each once; the fields below are the keys the CLI understands,
 * filled from `entries` by dbk_cli_status_set(). Strings are never NULL
 * ("" when absent) and point into `entries`; numbers are 0 when absent.
 * Times are unix µs, durations µs (see org.deskbreak.Daemon1.xml).
 */
typedef struct {
  DbkStatusEntry *entries;
  size_t n_entries;

  const char *state; /* sitting | idle | away | due | snoozed | paused */
  uint64_t sitting_usec;
  int64_t sitting_since;
  uint64_t interval_usec;
  uint64_t break_length_usec;
  uint64_t natural_break_usec;
  uint64_t snooze_usec;
  uint64_t remind_again_usec;
  int64_t next_reminder;
  int64_t snoozed_until;
  int64_t paused_until; /* -1 = until resume */
  const char *idle_source;
  const char *idle_source_detail;
  bool locked;
  const char *config_path;
  const char *config_error;
  const char *notification_server;
  const char *next_stretch;
  const char *next_stretch_title; /* "" from an older daemon */
  bool held;                      /* due, but held back by do-not-disturb */
  const char *held_reason;
  const char **stretches; /* NULL-terminated, never NULL */
  size_t n_stretches;
  uint32_t times_shown;
  uint32_t breaks_today;
  uint32_t reminders_today;
  uint32_t snoozes_today;
  uint32_t skips_today;
  const char *version;
  unsigned present; /* DBK_HAVE_* */
} DbkCliStatus;

void dbk_cli_status_init(DbkCliStatus *status);
/* Frees what `status` holds and leaves it as after init. */
void dbk_cli_status_clear(DbkCliStatus *status);
/*
 * Stores a copy of `key` = `value` (replacing an earlier value of the same
 * key) and refreshes the typed fields. A known key of an unexpected type is
 * kept for JSON but leaves its field alone. Returns 0 or -ENOMEM.
 */
int dbk_cli_status_set(DbkCliStatus *status, const char *key, const DbkValue *value);

/* Frees what `value` holds (not `value` itself). */
void dbk_value_clear(DbkValue *value);

/* dbk_format_status() flags. */
enum {
  DBK_FORMAT_VERBOSE = 1u << 0, /* idle source, config, notifications, today… */
};

/*
 * The human status: one line for the state, a second one when a break is
 * due, a line each for a config error and for idle source "none"; with
 * DBK_FORMAT_VERBOSE the details follow.
 */
void dbk_format_status(FILE *out, const DbkCliStatus *status, int64_t now, unsigned flags);

/* The status as one JSON object on one line, keys sorted, then "\n". */
void dbk_format_json(FILE *out, const DbkCliStatus *status);
/* `text` as a JSON string (RFC 8259), quotes included. */
void dbk_json_write_string(FILE *out, const char *text);

/* "Snoozed for 10m, until 14:32". */
void dbk_format_snoozed(FILE *out, uint64_t usec, int64_t until, int64_t now);
/* "Paused until you resume (deskbreak resume)" for 0, else "Paused for 1h, until 15:02". */
void dbk_format_paused(FILE *out, uint64_t usec, int64_t now);

/*
 * The catalogue, one stretch to two lines, those in `rotation` (ids,
 * NULL-terminated) marked "*", then a footer on changing the rotation.
 * `rotation_is_default`: the daemon did not answer, `rotation` is
 * DBK_DEFAULT_STRETCHES, and the footer says so.
 */
void dbk_format_stretch_list(FILE *out, const DbkStretch *stretches, size_t n,
                             const char *const *rotation, bool rotation_is_default);
/* One stretch in full: title, numbered steps, hold, safety line. */
void dbk_format_stretch(FILE *out, const DbkStretch *stretch);

/*
 * Local clock time of `at`: "14:32", or "Tue 14:32" when it falls on
 * another day than `now`, "2026-11-22 14:32" beyond the coming week. The
 * time of day and the weekday are the locale's (LC_TIME): "2:32 PM" in
 * en_US, "Di 14:32" in de_DE. Returns `buf`.
 */
char *dbk_format_clock(int64_t at, int64_t now, char *buf, size_t size);
/*
 * The span from `from` to `to` for a person, rounded to the second and
 * written by dbk_duration_format_human(); "0s" when `to` is not later.
 * Returns `buf`.
 */
char *dbk_format_span(int64_t from, int64_t to, char *buf, size_t size);

#define DBK_CLOCK_BUF 64

/* ---- deskbreak stats ---- */

/* Break kinds are the engine's (engine.h): GetHistory's breaks_by_kind keys
 * and BreakTaken's `how` are dbk_break_kind_to_string() of them. */
/* The index of `name`, or -1 for a kind this CLI does not know. */
int dbk_break_kind_from_string(const char *name);

/* One day of GetHistory; zeros where the daemon sent nothing. */
typedef struct {
  char date[16]; /* YYYY-MM-DD, local; "" when not sent */
  uint64_t sitting_usec;
  uint64_t longest_usec;
  uint32_t reminders;
  uint32_t breaks;
  uint32_t breaks_by_kind[DBK_BREAK_KINDS];
  uint32_t snoozes;
  uint32_t skips;
} DbkCliDay;

/*
 * Stores `value` of GetHistory key `key` into `day`. Returns 1, or 0 for a
 * key this CLI does not know or a value of an unexpected type (ignored).
 * breaks_by_kind is a dictionary, which DbkValue cannot hold: bus.c fills
 * it directly.
 */
int dbk_cli_day_set(DbkCliDay *day, const char *key, const DbkValue *value);

/* dbk_format_stats() flags. */
enum {
  DBK_STATS_COLOUR = 1u << 0,  /* ANSI colour (stdout is a terminal, no NO_COLOR) */
  DBK_STATS_UNICODE = 1u << 1, /* block characters for the bars (a UTF-8 locale) */
};

/*
 * The history for a person: "Today: …" (the last day) in two lines, then a
 * table of the days, oldest first, each with a bar of its sitting time
 * scaled to the longest day shown.
 */
void dbk_format_stats(FILE *out, const DbkCliDay *days, size_t n, unsigned flags);
/* The history as one JSON object on one line: {"days":[{…},…]}, then "\n". */
void dbk_format_stats_json(FILE *out, const DbkCliDay *days, size_t n);

/* ---- deskbreak monitor ---- */

typedef enum {
  DBK_MONITOR_JSON,     /* one JSON object a line, every field */
  DBK_MONITOR_WAYBAR,   /* waybar's custom module, "return-type": "json"; Pango markup */
  DBK_MONITOR_I3BLOCKS, /* i3blocks, interval=persist: the text, plain */
  DBK_MONITOR_POLYBAR,  /* polybar's custom/script, tail = true: the text, colour tags */
} DbkMonitorFormat;

/* "json", "waybar", "i3blocks" or "polybar" into `ret`; returns 0 or -EINVAL. */
int dbk_monitor_format_from_string(const char *name, DbkMonitorFormat *ret);

/*
 * One status-bar line, "\n" included, for the snapshot `status` taken
 * earlier, counted on to `now`: sitting time from sitting_since, what is
 * left of a snooze or pause from their ends. NULL: deskbreakd is not
 * running (state "off").
 */
void dbk_format_monitor(FILE *out, DbkMonitorFormat format, const DbkCliStatus *status,
                        int64_t now);

/*
 * When the line for `status` next changes by the clock alone: the next
 * minute of the countdown it shows (sitting time, or what is left of a
 * snooze or pause); otherwise a minute from `now`. Always later than `now`.
 */
int64_t dbk_monitor_next_tick(const DbkCliStatus *status, int64_t now);
