/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What `deskbreak` prints (cli/format.c): every state of the status line,
 * the verbose details, the JSON object and its escaping, the replies to
 * snooze and pause, and the stretch listings. Local times are in UTC.
 */
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
  };
  return cmocka_run_group_tests(tests, setup_tz, NULL);
}
