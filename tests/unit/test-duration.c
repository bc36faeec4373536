/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Durations as users write them (DESIGN §2, config/duration.h): parsing,
 * the config-file spelling and the at-a-glance spelling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"

#define SEC UINT64_C(1000000)
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

/* Anything the parser must leave alone on failure. */
#define UNTOUCHED UINT64_C(0xdeadbeefcafe)

static void check_parses(const char *text, uint64_t want) {
  uint64_t got = UNTOUCHED;
  int r = dbk_duration_parse(text, &got);
  if (r != 0)
    fail_msg("\"%s\": returned %d (%s), expected %" PRIu64 " us", text, r, strerror(-r), want);
  if (got != want)
    fail_msg("\"%s\": got %" PRIu64 " us, expected %" PRIu64 " us", text, got, want);
}

static void check_rejects(const char *text, int want) {
  uint64_t got = UNTOUCHED;
  int r = dbk_duration_parse(text, &got);
  if (r != want)
    fail_msg("\"%s\": returned %d, expected %d (%s); value %" PRIu64, text, r, want,
             strerror(-want), got);
  if (got != UNTOUCHED)
    fail_msg("\"%s\": ret_usec written on failure (%" PRIu64 ")", text, got);
}

static void check_format(uint64_t usec, const char *want) {
  char buf[DBK_DURATION_BUF];
  memset(buf, 'x', sizeof buf);
  const char *r = dbk_duration_format(usec, buf, sizeof buf);
  assert_ptr_equal(r, buf);
  if (strcmp(buf, want) != 0)
    fail_msg("format(%" PRIu64 " us) = \"%s\", expected \"%s\"", usec, buf, want);
}

static void check_human(uint64_t usec, const char *want) {
  char buf[DBK_DURATION_BUF];
  memset(buf, 'x', sizeof buf);
  const char *r = dbk_duration_format_human(usec, buf, sizeof buf);
  assert_ptr_equal(r, buf);
  if (strcmp(buf, want) != 0)
    fail_msg("format_human(%" PRIu64 " us) = \"%s\", expected \"%s\"", usec, buf, want);
}

/* Where the header allows two spellings, either will do. */
static void check_human_either(uint64_t usec, const char *a, const char *b) {
  char buf[DBK_DURATION_BUF];
  dbk_duration_format_human(usec, buf, sizeof buf);
  if (strcmp(buf, a) != 0 && strcmp(buf, b) != 0)
    fail_msg("format_human(%" PRIu64 " us) = \"%s\", expected \"%s\" or \"%s\"", usec, buf, a, b);
}

/* ---- parsing ----------------------------------------------------------- */

static void test_parse_design_examples(void **state) {
  (void)state;
  check_parses("45s", 45 * SEC);
  check_parses("30m", 30 * MIN);
  check_parses("1h", HOUR);
  check_parses("1h30m", 90 * MIN);
  check_parses("90min", 90 * MIN);
  check_parses("2h 15m", 2 * HOUR + 15 * MIN);
}

static void test_parse_units(void **state) {
  (void)state;
  check_parses("1s", SEC);
  check_parses("5m", 5 * MIN);
  check_parses("5min", 5 * MIN);
  check_parses("24h", 24 * HOUR);
  check_parses("90s", 90 * SEC);
  check_parses("120m", 2 * HOUR);
  check_parses("1h30m45s", HOUR + 30 * MIN + 45 * SEC);
  check_parses("1h 30m 45s", HOUR + 30 * MIN + 45 * SEC);
  check_parses("1m30s", 90 * SEC);
  check_parses("1h0m5s", HOUR + 5 * SEC);
  check_parses("1h5s", HOUR + 5 * SEC);
}

static void test_parse_bare_number_is_minutes(void **state) {
  (void)state;
  check_parses("10", 10 * MIN);
  check_parses("1", MIN);
  check_parses("30", 30 * MIN);
  check_parses("1440", DAY);
}

static void test_parse_zero(void **state) {
  (void)state;
  check_parses("0", 0);
  check_parses("0s", 0);
  check_parses("0m", 0);
  check_parses("0h", 0);
}

static void test_parse_rejects_bad_syntax(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",    " ",    "m",    "min", "s",     "10x", "1.5h",  "-5m",  "1h30", "1hh", "h1",  "1h-5m",
      "5m!", "1,5h", "1e3s", "abc", "0x10m", "\t",  "1h 30", "30 x", "m30",  "--5", "1.0",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    check_rejects(bad[i], -EINVAL);
}

static void test_parse_rejects_out_of_range(void **state) {
  (void)state;
  /* 366 days is the longest anyone can ask for. */
  assert_int_equal(DBK_DURATION_MAX, 366 * DAY);
  check_parses("8784h", DBK_DURATION_MAX);
  check_parses("527040", DBK_DURATION_MAX); /* bare minutes */
  check_parses("8783h60m", DBK_DURATION_MAX);
  check_rejects("8784h1s", -ERANGE);
  check_rejects("8785h", -ERANGE);
  check_rejects("527041", -ERANGE);
  check_rejects("527041m", -ERANGE);
  check_rejects("31622401s", -ERANGE);
  check_rejects("8000h48000m", -ERANGE); /* each part in range, the sum not */
  /* Overflow while multiplying by the unit, and while reading the digits. */
  check_rejects("18446744073709551615s", -ERANGE);
  check_rejects("18446744073709551615", -ERANGE);
  check_rejects("18446744073709551616", -ERANGE);
  check_rejects("99999999999999999999999999h", -ERANGE);
  check_rejects("307445734561825861m", -ERANGE); /* × 60e6 wraps around */
}

static void test_parse_writes_only_on_success(void **state) {
  (void)state;
  /* The success path writes, the failure path does not (also covered above). */
  uint64_t v = UNTOUCHED;
  assert_int_equal(dbk_duration_parse("5m", &v), 0);
  assert_int_equal(v, 5 * MIN);
  assert_int_equal(dbk_duration_parse("5q", &v), -EINVAL);
  assert_int_equal(v, 5 * MIN);
}

/* ---- the config-file spelling ------------------------------------------ */

static void test_format_exact(void **state) {
  (void)state;
  check_format(0, "0");
  check_format(45 * SEC, "45s");
  check_format(30 * MIN, "30m");
  check_format(HOUR, "1h");
  check_format(90 * MIN, "1h30m");
  check_format(HOUR + 5 * SEC, "1h0m5s");
  check_format(61 * SEC, "1m1s");
  check_format(HOUR + 30 * MIN + 1 * SEC, "1h30m1s");
  check_format(24 * HOUR, "24h");
  check_format(DBK_DURATION_MAX, "8784h");
}

static void test_format_drops_sub_second(void **state) {
  (void)state;
  check_format(1500000, "1s");
  check_format(30 * MIN + 999999, "30m");
  check_format(999999, "0");
  check_format(1, "0");
}

static void check_format_usec(uint64_t usec, const char *want) {
  char buf[DBK_DURATION_BUF];
  memset(buf, 'x', sizeof buf);
  const char *r = dbk_duration_format_usec(usec, buf, sizeof buf);
  assert_ptr_equal(r, buf);
  if (strcmp(buf, want) != 0)
    fail_msg("format_usec(%" PRIu64 " us) = \"%s\", expected \"%s\"", usec, buf, want);
}

/* To the µs, for messages that name a value given over D-Bus. */
static void test_format_usec(void **state) {
  (void)state;
  check_format_usec(0, "0");
  check_format_usec(1, "1µs");
  check_format_usec(999, "999µs");
  check_format_usec(1000, "1ms");
  check_format_usec(500000, "500ms");
  check_format_usec(999999, "999999µs");
  check_format_usec(45 * SEC, "45s");
  check_format_usec(59 * SEC + 500000, "59s500ms");
  check_format_usec(59 * SEC + 999999, "59s999999µs");
  check_format_usec(HOUR + 5 * SEC + 1000, "1h0m5s1ms");
  check_format_usec(7 * DAY + 1, "168h1µs");
  check_format_usec(DBK_DURATION_MAX, "8784h");
  check_format_usec(UINT64_MAX, "5124095576h1m49s551615µs");
  /* A short buffer is truncated, never overrun. */
  char small[8];
  memset(small, 'x', sizeof small);
  dbk_duration_format_usec(HOUR + 30 * MIN + 45 * SEC + 1, small, 6);
  assert_int_equal(small[6], 'x');
  assert_true(memchr(small, '\0', 6) != NULL);
  memset(small, 'x', sizeof small);
  dbk_duration_format_usec(123456, small, 4);
  assert_int_equal(small[4], 'x');
  assert_true(memchr(small, '\0', 4) != NULL);
}

static void test_format_round_trip(void **state) {
  (void)state;
  static const uint64_t values[] = {
      0,
      SEC,
      59 * SEC,
      60 * SEC,
      61 * SEC,
      3599 * SEC,
      HOUR,
      HOUR + SEC,
      HOUR + MIN,
      25 * HOUR + 1 * SEC,
      5 * SEC,
      30 * MIN,
      4 * HOUR,
      DAY,
      DBK_DURATION_MAX - SEC,
      DBK_DURATION_MAX,
  };
  char buf[DBK_DURATION_BUF];
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    dbk_duration_format(values[i], buf, sizeof buf);
    uint64_t back = UNTOUCHED;
    int r = dbk_duration_parse(buf, &back);
    if (r != 0 || back != values[i])
      fail_msg("%" PRIu64 " us -> \"%s\" -> %d, %" PRIu64, values[i], buf, r, back);
  }

  /* And a fixed-seed sweep over whole seconds up to the maximum. */
  uint64_t x = UINT64_C(0x2545f4914f6cdd1d);
  for (int i = 0; i < 20000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    uint64_t v = (x % (DBK_DURATION_MAX / SEC + 1)) * SEC;
    if (i % 2)
      v %= 2 * DAY; /* the range people really use, too */
    v -= v % SEC;
    dbk_duration_format(v, buf, sizeof buf);
    uint64_t back = UNTOUCHED;
    int r = dbk_duration_parse(buf, &back);
    if (r != 0 || back != v)
      fail_msg("%" PRIu64 " us -> \"%s\" -> %d, %" PRIu64, v, buf, r, back);
  }
}

static void test_format_fits_buffer(void **state) {
  (void)state;
  /* The largest value still fits DBK_DURATION_BUF, terminated. */
  char buf[DBK_DURATION_BUF];
  dbk_duration_format(UINT64_MAX, buf, sizeof buf);
  assert_true(memchr(buf, '\0', sizeof buf) != NULL);
  assert_true(strlen(buf) > 0);
  dbk_duration_format_human(UINT64_MAX, buf, sizeof buf);
  assert_true(memchr(buf, '\0', sizeof buf) != NULL);
  assert_true(strlen(buf) > 0);

  /* A short buffer is truncated, never overrun. */
  char small[5];
  memset(small, 'x', sizeof small);
  dbk_duration_format(HOUR + 30 * MIN + 45 * SEC, small, 4);
  assert_int_equal(small[4], 'x');
  assert_true(memchr(small, '\0', 4) != NULL);
}

/* ---- the at-a-glance spelling ------------------------------------------ */

static void test_format_human(void **state) {
  (void)state;
  check_human(24 * MIN, "24m");
  check_human(HOUR + 5 * MIN, "1h 5m");
  check_human(45 * SEC, "45s");
  check_human(2 * DAY + 3 * HOUR, "2d 3h");
  check_human(HOUR, "1h");
  check_human(2 * MIN, "2m");
  check_human(59 * SEC, "59s");
  /* Minutes and seconds: two units, or minutes alone, are both "at most two". */
  check_human_either(24 * MIN + 20 * SEC, "24m 20s", "24m");
  check_human(DAY, "1d");
}

static void test_format_human_rounds_to_two_units(void **state) {
  (void)state;
  /* Below half of the dropped unit: down. */
  check_human(HOUR + 5 * MIN + 20 * SEC, "1h 5m");
  check_human(2 * DAY + 3 * HOUR + 10 * MIN, "2d 3h");
  /* Above half: up. */
  check_human(HOUR + 5 * MIN + 40 * SEC, "1h 6m");
  check_human(2 * DAY + 3 * HOUR + 50 * MIN, "2d 4h");
  /* Rounding carries into the larger unit, and a zero unit is left out. */
  check_human(HOUR + 59 * MIN + 45 * SEC, "2h");
  check_human(DAY + 23 * HOUR + 50 * MIN, "2d");
  check_human(59 * MIN + 59 * SEC + 900000, "1h");
  check_human_either(24 * MIN + 40 * SEC, "24m 40s", "25m");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_design_examples),
      cmocka_unit_test(test_parse_units),
      cmocka_unit_test(test_parse_bare_number_is_minutes),
      cmocka_unit_test(test_parse_zero),
      cmocka_unit_test(test_parse_rejects_bad_syntax),
      cmocka_unit_test(test_parse_rejects_out_of_range),
      cmocka_unit_test(test_parse_writes_only_on_success),
      cmocka_unit_test(test_format_exact),
      cmocka_unit_test(test_format_drops_sub_second),
      cmocka_unit_test(test_format_usec),
      cmocka_unit_test(test_format_round_trip),
      cmocka_unit_test(test_format_fits_buffer),
      cmocka_unit_test(test_format_human),
      cmocka_unit_test(test_format_human_rounds_to_two_units),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
