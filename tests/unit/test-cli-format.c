/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What `deskbreak` prints (cli/format.c): every state of the status line,
 * the verbose details, the JSON object and its escaping, the replies to
 * snooze and pause, the stretch listings, the history of `stats` (both
 * bar styles, with and without colour, and its JSON) and every line of
 * `monitor` in every format for every state. Local times are in UTC.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "duration.h"
#include "format.h"
#include "stretches.h"

#define SEC INT64_C(1000000)
#define MIN (60 * SEC)
#define HOUR (60 * MIN)

/* 2024-05-01 14:24:00 UTC, a Wednesday. */
#define NOW (INT64_C(1714573440) * SEC)

/* ---- helpers ---- */

typedef struct {
  char *text;
  size_t size;
  FILE *file;
} Capture;

static FILE *capture_start(Capture *c) {
  c->text = NULL;
  c->size = 0;
  c->file = open_memstream(&c->text, &c->size);
  assert_non_null(c->file);
  return c->file;
}

/* Returns the text written since capture_start(); free() it. */
static char *capture_end(Capture *c) {
  assert_int_equal(fclose(c->file), 0);
  return c->text;
}

static void set_str(DbkCliStatus *s, const char *key, const char *value) {
  DbkValue v = {.kind = DBK_VALUE_STRING, .s = (char *)value};
  assert_int_equal(dbk_cli_status_set(s, key, &v), 0);
}

static void set_u64(DbkCliStatus *s, const char *key, uint64_t value) {
  DbkValue v = {.kind = DBK_VALUE_UINT, .u = value};
  assert_int_equal(dbk_cli_status_set(s, key, &v), 0);
}

static void set_i64(DbkCliStatus *s, const char *key, int64_t value) {
  DbkValue v = {.kind = DBK_VALUE_INT, .i = value};
  assert_int_equal(dbk_cli_status_set(s, key, &v), 0);
}

static void set_bool(DbkCliStatus *s, const char *key, bool value) {
  DbkValue v = {.kind = DBK_VALUE_BOOL, .b = value};
  assert_int_equal(dbk_cli_status_set(s, key, &v), 0);
}

static void set_strv(DbkCliStatus *s, const char *key, const char *const *strv) {
  DbkValue items[8];
  size_t n = 0;

  for (; strv[n]; n++)
    items[n] = (DbkValue){.kind = DBK_VALUE_STRING, .s = (char *)strv[n]};
  DbkValue v = {.kind = DBK_VALUE_ARRAY, .array = {items, n}};
  assert_int_equal(dbk_cli_status_set(s, key, &v), 0);
}

/* A daemon in state `state`, sitting for `sitting` µs, the defaults otherwise. */
static void make_status(DbkCliStatus *s, const char *state, uint64_t sitting) {
  dbk_cli_status_init(s);
  set_str(s, "state", state);
  set_u64(s, "sitting_usec", sitting);
  set_i64(s, "sitting_since", sitting ? NOW - (int64_t)sitting : 0);
  set_u64(s, "interval_usec", 30 * MIN);
  set_i64(s, "next_reminder", 0);
  set_i64(s, "snoozed_until", 0);
  set_i64(s, "paused_until", 0);
  set_str(s, "idle_source", "mutter");
  set_str(s, "config_path", "");
  set_str(s, "config_error", "");
  set_str(s, "next_stretch", "bruegger");
  set_str(s, "version", "0.1.0");
}

static char *status_text(const DbkCliStatus *s, unsigned flags) {
  Capture c;
  dbk_format_status(capture_start(&c), s, NOW, flags);
  return capture_end(&c);
}

static char *json_text(const DbkCliStatus *s) {
  Capture c;
  dbk_format_json(capture_start(&c), s);
  return capture_end(&c);
}

static char *json_string(const char *text) {
  Capture c;
  dbk_json_write_string(capture_start(&c), text);
  return capture_end(&c);
}

static void assert_status(const DbkCliStatus *s, unsigned flags, const char *expected) {
  char *text = status_text(s, flags);
  assert_string_equal(text, expected);
  free(text);
}

static int setup_tz(void **state) {
  (void)state;
  setenv("TZ", "UTC", 1);
  tzset();
  return 0;
}

/* ---- the status line, state by state ---- */

static void test_sitting(void **state) {
  DbkCliStatus s;
  make_status(&s, "sitting", 24 * MIN);
  set_i64(&s, "next_reminder", NOW + 6 * MIN);
  assert_status(&s, 0, "Sitting for 24m \u00b7 next reminder in 6m (every 30m)\n");
  dbk_cli_status_clear(&s);
}

static void test_sitting_zero(void **state) {
  DbkCliStatus s;
  make_status(&s, "sitting", 0);
  set_i64(&s, "next_reminder", NOW + 30 * MIN);
  assert_status(&s, 0, "Just sat down \u00b7 next reminder in 30m (every 30m)\n");
  dbk_cli_status_clear(&s);
}

static void test_sitting_reminder_now(void **state) {
  DbkCliStatus s;
  make_status(&s, "sitting", 30 * MIN);
  /* The daemon is about to remind: a deadline just past or a moment away reads "now". */
  set_i64(&s, "next_reminder", NOW - 200000);
  assert_status(&s, 0, "Sitting for 30m \u00b7 reminder due now (every 30m)\n");
  set_i64(&s, "next_reminder", NOW + 300000);
  assert_status(&s, 0, "Sitting for 30m \u00b7 reminder due now (every 30m)\n");
  dbk_cli_status_clear(&s);
}

static void test_sitting_rounds_to_the_second(void **state) {
  DbkCliStatus s;
  make_status(&s, "sitting", 24 * MIN - 200000);
  set_i64(&s, "next_reminder", NOW + 6 * MIN - 300000);
  assert_status(&s, 0, "Sitting for 24m \u00b7 next reminder in 6m (every 30m)\n");
  dbk_cli_status_clear(&s);
}

static void test_idle(void **state) {
  DbkCliStatus s;
  make_status(&s, "idle", 24 * MIN);
  set_i64(&s, "next_reminder", NOW + 6 * MIN);
  assert_status(&s, 0, "Idle for a moment \u00b7 sitting for 24m \u00b7 next reminder in 6m\n");
  dbk_cli_status_clear(&s);
}

static void test_away(void **state) {
  DbkCliStatus s;
  make_status(&s, "away", 0);
  assert_status(
      &s, 0,
      "Away \u00b7 sitting time starts again when you're back (reminder after 30m of sitting)\n");
  dbk_cli_status_clear(&s);
}

static void test_due(void **state) {
  DbkCliStatus s;
  char expected[512];
  const DbkStretch *bruegger = dbk_stretch_find("bruegger");

  assert_non_null(bruegger);
  make_status(&s, "due", 32 * MIN);
  set_u64(&s, "times_shown", 1);
  snprintf(expected, sizeof(expected),
           "Time for a break \u2014 sitting for 32m\n"
           "Stretch: %s \u00b7 done: deskbreak break \u00b7 later: deskbreak snooze\n",
           bruegger->title);
  assert_status(&s, 0, expected);
  dbk_cli_status_clear(&s);
}

static void test_due_shown_three_times(void **state) {
  DbkCliStatus s;
  char expected[512];
  const DbkStretch *doorway = dbk_stretch_find("doorway");

  assert_non_null(doorway);
  make_status(&s, "due", 42 * MIN);
  set_str(&s, "next_stretch", "doorway");
  set_u64(&s, "times_shown", 3);
  snprintf(expected, sizeof(expected),
           "Time for a break \u2014 sitting for 42m (reminded 3 times)\n"
           "Stretch: %s \u00b7 done: deskbreak break \u00b7 later: deskbreak snooze\n",
           doorway->title);
  assert_status(&s, 0, expected);
  dbk_cli_status_clear(&s);
}

static void test_due_unknown_or_no_stretch(void **state) {
  DbkCliStatus s;
  make_status(&s, "due", 32 * MIN);
  set_str(&s, "next_stretch", "handstand");
  assert_status(&s, 0,
                "Time for a break \u2014 sitting for 32m\n"
                "Stretch: handstand \u00b7 done: deskbreak break \u00b7 later: deskbreak snooze\n");
  set_str(&s, "next_stretch", "");
  assert_status(
      &s, 0,
      "Time for a break \u2014 sitting for 32m\n"
      "Stand up and stretch \u00b7 done: deskbreak break \u00b7 later: deskbreak snooze\n");
  dbk_cli_status_clear(&s);
}

static void test_snoozed(void **state) {
  DbkCliStatus s;
  make_status(&s, "snoozed", 41 * MIN);
  set_i64(&s, "snoozed_until", NOW + 8 * MIN);
  assert_status(&s, 0, "Snoozed for 8m more (until 14:32) \u00b7 sitting for 41m\n");
  set_i64(&s, "snoozed_until", NOW);
  assert_status(&s, 0, "Snooze ending now \u00b7 sitting for 41m\n");
  dbk_cli_status_clear(&s);
}

static void test_paused_until_resume(void **state) {
  DbkCliStatus s;
  make_status(&s, "paused", 41 * MIN);
  set_i64(&s, "paused_until", -1);
  assert_status(&s, 0, "Paused until you resume (deskbreak resume) \u00b7 sitting for 41m\n");
  /* Nobody sitting: no sitting clause. */
  set_u64(&s, "sitting_usec", 0);
  assert_status(&s, 0, "Paused until you resume (deskbreak resume)\n");
  dbk_cli_status_clear(&s);
}

static void test_paused_for(void **state) {
  DbkCliStatus s;
  make_status(&s, "paused", 5 * MIN);
  set_i64(&s, "paused_until", NOW + HOUR);
  assert_status(&s, 0, "Paused for 1h more (until 15:24) \u00b7 sitting for 5m\n");
  /* Past midnight: the weekday says which 08:24. */
  set_i64(&s, "paused_until", NOW + 18 * HOUR);
  assert_status(&s, 0, "Paused for 18h more (until Thu 08:24) \u00b7 sitting for 5m\n");
  dbk_cli_status_clear(&s);
}

static void test_unknown_state(void **state) {
  DbkCliStatus s;
  make_status(&s, "levitating", 3 * MIN);
  assert_status(&s, 0, "State: levitating \u00b7 sitting for 3m\n");
  dbk_cli_status_clear(&s);

  dbk_cli_status_init(&s);
  assert_status(&s, 0, "State: unknown\n");
  dbk_cli_status_clear(&s);
}

static void test_config_error_line(void **state) {
  DbkCliStatus s;
  make_status(&s, "sitting", 24 * MIN);
  set_i64(&s, "next_reminder", NOW + 6 * MIN);
  set_str(&s, "config_error",
          "/home/u/.config/deskbreak/deskbreak.conf: [timer] interval=3x: not a duration");
  assert_status(&s, 0,
                "Sitting for 24m \u00b7 next reminder in 6m (every 30m)\n"
                "Config error: /home/u/.config/deskbreak/deskbreak.conf: [timer] interval=3x: not "
                "a duration\n");
  /* Several errors: one a line, under the label. */
  set_str(&s, "config_error", "interval=3x: not a duration\nurgency=loud: low, normal or critical");
  assert_status(&s, 0,
                "Sitting for 24m \u00b7 next reminder in 6m (every 30m)\n"
                "Config error: interval=3x: not a duration\n"
                "  urgency=loud: low, normal or critical\n");
  dbk_cli_status_clear(&s);
}

static void test_no_idle_source(void **state) {
  DbkCliStatus s;
  make_status(&s, "sitting", 24 * MIN);
  set_i64(&s, "next_reminder", NOW + 6 * MIN);
  set_str(&s, "idle_source", "none");
  assert_status(&s, 0,
                "Sitting for 24m \u00b7 next reminder in 6m (every 30m)\n"
                "No idle detection: every moment counts as sitting\n");
  dbk_cli_status_clear(&s);
}

static void test_verbose(void **state) {
  DbkCliStatus s;
  static const char *const rotation[] = {"bruegger", "doorway", NULL};

  make_status(&s, "sitting", 24 * MIN);
  set_i64(&s, "next_reminder", NOW + 6 * MIN);
  set_str(&s, "idle_source", "logind");
  set_str(&s, "idle_source_detail", "mutter: not running");
  set_str(&s, "config_path", "/home/u/.config/deskbreak/deskbreak.conf");
  set_str(&s, "notification_server", "dunst");
  set_u64(&s, "break_length_usec", 30 * SEC);
  set_u64(&s, "natural_break_usec", 5 * MIN);
  set_u64(&s, "snooze_usec", 10 * MIN);
  set_u64(&s, "remind_again_usec", 0);
  set_strv(&s, "stretches", rotation);
  set_str(&s, "next_stretch", "doorway");
  set_u64(&s, "breaks_today", 3);
  set_u64(&s, "reminders_today", 4);
  set_u64(&s, "snoozes_today", 1);
  set_u64(&s, "skips_today", 0);
  set_bool(&s, "locked", true);
  assert_status(&s, DBK_FORMAT_VERBOSE,
                "Sitting for 24m \u00b7 next reminder in 6m (every 30m)\n"
                "Idle source: logind (mutter: not running)\n"
                "Screen: locked\n"
                "Config: /home/u/.config/deskbreak/deskbreak.conf\n"
                "Notifications: dunst\n"
                "Timer: every 30m \u00b7 break 30s \u00b7 natural break 5m \u00b7 snooze 10m "
                "\u00b7 remind again never\n"
                "Stretches: bruegger, doorway \u00b7 next: doorway\n"
                "Today: 3 breaks \u00b7 4 reminders \u00b7 1 snooze \u00b7 0 skips\n"
                "Version: deskbreakd 0.1.0\n");
  dbk_cli_status_clear(&s);
}

static void test_verbose_defaults_and_no_server(void **state) {
  DbkCliStatus s;
  make_status(&s, "away", 0);
  set_str(&s, "notification_server", "");
  set_str(&s, "next_stretch", "");
  assert_status(
      &s, DBK_FORMAT_VERBOSE,
      "Away \u00b7 sitting time starts again when you're back (reminder after 30m of sitting)\n"
      "Idle source: mutter\n"
      "Config: built-in defaults\n"
      "Notifications: none \u2014 reminders go to the log\n"
      "Timer: every 30m\n"
      "Version: deskbreakd 0.1.0\n");
  dbk_cli_status_clear(&s);
}

/* ---- JSON ---- */

static void test_json_string_escapes(void **state) {
  char *text;

  text = json_string("plain");
  assert_string_equal(text, "\"plain\"");
  free(text);

  text = json_string("quote \" backslash \\ slash /");
  assert_string_equal(text, "\"quote \\\" backslash \\\\ slash /\"");
  free(text);

  text = json_string("\b\f\n\r\t");
  assert_string_equal(text, "\"\\b\\f\\n\\r\\t\"");
  free(text);

  text = json_string("\x01\x1f\x7f");
  assert_string_equal(text, "\"\\u0001\\u001f\x7f\"");
  free(text);

  /* Non-ASCII passes through as UTF-8. */
  text = json_string("caf\u00e9 \u2615 \U0001f9d8 \u2028");
  assert_string_equal(text, "\"caf\u00e9 \u2615 \U0001f9d8 \u2028\"");
  free(text);

  /* Bytes that are not UTF-8 (a lone continuation, a truncated sequence,
   * an overlong form, a surrogate) become U+FFFD escapes. */
  text = json_string("a\x80z \xe2\x98 \xc0\xaf \xed\xa0\x80");
  assert_string_equal(text, "\"a\\ufffdz \\ufffd\\ufffd \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd\"");
  free(text);

  text = json_string(NULL);
  assert_string_equal(text, "\"\"");
  free(text);
}

static void test_json_object(void **state) {
  DbkCliStatus s;
  static const char *const rotation[] = {"bruegger", "doorway", NULL};
  static const char *const none[] = {NULL};
  char *text;

  dbk_cli_status_init(&s);
  /* Out of order on purpose: the object comes out sorted by key. */
  set_str(&s, "state", "paused");
  set_i64(&s, "paused_until", -1);
  set_u64(&s, "sitting_usec", UINT64_MAX);
  set_strv(&s, "stretches", rotation);
  set_bool(&s, "locked", false);
  set_str(&s, "config_error", "line 1\nline \"2\"\t\u00e9");
  set_strv(&s, "empty", none);
  text = json_text(&s);
  assert_string_equal(text, "{\"config_error\":\"line 1\\nline \\\"2\\\"\\t\u00e9\","
                            "\"empty\":[],"
                            "\"locked\":false,"
                            "\"paused_until\":-1,"
                            "\"sitting_usec\":18446744073709551615,"
                            "\"state\":\"paused\","
                            "\"stretches\":[\"bruegger\",\"doorway\"]}\n");
  free(text);
  dbk_cli_status_clear(&s);

  dbk_cli_status_init(&s);
  text = json_text(&s);
  assert_string_equal(text, "{}\n");
  free(text);
  dbk_cli_status_clear(&s);
}

static void test_json_future_keys(void **state) {
  DbkCliStatus s;
  DbkValue ints[] = {{.kind = DBK_VALUE_INT, .i = 1}, {.kind = DBK_VALUE_INT, .i = -2}};
  DbkValue array = {.kind = DBK_VALUE_ARRAY, .array = {ints, 2}};
  DbkValue half = {.kind = DBK_VALUE_DOUBLE, .d = 0.5};
  DbkValue nan = {.kind = DBK_VALUE_DOUBLE, .d = NAN};
  char *text;

  dbk_cli_status_init(&s);
  assert_int_equal(dbk_cli_status_set(&s, "zeta", &array), 0);
  assert_int_equal(dbk_cli_status_set(&s, "half", &half), 0);
  assert_int_equal(dbk_cli_status_set(&s, "not a number", &nan), 0);
  set_str(&s, "key \"with\" quotes\n", "v");
  text = json_text(&s);
  assert_string_equal(text, "{\"half\":0.5,"
                            "\"key \\\"with\\\" quotes\\n\":\"v\","
                            "\"not a number\":null,"
                            "\"zeta\":[1,-2]}\n");
  free(text);
  dbk_cli_status_clear(&s);
}

static void test_status_set_replaces_and_types(void **state) {
  DbkCliStatus s;
  static const char *const first[] = {"bruegger", NULL};
  static const char *const second[] = {"doorway", "seated-twist", NULL};
  char *text;

  dbk_cli_status_init(&s);
  assert_string_equal(s.state, "");
  assert_int_equal(s.n_stretches, 0);
  assert_null(s.stretches[0]);

  set_str(&s, "state", "sitting");
  set_str(&s, "state", "due");
  assert_string_equal(s.state, "due");
  assert_int_equal(s.n_entries, 1);

  set_strv(&s, "stretches", first);
  set_strv(&s, "stretches", second);
  assert_int_equal(s.n_stretches, 2);
  assert_string_equal(s.stretches[0], "doorway");
  assert_string_equal(s.stretches[1], "seated-twist");
  assert_null(s.stretches[2]);
  assert_true(s.present & DBK_HAVE_STRETCHES);

  /* Integers are taken whichever signedness the daemon used, when they fit. */
  set_i64(&s, "sitting_usec", 5 * MIN);
  assert_int_equal(s.sitting_usec, 5 * MIN);
  set_u64(&s, "paused_until", 7);
  assert_int_equal(s.paused_until, 7);
  set_i64(&s, "interval_usec", -1);
  assert_int_equal(s.interval_usec, 0);
  set_u64(&s, "times_shown", UINT64_C(1) << 40);
  assert_int_equal(s.times_shown, 0);

  /* A known key of the wrong type leaves the field alone and still goes to JSON. */
  set_u64(&s, "state", 4);
  assert_string_equal(s.state, "");
  text = json_text(&s);
  assert_non_null(strstr(text, "\"state\":4"));
  free(text);

  assert_false(s.present & DBK_HAVE_TODAY);
  set_u64(&s, "skips_today", 2);
  assert_true(s.present & DBK_HAVE_TODAY);
  dbk_cli_status_clear(&s);
  assert_int_equal(s.n_entries, 0);
  assert_string_equal(s.state, "");
}

/* ---- snooze and pause replies ---- */

static void test_snoozed_reply(void **state) {
  Capture c;
  char *text;

  dbk_format_snoozed(capture_start(&c), 10 * MIN, NOW + 10 * MIN, NOW);
  text = capture_end(&c);
  assert_string_equal(text, "Snoozed for 10m, until 14:34\n");
  free(text);

  /* Snooze(0): the length comes from the reply, a moment after the daemon set it. */
  dbk_format_snoozed(capture_start(&c), 0, NOW + 10 * MIN - 20000, NOW);
  text = capture_end(&c);
  assert_string_equal(text, "Snoozed for 10m, until 14:33\n");
  free(text);
}

static void test_paused_reply(void **state) {
  Capture c;
  char *text;

  dbk_format_paused(capture_start(&c), 0, NOW);
  text = capture_end(&c);
  assert_string_equal(text, "Paused until you resume (deskbreak resume)\n");
  free(text);

  dbk_format_paused(capture_start(&c), HOUR, NOW + 2 * MIN);
  text = capture_end(&c);
  assert_string_equal(text, "Paused for 1h, until 15:26\n");
  free(text);
}

/* ---- times ---- */

static void test_clock(void **state) {
  char buf[DBK_CLOCK_BUF];

  assert_string_equal(dbk_format_clock(NOW, NOW, buf, sizeof(buf)), "14:24");
  assert_string_equal(dbk_format_clock(NOW + 9 * HOUR + 35 * MIN, NOW, buf, sizeof(buf)), "23:59");
  assert_string_equal(dbk_format_clock(NOW + 9 * HOUR + 36 * MIN, NOW, buf, sizeof(buf)),
                      "Thu 00:00");
  assert_string_equal(dbk_format_clock(NOW + 5 * 24 * HOUR, NOW, buf, sizeof(buf)), "Mon 14:24");
  assert_string_equal(dbk_format_clock(NOW + 8 * 24 * HOUR, NOW, buf, sizeof(buf)),
                      "2024-05-09 14:24");
  assert_string_equal(dbk_format_clock(NOW - 24 * HOUR, NOW, buf, sizeof(buf)), "2024-04-30 14:24");
}

static void test_span(void **state) {
  char buf[DBK_DURATION_BUF], expected[DBK_DURATION_BUF];

  assert_string_equal(dbk_format_span(NOW, NOW + 6 * MIN, buf, sizeof(buf)), "6m");
  assert_string_equal(dbk_format_span(NOW, NOW + 6 * MIN - 499999, buf, sizeof(buf)), "6m");
  assert_string_equal(dbk_format_span(NOW, NOW + 45 * SEC + 400000, buf, sizeof(buf)), "45s");
  assert_string_equal(dbk_format_span(NOW, NOW + HOUR + 5 * MIN, buf, sizeof(buf)), "1h 5m");
  /* Nothing left, or already past: whatever zero reads as. */
  dbk_duration_format_human(0, expected, sizeof(expected));
  assert_string_equal(dbk_format_span(NOW, NOW - MIN, buf, sizeof(buf)), expected);
  assert_string_equal(dbk_format_span(NOW, NOW + 400000, buf, sizeof(buf)), expected);
}

/* ---- stretches ---- */

static const DbkStretch sample[] = {
    {"first",
     "The first stretch",
     {"Sit up.", "Breathe.", "Relax."},
     "Hold about 30 s.",
     "Move slowly."},
    {"second-one", "The second", {"Stand.", NULL, NULL}, "Hold 10 s.", NULL},
};

static void test_stretch_list(void **state) {
  static const char *const rotation[] = {"second-one", NULL};
  Capture c;
  char *text;

  dbk_format_stretch_list(capture_start(&c), sample, 2, rotation, false);
  text = capture_end(&c);
  assert_string_equal(
      text, "  first       The first stretch\n"
            "              Hold about 30 s.\n"
            "* second-one  The second\n"
            "              Hold 10 s.\n"
            "\n"
            "* = in the rotation, suggested in turn.\n"
            "Change it with stretches= under [notify] in the config file (deskbreak config path);\n"
            "deskbreak stretch ID shows one in full.\n");
  free(text);
}

static void test_stretch_list_default_and_unknown(void **state) {
  static const char *const rotation[] = {"first", "cartwheel", NULL};
  Capture c;
  char *text;

  dbk_format_stretch_list(capture_start(&c), sample, 2, rotation, true);
  text = capture_end(&c);
  assert_string_equal(
      text, "* first       The first stretch\n"
            "              Hold about 30 s.\n"
            "  second-one  The second\n"
            "              Hold 10 s.\n"
            "* cartwheel   (not known to this deskbreak)\n"
            "\n"
            "* = the default rotation; deskbreakd is not running, so your config is not known.\n"
            "Change it with stretches= under [notify] in the config file (deskbreak config path);\n"
            "deskbreak stretch ID shows one in full.\n");
  free(text);
}

static void test_stretch_list_builtin(void **state) {
  static const char *const rotation[] = {"bruegger", "doorway", NULL};
  const DbkStretch *all;
  size_t n;
  Capture c;
  char *text;

  all = dbk_stretches_builtin(&n);
  assert_int_equal(n, 6);
  dbk_format_stretch_list(capture_start(&c), all, n, rotation, true);
  text = capture_end(&c);
  assert_non_null(strstr(text, "* bruegger  "));
  assert_non_null(strstr(text, "* doorway  "));
  assert_non_null(strstr(text, "  wall-angels  "));
  assert_null(strstr(text, "not known to this"));
  free(text);
}

static void test_stretch_full(void **state) {
  Capture c;
  char *text;

  dbk_format_stretch(capture_start(&c), &sample[0]);
  text = capture_end(&c);
  assert_string_equal(text, "The first stretch (first)\n"
                            "\n"
                            "  1. Sit up.\n"
                            "  2. Breathe.\n"
                            "  3. Relax.\n"
                            "\n"
                            "Hold about 30 s.\n"
                            "Move slowly.\n");
  free(text);

  dbk_format_stretch(capture_start(&c), &sample[1]);
  text = capture_end(&c);
  assert_string_equal(text, "The second (second-one)\n"
                            "\n"
                            "  1. Stand.\n"
                            "\n"
                            "Hold 10 s.\n");
  free(text);
}

/* ---- deskbreak stats ---- */

/* A day with `sitting` µs, the counts given, breaks split as reminded/natural. */
static DbkCliDay make_day(const char *date, uint64_t sitting, uint64_t longest, uint32_t reminded,
                          uint32_t natural, uint32_t reminders, uint32_t snoozes, uint32_t skips) {
  DbkCliDay d;
  memset(&d, 0, sizeof(d));
  snprintf(d.date, sizeof(d.date), "%s", date);
  d.sitting_usec = sitting;
  d.longest_usec = longest;
  d.breaks_by_kind[DBK_BREAK_BREAK_LENGTH] = reminded;
  d.breaks_by_kind[DBK_BREAK_NATURAL] = natural;
  d.breaks = reminded + natural;
  d.reminders = reminders;
  d.snoozes = snoozes;
  d.skips = skips;
  return d;
}

static char *stats_text(const DbkCliDay *days, size_t n, unsigned flags) {
  Capture c;
  dbk_format_stats(capture_start(&c), days, n, flags);
  return capture_end(&c);
}

/* Thu 2024-04-25 to Wed 2024-05-01: a busy day, a quiet weekend, today so far. */
static void make_week(DbkCliDay week[7]) {
  week[0] = make_day("2024-04-25", 5 * HOUR, 50 * MIN, 4, 2, 7, 1, 0);
  week[1] = make_day("2024-04-26", 2 * HOUR + 30 * MIN, 40 * MIN, 3, 1, 4, 0, 1);
  week[2] = make_day("2024-04-27", 0, 0, 0, 0, 0, 0, 0);
  week[3] = make_day("2024-04-28", 20 * SEC, 20 * SEC, 0, 1, 0, 0, 0);
  week[4] = make_day("2024-04-29", 4 * HOUR + 22 * MIN, 45 * MIN, 5, 2, 6, 2, 0);
  week[5] = make_day("2024-04-30", 3 * HOUR + 45 * MIN, 30 * MIN, 6, 0, 6, 0, 0);
  week[6] = make_day("2024-05-01", 3 * HOUR + 12 * MIN, 48 * MIN, 3, 2, 6, 1, 0);
}

static void test_stats_unicode(void **state) {
  DbkCliDay week[7];
  char *text;

  make_week(week);
  text = stats_text(week, 7, DBK_STATS_UNICODE);
  /* 2h 30m of 5h is 10 cells; 4h 22m is 17.47 cells, 17 and 4/8 (▌);
   * 3h 45m 15 cells; 3h 12m 12.8 cells, 12 and 6/8 (▊); 20 s a sliver. */
  assert_string_equal(
      text,
      "Today: sat 3h 12m \u00b7 longest 48m \u00b7 5 breaks (3 when reminded, 2 natural)\n"
      "       6 reminders \u00b7 1 snooze \u00b7 0 skips\n"
      "\n"
      "Day             Sitting                        Breaks  Reminders  Snoozes  Skips\n"
      "Thu 2024-04-25       5h  "
      "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
      "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
      "       6          7        1      0\n"
      "Fri 2024-04-26   2h 30m  "
      "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
      "                 4          4        0      1\n"
      "Sat 2024-04-27        -                             0          0        0      0\n"
      "Sun 2024-04-28      20s  \u258f                          1          0        0      0\n"
      "Mon 2024-04-29   4h 22m  "
      "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
      "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u258c"
      "         7          6        2      0\n"
      "Tue 2024-04-30   3h 45m  "
      "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
      "\u2588\u2588\u2588\u2588\u2588"
      "            6          6        0      0\n"
      "Wed 2024-05-01   3h 12m  "
      "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
      "\u2588\u2588\u258a"
      "              5          6        1      0\n");
  assert_null(strchr(text, '\033'));
  free(text);
}

static void test_stats_ascii(void **state) {
  DbkCliDay week[7];
  char *text;

  make_week(week);
  text = stats_text(week, 7, 0);
  /* Whole cells, rounded; no character outside ASCII anywhere. */
  assert_string_equal(
      text, "Today: sat 3h 12m, longest 48m, 5 breaks (3 when reminded, 2 natural)\n"
            "       6 reminders, 1 snooze, 0 skips\n"
            "\n"
            "Day             Sitting                        Breaks  Reminders  Snoozes  Skips\n"
            "Thu 2024-04-25       5h  ####################       6          7        1      0\n"
            "Fri 2024-04-26   2h 30m  ##########                 4          4        0      1\n"
            "Sat 2024-04-27        -                             0          0        0      0\n"
            "Sun 2024-04-28      20s  #                          1          0        0      0\n"
            "Mon 2024-04-29   4h 22m  #################          7          6        2      0\n"
            "Tue 2024-04-30   3h 45m  ###############            6          6        0      0\n"
            "Wed 2024-05-01   3h 12m  #############              5          6        1      0\n");
  for (const unsigned char *p = (const unsigned char *)text; *p; p++)
    assert_true(*p < 0x80);
  free(text);
}

static void test_stats_colour(void **state) {
  DbkCliDay week[7];
  char *plain, *coloured;

  make_week(week);
  plain = stats_text(week, 7, DBK_STATS_UNICODE);
  coloured = stats_text(week, 7, DBK_STATS_UNICODE | DBK_STATS_COLOUR);
  assert_non_null(strstr(coloured, "\033[1mToday:\033[0m sat 3h 12m"));
  assert_non_null(strstr(coloured, "\033[2mDay "));
  /* Today's date stands out; the bars are coloured, empty ones have no escapes. */
  assert_non_null(strstr(coloured, "\033[1mWed 2024-05-01\033[0m"));
  assert_non_null(strstr(coloured, "\033[36m\u2588"));
  assert_non_null(strstr(coloured, "Sat 2024-04-27        -                             0"));

  /* Take the escapes out and the text is the plain one. */
  char *out = coloured, *in = coloured;
  while (*in) {
    if (*in == '\033') {
      while (*in && *in != 'm')
        in++;
      if (*in)
        in++;
    } else {
      *out++ = *in++;
    }
  }
  *out = '\0';
  assert_string_equal(coloured, plain);
  free(plain);
  free(coloured);
}

static void test_stats_quiet_day_and_odd_input(void **state) {
  DbkCliDay days[2];
  char *text;

  /* Nothing yet today, nothing at all: no bars, no division by zero. */
  days[0] = make_day("2024-04-30", 0, 0, 0, 0, 0, 0, 0);
  days[1] = make_day("2024-05-01", 0, 0, 0, 0, 1, 0, 1);
  text = stats_text(days, 2, DBK_STATS_UNICODE);
  assert_string_equal(
      text, "Today: no sitting yet \u00b7 0 breaks\n"
            "       1 reminder \u00b7 0 snoozes \u00b7 1 skip\n"
            "\n"
            "Day             Sitting                        Breaks  Reminders  Snoozes  Skips\n"
            "Tue 2024-04-30        -                             0          0        0      0\n"
            "Wed 2024-05-01        -                             0          1        0      1\n");
  free(text);

  /* A date this CLI cannot read keeps its place, without a weekday. */
  days[0] = make_day("someday", HOUR, HOUR, 1, 0, 1, 0, 0);
  text = stats_text(days, 1, 0);
  assert_non_null(strstr(text, "\n    someday          1h  ####################       1"));
  free(text);

  /* Nothing at all prints nothing. */
  text = stats_text(days, 0, 0);
  assert_string_equal(text, "");
  free(text);
}

static void test_stats_weekdays(void **state) {
  /* Leap days, year ends, centuries. */
  static const struct {
    const char *date, *weekday;
  } cases[] = {
      {"2024-02-29", "Thu"}, {"2024-03-01", "Fri"}, {"2023-12-31", "Sun"},
      {"2024-01-01", "Mon"}, {"2000-02-29", "Tue"}, {"1900-03-01", "Thu"},
      {"2100-01-01", "Fri"}, {"2024-13-01", "   "}, {"2024-05-01x", "   "},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    DbkCliDay day = make_day(cases[i].date, 0, 0, 0, 0, 0, 0, 0);
    char expected[64], *text = stats_text(&day, 1, 0);
    snprintf(expected, sizeof(expected), "\n%s %-10s ", cases[i].weekday, cases[i].date);
    assert_non_null(strstr(text, expected));
    free(text);
  }
}

static void test_stats_json(void **state) {
  DbkCliDay days[2];
  Capture c;
  char *text;

  days[0] = make_day("2024-04-30", 3 * HOUR, 30 * MIN, 6, 0, 6, 0, 0);
  days[1] = make_day("2024-05-01", UINT64_MAX, 48 * MIN, 3, 2, 6, 1, UINT32_MAX);
  days[1].breaks_by_kind[DBK_BREAK_ACTION] = 1;
  days[1].breaks_by_kind[DBK_BREAK_COMMAND] = 2;
  days[1].breaks_by_kind[DBK_BREAK_LOCK] = 3;
  days[1].breaks_by_kind[DBK_BREAK_SUSPEND] = 4;
  dbk_format_stats_json(capture_start(&c), days, 2);
  text = capture_end(&c);
  assert_string_equal(
      text, "{\"days\":["
            "{\"date\":\"2024-04-30\",\"sitting_usec\":10800000000,\"longest_usec\":1800000000,"
            "\"reminders\":6,\"breaks\":6,\"breaks_by_kind\":{\"break-length\":6,\"action\":0,"
            "\"command\":0,\"natural\":0,\"lock\":0,\"suspend\":0},\"snoozes\":0,\"skips\":0},"
            "{\"date\":\"2024-05-01\",\"sitting_usec\":18446744073709551615,"
            "\"longest_usec\":2880000000,\"reminders\":6,\"breaks\":5,\"breaks_by_kind\":"
            "{\"break-length\":3,\"action\":1,\"command\":2,\"natural\":2,\"lock\":3,"
            "\"suspend\":4},\"snoozes\":1,\"skips\":4294967295}]}\n");
  free(text);

  dbk_format_stats_json(capture_start(&c), days, 0);
  text = capture_end(&c);
  assert_string_equal(text, "{\"days\":[]}\n");
  free(text);

  /* A date is a string like any other: escaped. */
  days[0] = make_day("a\"b\n", 0, 0, 0, 0, 0, 0, 0);
  dbk_format_stats_json(capture_start(&c), days, 1);
  text = capture_end(&c);
  assert_non_null(strstr(text, "{\"date\":\"a\\\"b\\n\","));
  free(text);
}

static void test_day_set(void **state) {
  DbkCliDay day;
  DbkValue date = {.kind = DBK_VALUE_STRING, .s = (char *)"2024-05-01"};
  DbkValue long_date = {.kind = DBK_VALUE_STRING, .s = (char *)"2024-05-01 and a lot more"};
  DbkValue sitting = {.kind = DBK_VALUE_UINT, .u = 3 * HOUR};
  DbkValue signed_count = {.kind = DBK_VALUE_INT, .i = 4};
  DbkValue too_big = {.kind = DBK_VALUE_UINT, .u = UINT64_C(1) << 40};
  DbkValue text = {.kind = DBK_VALUE_STRING, .s = (char *)"5"};

  memset(&day, 0, sizeof(day));
  assert_int_equal(dbk_cli_day_set(&day, "date", &date), 1);
  assert_string_equal(day.date, "2024-05-01");
  assert_int_equal(dbk_cli_day_set(&day, "sitting_usec", &sitting), 1);
  assert_int_equal(day.sitting_usec, 3 * HOUR);
  assert_int_equal(dbk_cli_day_set(&day, "longest_usec", &sitting), 1);
  assert_int_equal(day.longest_usec, 3 * HOUR);
  assert_int_equal(dbk_cli_day_set(&day, "reminders", &signed_count), 1);
  assert_int_equal(dbk_cli_day_set(&day, "breaks", &signed_count), 1);
  assert_int_equal(dbk_cli_day_set(&day, "snoozes", &signed_count), 1);
  assert_int_equal(dbk_cli_day_set(&day, "skips", &signed_count), 1);
  assert_int_equal(day.reminders + day.breaks + day.snoozes + day.skips, 16);

  /* Wrong types and unknown keys leave the day alone. */
  assert_int_equal(dbk_cli_day_set(&day, "skips", &too_big), 0);
  assert_int_equal(dbk_cli_day_set(&day, "skips", &text), 0);
  assert_int_equal(dbk_cli_day_set(&day, "date", &sitting), 0);
  assert_int_equal(dbk_cli_day_set(&day, "standing_usec", &sitting), 0);
  assert_int_equal(day.skips, 4);
  assert_string_equal(day.date, "2024-05-01");

  /* A date too long for a date is cut, not overrun. */
  assert_int_equal(dbk_cli_day_set(&day, "date", &long_date), 1);
  assert_int_equal(strlen(day.date), sizeof(day.date) - 1);
}

static void test_break_kinds(void **state) {
  static const char *const names[] = {"break-length", "action", "command",
                                      "natural",      "lock",   "suspend"};
  assert_int_equal(DBK_BREAK_KINDS, 6);
  for (int i = 0; i < DBK_BREAK_KINDS; i++) {
    assert_string_equal(dbk_break_kind_to_string((DbkBreakKind)i), names[i]);
    assert_int_equal(dbk_break_kind_from_string(names[i]), i);
  }
  assert_string_equal(dbk_break_kind_to_string(DBK_BREAK_KINDS), "unknown");
  assert_int_equal(dbk_break_kind_from_string("teleport"), -1);
}

/* ---- deskbreak monitor ---- */

static char *monitor_line(DbkMonitorFormat format, const DbkCliStatus *s, int64_t now) {
  Capture c;
  dbk_format_monitor(capture_start(&c), format, s, now);
  return capture_end(&c);
}

/* The line of each format for `s` at `now`. */
static void assert_monitor(const DbkCliStatus *s, int64_t now, const char *json, const char *waybar,
                           const char *i3blocks, const char *polybar) {
  static const DbkMonitorFormat formats[] = {DBK_MONITOR_JSON, DBK_MONITOR_WAYBAR,
                                             DBK_MONITOR_I3BLOCKS, DBK_MONITOR_POLYBAR};
  const char *expected[] = {json, waybar, i3blocks, polybar};

  for (size_t i = 0; i < 4; i++) {
    char *line = monitor_line(formats[i], s, now);
    assert_string_equal(line, expected[i]);
    /* One line, whatever it holds. */
    assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
    free(line);
  }
}

/* NOW - 24m, NOW + 6m… as the JSON numbers they are. */
#define T_MINUS_24M "1714572000000000"
#define T_PLUS_6M "1714573800000000"

static void test_monitor_sitting(void **state) {
  DbkCliStatus s;
  make_status(&s, "sitting", 24 * MIN);
  set_i64(&s, "next_reminder", NOW + 6 * MIN);
  assert_monitor(
      &s, NOW,
      "{\"state\":\"sitting\",\"text\":\"24m\",\"tooltip\":\"Sitting for 24m \u00b7 next reminder "
      "in 6m (every 30m)\",\"class\":\"sitting\",\"percentage\":80,\"sitting_usec\":1440000000,"
      "\"sitting_since\":" T_MINUS_24M ",\"interval_usec\":1800000000,\"next_reminder\":" T_PLUS_6M
      ",\"snoozed_until\":0,\"paused_until\":0}\n",
      "{\"text\":\"24m\",\"alt\":\"sitting\",\"tooltip\":\"Sitting for 24m \u00b7 next reminder "
      "in 6m (every 30m)\",\"class\":\"sitting\",\"percentage\":80}\n",
      "24m\n", "24m\n");

  /* Counted on from sitting_since: 90 s later it is the 25th minute, and
   * the 4m 30s to the reminder round to 5m, as the status line does. */
  assert_monitor(
      &s, NOW + 90 * SEC,
      "{\"state\":\"sitting\",\"text\":\"25m\",\"tooltip\":\"Sitting for 25m \u00b7 next reminder "
      "in 5m (every 30m)\",\"class\":\"sitting\",\"percentage\":85,\"sitting_usec\":"
      "1530000000,\"sitting_since\":" T_MINUS_24M ",\"interval_usec\":1800000000,"
      "\"next_reminder\":" T_PLUS_6M ",\"snoozed_until\":0,\"paused_until\":0}\n",
      "{\"text\":\"25m\",\"alt\":\"sitting\",\"tooltip\":\"Sitting for 25m \u00b7 next reminder "
      "in 5m (every 30m)\",\"class\":\"sitting\",\"percentage\":85}\n",
      "25m\n", "25m\n");
  dbk_cli_status_clear(&s);
}

static void test_monitor_sitting_long_and_new(void **state) {
  DbkCliStatus s;
  char *line;

  /* Past the hour, and past the interval (percentage stays 100). */
  make_status(&s, "sitting", HOUR + 5 * MIN + 59 * SEC);
  line = monitor_line(DBK_MONITOR_WAYBAR, &s, NOW);
  assert_non_null(strstr(line, "{\"text\":\"1h 5m\","));
  assert_non_null(strstr(line, "\"percentage\":100}"));
  free(line);
  dbk_cli_status_clear(&s);

  make_status(&s, "sitting", 2 * HOUR);
  line = monitor_line(DBK_MONITOR_I3BLOCKS, &s, NOW);
  assert_string_equal(line, "2h\n");
  free(line);
  dbk_cli_status_clear(&s);

  /* The first minute. */
  make_status(&s, "sitting", 40 * SEC);
  set_i64(&s, "next_reminder", NOW + 30 * MIN - 40 * SEC);
  line = monitor_line(DBK_MONITOR_WAYBAR, &s, NOW);
  assert_string_equal(line, "{\"text\":\"0m\",\"alt\":\"sitting\",\"tooltip\":\"Just sat down "
                            "\u00b7 next reminder in 29m (every 30m)\",\"class\":\"sitting\","
                            "\"percentage\":2}\n");
  free(line);
  dbk_cli_status_clear(&s);
}

static void test_monitor_idle(void **state) {
  DbkCliStatus s;
  make_status(&s, "idle", 24 * MIN);
  set_i64(&s, "next_reminder", NOW + 6 * MIN);
  assert_monitor(
      &s, NOW,
      "{\"state\":\"idle\",\"text\":\"24m\",\"tooltip\":\"Idle for a moment \u00b7 sitting for "
      "24m \u00b7 next reminder in 6m\",\"class\":\"idle\",\"percentage\":80,\"sitting_usec\":"
      "1440000000,\"sitting_since\":" T_MINUS_24M ",\"interval_usec\":1800000000,"
      "\"next_reminder\":" T_PLUS_6M ",\"snoozed_until\":0,\"paused_until\":0}\n",
      "{\"text\":\"24m\",\"alt\":\"idle\",\"tooltip\":\"Idle for a moment \u00b7 sitting for 24m "
      "\u00b7 next reminder in 6m\",\"class\":\"idle\",\"percentage\":80}\n",
      "24m\n", "24m\n");
  dbk_cli_status_clear(&s);
}

static void test_monitor_away(void **state) {
  DbkCliStatus s;
  make_status(&s, "away", 0);
  assert_monitor(
      &s, NOW,
      "{\"state\":\"away\",\"text\":\"away\",\"tooltip\":\"Away \u00b7 sitting time starts again "
      "when you're back (reminder after 30m of sitting)\",\"class\":\"away\",\"percentage\":0,"
      "\"sitting_usec\":0,\"sitting_since\":0,\"interval_usec\":1800000000,\"next_reminder\":0,"
      "\"snoozed_until\":0,\"paused_until\":0}\n",
      "{\"text\":\"away\",\"alt\":\"away\",\"tooltip\":\"Away \u00b7 sitting time starts again "
      "when you're back (reminder after 30m of sitting)\",\"class\":\"away\",\"percentage\":0}\n",
      "away\n", "away\n");
  dbk_cli_status_clear(&s);
}

static void test_monitor_due(void **state) {
  DbkCliStatus s;
  char json[1024], waybar[1024];
  const DbkStretch *bruegger = dbk_stretch_find("bruegger");

  assert_non_null(bruegger);
  make_status(&s, "due", 32 * MIN);
  set_u64(&s, "times_shown", 1);
  /* Two lines of status: the newline escaped in the tooltip. */
  snprintf(json, sizeof(json),
           "{\"state\":\"due\",\"text\":\"stretch!\",\"tooltip\":\"Time for a break \u2014 "
           "sitting for 32m\\nStretch: %s \u00b7 done: deskbreak break \u00b7 later: deskbreak "
           "snooze\",\"class\":\"due\",\"percentage\":100,\"sitting_usec\":1920000000,"
           "\"sitting_since\":1714571520000000,\"interval_usec\":1800000000,\"next_reminder\":0,"
           "\"snoozed_until\":0,\"paused_until\":0}\n",
           bruegger->title);
  snprintf(waybar, sizeof(waybar),
           "{\"text\":\"stretch!\",\"alt\":\"due\",\"tooltip\":\"Time for a break \u2014 sitting "
           "for 32m\\nStretch: %s \u00b7 done: deskbreak break \u00b7 later: deskbreak "
           "snooze\",\"class\":\"due\",\"percentage\":100}\n",
           bruegger->title);
  assert_monitor(&s, NOW, json, waybar, "stretch!\n", "%{F#ed333b}stretch!%{F-}\n");
  dbk_cli_status_clear(&s);
}

static void test_monitor_snoozed(void **state) {
  DbkCliStatus s;
  char *line;

  make_status(&s, "snoozed", 41 * MIN);
  set_i64(&s, "snoozed_until", NOW + 8 * MIN);
  set_i64(&s, "next_reminder", NOW + 8 * MIN);
  assert_monitor(
      &s, NOW,
      "{\"state\":\"snoozed\",\"text\":\"snoozed 8m\",\"tooltip\":\"Snoozed for 8m more (until "
      "14:32) \u00b7 sitting for 41m\",\"class\":\"snoozed\",\"percentage\":100,\"sitting_usec\":"
      "2460000000,\"sitting_since\":1714570980000000,\"interval_usec\":1800000000,"
      "\"next_reminder\":1714573920000000,\"snoozed_until\":1714573920000000,"
      "\"paused_until\":0}\n",
      "{\"text\":\"snoozed 8m\",\"alt\":\"snoozed\",\"tooltip\":\"Snoozed for 8m more (until "
      "14:32) \u00b7 sitting for 41m\",\"class\":\"snoozed\",\"percentage\":100}\n",
      "snoozed 8m\n", "snoozed 8m\n");

  /* Minutes begun: 7m30s left is still 8m, 7m left is 7m, the last seconds 1m. */
  line = monitor_line(DBK_MONITOR_I3BLOCKS, &s, NOW + 30 * SEC);
  assert_string_equal(line, "snoozed 8m\n");
  free(line);
  line = monitor_line(DBK_MONITOR_I3BLOCKS, &s, NOW + MIN);
  assert_string_equal(line, "snoozed 7m\n");
  free(line);
  line = monitor_line(DBK_MONITOR_I3BLOCKS, &s, NOW + 8 * MIN - SEC);
  assert_string_equal(line, "snoozed 1m\n");
  free(line);
  /* Over, and the daemon has not said so yet. */
  line = monitor_line(DBK_MONITOR_POLYBAR, &s, NOW + 9 * MIN);
  assert_string_equal(line, "snoozed\n");
  free(line);
  dbk_cli_status_clear(&s);
}

static void test_monitor_paused(void **state) {
  DbkCliStatus s;

  make_status(&s, "paused", 5 * MIN);
  set_i64(&s, "paused_until", -1);
  assert_monitor(
      &s, NOW,
      "{\"state\":\"paused\",\"text\":\"paused\",\"tooltip\":\"Paused until you resume (deskbreak "
      "resume) \u00b7 sitting for 5m\",\"class\":\"paused\",\"percentage\":16,\"sitting_usec\":"
      "300000000,\"sitting_since\":1714573140000000,\"interval_usec\":1800000000,"
      "\"next_reminder\":0,\"snoozed_until\":0,\"paused_until\":-1}\n",
      "{\"text\":\"paused\",\"alt\":\"paused\",\"tooltip\":\"Paused until you resume (deskbreak "
      "resume) \u00b7 sitting for 5m\",\"class\":\"paused\",\"percentage\":16}\n",
      "paused\n", "paused\n");

  set_i64(&s, "paused_until", NOW + HOUR);
  assert_monitor(
      &s, NOW,
      "{\"state\":\"paused\",\"text\":\"paused 1h\",\"tooltip\":\"Paused for 1h more (until "
      "15:24) \u00b7 sitting for 5m\",\"class\":\"paused\",\"percentage\":16,\"sitting_usec\":"
      "300000000,\"sitting_since\":1714573140000000,\"interval_usec\":1800000000,"
      "\"next_reminder\":0,\"snoozed_until\":0,\"paused_until\":1714577040000000}\n",
      "{\"text\":\"paused 1h\",\"alt\":\"paused\",\"tooltip\":\"Paused for 1h more (until "
      "15:24) \u00b7 sitting for 5m\",\"class\":\"paused\",\"percentage\":16}\n",
      "paused 1h\n", "paused 1h\n");
  dbk_cli_status_clear(&s);
}

static void test_monitor_off(void **state) {
  assert_monitor(NULL, NOW,
                 "{\"state\":\"off\",\"text\":\"off\",\"tooltip\":\"deskbreakd is not running\","
                 "\"class\":\"off\",\"percentage\":0,\"sitting_usec\":0,\"sitting_since\":0,"
                 "\"interval_usec\":0,\"next_reminder\":0,\"snoozed_until\":0,"
                 "\"paused_until\":0}\n",
                 "{\"text\":\"off\",\"alt\":\"off\",\"tooltip\":\"deskbreakd is not running\","
                 "\"class\":\"off\",\"percentage\":0}\n",
                 "off\n", "%{F#808080}off%{F-}\n");
}

static void test_monitor_unknown_state_and_escaping(void **state) {
  DbkCliStatus s;
  char *line;

  /* A state from a newer daemon, with what would break each format. */
  make_status(&s, "float\"ing\n100%", 3 * MIN);
  set_str(&s, "config_error", "bad \\ value\tline 2");
  line = monitor_line(DBK_MONITOR_WAYBAR, &s, NOW);
  assert_string_equal(line, "{\"text\":\"float\\\"ing\\n100%\",\"alt\":\"float\\\"ing\\n100%\","
                            "\"tooltip\":\"State: float\\\"ing\\n100% \u00b7 sitting for 3m\\n"
                            "Config error: bad \\\\ value\\tline 2\",\"class\":"
                            "\"float\\\"ing\\n100%\",\"percentage\":10}\n");
  free(line);
  line = monitor_line(DBK_MONITOR_I3BLOCKS, &s, NOW);
  assert_string_equal(line, "float\"ing 100%\n");
  free(line);
  line = monitor_line(DBK_MONITOR_POLYBAR, &s, NOW);
  assert_string_equal(line, "float\"ing 100%\n");
  free(line);
  dbk_cli_status_clear(&s);

  /* No state at all. */
  dbk_cli_status_init(&s);
  line = monitor_line(DBK_MONITOR_WAYBAR, &s, NOW);
  assert_string_equal(line, "{\"text\":\"unknown\",\"alt\":\"unknown\",\"tooltip\":\"State: "
                            "unknown\",\"class\":\"unknown\",\"percentage\":0}\n");
  free(line);
  dbk_cli_status_clear(&s);
}

/*
 * What a stretch title (the user's own, from [stretch:ID]) or a state name
 * (from a newer daemon) may hold that means something to a bar: each in
 * raw form, as a JSON string, as Pango markup in a JSON string (waybar
 * reads a custom module's text, alt and tooltip as markup; quotes mean
 * nothing outside a tag) and as polybar shows it
 * literally (polybar takes `%{` as the start of a formatting tag and
 * nothing else: a `%%` stays `%%`).
 */
static const struct {
  const char *raw, *json, *markup, *polybar;
} bar_hazards[] = {
    {"Neck & shoulders", "Neck & shoulders", "Neck &amp; shoulders", "Neck & shoulders"},
    {"a<b", "a<b", "a&lt;b", "a<b"},
    {"a>b", "a>b", "a&gt;b", "a>b"},
    {"say \"hi\"", "say \\\"hi\\\"", "say \\\"hi\\\"", "say \"hi\""},
    {"it's", "it's", "it's", "it's"},
    {"100%", "100%", "100%", "100%"},
    {"%{F#f00}red", "%{F#f00}red", "%{F#f00}red", "%%{O0}{F#f00}red"},
    {"&amp; <b>bold</b> %%{F-}", "&amp; <b>bold</b> %%{F-}",
     "&amp;amp; &lt;b&gt;bold&lt;/b&gt; %%{F-}", "&amp; <b>bold</b> %%%{O0}{F-}"},
};

/* The line of `format` for `s`; a message and 1 when it is not `expected`. */
static int check_monitor(DbkMonitorFormat format, const DbkCliStatus *s, const char *expected) {
  char *line = monitor_line(format, s, NOW);
  int bad = strcmp(line, expected) != 0;
  if (bad)
    print_message("format %d:\n  got      %s  expected %s", (int)format, line, expected);
  free(line);
  return bad;
}

/* A title is only in the tooltip: escaped for waybar, raw in JSON, absent
 * from the one-word texts of i3blocks and polybar. */
static void test_monitor_title_markup(void **state) {
  int failures = 0;

  for (size_t i = 0; i < sizeof(bar_hazards) / sizeof(bar_hazards[0]); i++) {
    DbkCliStatus s;
    char json[1024], waybar[1024];

    make_status(&s, "due", 32 * MIN);
    set_str(&s, "next_stretch_title", bar_hazards[i].raw);
    snprintf(json, sizeof(json),
             "{\"state\":\"due\",\"text\":\"stretch!\",\"tooltip\":\"Time for a break \u2014 "
             "sitting for 32m\\nStretch: %s \u00b7 done: deskbreak break \u00b7 later: deskbreak "
             "snooze\",\"class\":\"due\",\"percentage\":100,\"sitting_usec\":1920000000,"
             "\"sitting_since\":1714571520000000,\"interval_usec\":1800000000,\"next_reminder\":0,"
             "\"snoozed_until\":0,\"paused_until\":0}\n",
             bar_hazards[i].json);
    snprintf(waybar, sizeof(waybar),
             "{\"text\":\"stretch!\",\"alt\":\"due\",\"tooltip\":\"Time for a break \u2014 sitting "
             "for 32m\\nStretch: %s \u00b7 done: deskbreak break \u00b7 later: deskbreak "
             "snooze\",\"class\":\"due\",\"percentage\":100}\n",
             bar_hazards[i].markup);
    failures += check_monitor(DBK_MONITOR_JSON, &s, json);
    failures += check_monitor(DBK_MONITOR_WAYBAR, &s, waybar);
    failures += check_monitor(DBK_MONITOR_I3BLOCKS, &s, "stretch!\n");
    failures += check_monitor(DBK_MONITOR_POLYBAR, &s, "%{F#ed333b}stretch!%{F-}\n");
    dbk_cli_status_clear(&s);
  }
  assert_int_equal(failures, 0);
}

/* A state this CLI does not know is the text itself. waybar: markup in
 * text, alt and tooltip; the class stays raw (a CSS class, not markup). */
static void test_monitor_state_waybar_markup(void **state) {
  int failures = 0;

  for (size_t i = 0; i < sizeof(bar_hazards) / sizeof(bar_hazards[0]); i++) {
    DbkCliStatus s;
    char waybar[1024];
    const char *markup = bar_hazards[i].markup;

    make_status(&s, bar_hazards[i].raw, 3 * MIN);
    snprintf(waybar, sizeof(waybar),
             "{\"text\":\"%s\",\"alt\":\"%s\",\"tooltip\":\"State: %s \u00b7 sitting for 3m\","
             "\"class\":\"%s\",\"percentage\":10}\n",
             markup, markup, markup, bar_hazards[i].json);
    failures += check_monitor(DBK_MONITOR_WAYBAR, &s, waybar);
    dbk_cli_status_clear(&s);
  }
  assert_int_equal(failures, 0);
}

/* JSON and i3blocks (plain text unless its config says markup=pango, which
 * the README's snippet does not) carry the state as it is. */
static void test_monitor_state_raw_text(void **state) {
  int failures = 0;

  for (size_t i = 0; i < sizeof(bar_hazards) / sizeof(bar_hazards[0]); i++) {
    DbkCliStatus s;
    char json[1024], i3blocks[256];
    const char *js = bar_hazards[i].json;

    make_status(&s, bar_hazards[i].raw, 3 * MIN);
    snprintf(json, sizeof(json),
             "{\"state\":\"%s\",\"text\":\"%s\",\"tooltip\":\"State: %s \u00b7 sitting for 3m\","
             "\"class\":\"%s\",\"percentage\":10,\"sitting_usec\":180000000,\"sitting_since\":"
             "1714573260000000,\"interval_usec\":1800000000,\"next_reminder\":0,"
             "\"snoozed_until\":0,\"paused_until\":0}\n",
             js, js, js, js);
    snprintf(i3blocks, sizeof(i3blocks), "%s\n", bar_hazards[i].raw);
    failures += check_monitor(DBK_MONITOR_JSON, &s, json);
    failures += check_monitor(DBK_MONITOR_I3BLOCKS, &s, i3blocks);
    dbk_cli_status_clear(&s);
  }
  assert_int_equal(failures, 0);
}

/* polybar: a `%` as it is, a `%{` kept from starting a tag. */
static void test_monitor_state_polybar_literal(void **state) {
  int failures = 0;

  for (size_t i = 0; i < sizeof(bar_hazards) / sizeof(bar_hazards[0]); i++) {
    DbkCliStatus s;
    char polybar[256];

    make_status(&s, bar_hazards[i].raw, 3 * MIN);
    snprintf(polybar, sizeof(polybar), "%s\n", bar_hazards[i].polybar);
    failures += check_monitor(DBK_MONITOR_POLYBAR, &s, polybar);
    dbk_cli_status_clear(&s);
  }
  /* deskbreakd not running: polybar's grey wraps the word, nothing else. */
  failures += check_monitor(DBK_MONITOR_POLYBAR, NULL, "%{F#808080}off%{F-}\n");
  assert_int_equal(failures, 0);
}

static void test_monitor_format_names(void **state) {
  DbkMonitorFormat f = DBK_MONITOR_POLYBAR;

  assert_int_equal(dbk_monitor_format_from_string("json", &f), 0);
  assert_int_equal(f, DBK_MONITOR_JSON);
  assert_int_equal(dbk_monitor_format_from_string("waybar", &f), 0);
  assert_int_equal(f, DBK_MONITOR_WAYBAR);
  assert_int_equal(dbk_monitor_format_from_string("i3blocks", &f), 0);
  assert_int_equal(f, DBK_MONITOR_I3BLOCKS);
  assert_int_equal(dbk_monitor_format_from_string("polybar", &f), 0);
  assert_int_equal(f, DBK_MONITOR_POLYBAR);
  assert_int_equal(dbk_monitor_format_from_string("Waybar", &f), -EINVAL);
  assert_int_equal(dbk_monitor_format_from_string("", &f), -EINVAL);
  assert_int_equal(f, DBK_MONITOR_POLYBAR);
}

static void test_monitor_next_tick(void **state) {
  DbkCliStatus s;

  /* Off and away: a minute from now. */
  assert_int_equal(dbk_monitor_next_tick(NULL, NOW), NOW + MIN);
  make_status(&s, "away", 0);
  assert_int_equal(dbk_monitor_next_tick(&s, NOW + 7), NOW + 7 + MIN);
  dbk_cli_status_clear(&s);

  /* Sitting, idle, due: the next whole minute of sitting time. */
  static const char *const counting[] = {"sitting", "idle", "due", "levitating"};
  for (size_t i = 0; i < sizeof(counting) / sizeof(counting[0]); i++) {
    make_status(&s, counting[i], 24 * MIN + 10 * SEC);
    assert_int_equal(dbk_monitor_next_tick(&s, NOW), NOW + 50 * SEC);
    assert_int_equal(dbk_monitor_next_tick(&s, NOW + 50 * SEC), NOW + 110 * SEC);
    assert_int_equal(dbk_monitor_next_tick(&s, NOW + 50 * SEC - 1), NOW + 50 * SEC);
    dbk_cli_status_clear(&s);
  }

  /* Snoozed: the next whole minute before its end; once past it, sitting's. */
  make_status(&s, "snoozed", 41 * MIN + 20 * SEC);
  set_i64(&s, "snoozed_until", NOW + 8 * MIN + 5 * SEC);
  assert_int_equal(dbk_monitor_next_tick(&s, NOW), NOW + 5 * SEC);
  assert_int_equal(dbk_monitor_next_tick(&s, NOW + 5 * SEC), NOW + 65 * SEC);
  assert_int_equal(dbk_monitor_next_tick(&s, NOW + 9 * MIN), NOW + 9 * MIN + 40 * SEC);
  dbk_cli_status_clear(&s);

  /* Paused for a while: its end's minutes; until resume: sitting's. */
  make_status(&s, "paused", 5 * MIN + 20 * SEC);
  set_i64(&s, "paused_until", NOW + HOUR + 15 * SEC);
  assert_int_equal(dbk_monitor_next_tick(&s, NOW), NOW + 15 * SEC);
  set_i64(&s, "paused_until", -1);
  assert_int_equal(dbk_monitor_next_tick(&s, NOW), NOW + 40 * SEC);
  dbk_cli_status_clear(&s);

  /* A session that starts in the future (a clock set back): still ahead, within a minute. */
  make_status(&s, "sitting", 0);
  set_i64(&s, "sitting_since", NOW + 90 * SEC);
  assert_int_equal(dbk_monitor_next_tick(&s, NOW), NOW + 30 * SEC);
  dbk_cli_status_clear(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sitting),
      cmocka_unit_test(test_sitting_zero),
      cmocka_unit_test(test_sitting_reminder_now),
      cmocka_unit_test(test_sitting_rounds_to_the_second),
      cmocka_unit_test(test_idle),
      cmocka_unit_test(test_away),
      cmocka_unit_test(test_due),
      cmocka_unit_test(test_due_shown_three_times),
      cmocka_unit_test(test_due_unknown_or_no_stretch),
      cmocka_unit_test(test_snoozed),
      cmocka_unit_test(test_paused_until_resume),
      cmocka_unit_test(test_paused_for),
      cmocka_unit_test(test_unknown_state),
      cmocka_unit_test(test_config_error_line),
      cmocka_unit_test(test_no_idle_source),
      cmocka_unit_test(test_verbose),
      cmocka_unit_test(test_verbose_defaults_and_no_server),
      cmocka_unit_test(test_json_string_escapes),
      cmocka_unit_test(test_json_object),
      cmocka_unit_test(test_json_future_keys),
      cmocka_unit_test(test_status_set_replaces_and_types),
      cmocka_unit_test(test_snoozed_reply),
      cmocka_unit_test(test_paused_reply),
      cmocka_unit_test(test_clock),
      cmocka_unit_test(test_span),
      cmocka_unit_test(test_stretch_list),
      cmocka_unit_test(test_stretch_list_default_and_unknown),
      cmocka_unit_test(test_stretch_list_builtin),
      cmocka_unit_test(test_stretch_full),
      cmocka_unit_test(test_stats_unicode),
      cmocka_unit_test(test_stats_ascii),
      cmocka_unit_test(test_stats_colour),
      cmocka_unit_test(test_stats_quiet_day_and_odd_input),
      cmocka_unit_test(test_stats_weekdays),
      cmocka_unit_test(test_stats_json),
      cmocka_unit_test(test_day_set),
      cmocka_unit_test(test_break_kinds),
      cmocka_unit_test(test_monitor_sitting),
      cmocka_unit_test(test_monitor_sitting_long_and_new),
      cmocka_unit_test(test_monitor_idle),
      cmocka_unit_test(test_monitor_away),
      cmocka_unit_test(test_monitor_due),
      cmocka_unit_test(test_monitor_snoozed),
      cmocka_unit_test(test_monitor_paused),
      cmocka_unit_test(test_monitor_off),
      cmocka_unit_test(test_monitor_unknown_state_and_escaping),
      cmocka_unit_test(test_monitor_title_markup),
      cmocka_unit_test(test_monitor_state_waybar_markup),
      cmocka_unit_test(test_monitor_state_raw_text),
      cmocka_unit_test(test_monitor_state_polybar_literal),
      cmocka_unit_test(test_monitor_format_names),
      cmocka_unit_test(test_monitor_next_tick),
  };
  return cmocka_run_group_tests(tests, setup_tz, NULL);
}
