/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The daily history: sessions split at local midnight, across DST changes
 * (fixed POSIX time zones, so no tzdata is needed), the file's round trip,
 * broken files salvaged and moved aside, pruning.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history.h"

#define SEC ((gint64)G_USEC_PER_SEC)
#define MINUTE (60 * SEC)
#define HOUR (60 * MINUTE)

/* Central Europe: DST from the last Sunday of March 02:00 to the last
 * Sunday of October 03:00. */
#define TZ_EUROPE "CET-1CEST,M3.5.0,M10.5.0/3"
/* A zone whose clocks change at midnight: the first Sunday of September
 * has no 00:00 (it starts at 01:00). */
#define TZ_MIDNIGHT_DST "<-04>4<-03>,M9.1.0/0,M4.1.0/0"

static GTimeZone *zone(const char *id) {
  GTimeZone *tz = g_time_zone_new_identifier(id);
  assert_non_null(tz);
  return tz;
}

/* Unix µs of a local time in `tz`. */
static gint64 at(GTimeZone *tz, int y, int mo, int d, int h, int mi) {
  g_autoptr(GDateTime) dt = g_date_time_new(tz, y, mo, d, h, mi, 0);
  assert_non_null(dt);
  return g_date_time_to_unix(dt) * SEC;
}

static const DbkDay *day(DbkHistory *h, guint32 date) {
  const DbkDay *d = dbk_history_get(h, date);
  if (!d)
    fail_msg("no record for %u", date);
  return d;
}

static void test_session_across_midnight(void **state) {
  (void)state;
  g_autoptr(GTimeZone) tz = zone(TZ_EUROPE);
  g_autoptr(DbkHistory) h = dbk_history_new(tz);
  /* Sitting 23:40 to 00:20, counted as the daemon would: in pieces, at
   * 23:50 (an idle report), then at 00:20. */
  gint64 start = at(tz, 2026, 11, 21, 23, 40);
  dbk_history_add_sitting(h, start, 10 * MINUTE, 10 * MINUTE);
  dbk_history_add_sitting(h, start + 10 * MINUTE, 30 * MINUTE, 40 * MINUTE);
  assert_int_equal(day(h, 20261121)->sitting, 20 * MINUTE);
  assert_int_equal(day(h, 20261121)->longest, 20 * MINUTE);
  assert_int_equal(day(h, 20261122)->sitting, 20 * MINUTE);
  /* The whole session is the longest on the day it reached. */
  assert_int_equal(day(h, 20261122)->longest, 40 * MINUTE);
  /* Counters land on the day they happen. */
  dbk_history_count(h, at(tz, 2026, 11, 21, 23, 59), DBK_COUNT_REMINDER);
  dbk_history_count(h, at(tz, 2026, 11, 22, 0, 0), DBK_COUNT_SNOOZE);
  dbk_history_count_break(h, at(tz, 2026, 11, 22, 0, 20), DBK_BREAK_ACTION);
  assert_int_equal(day(h, 20261121)->reminders, 1);
  assert_int_equal(day(h, 20261121)->snoozes, 0);
  assert_int_equal(day(h, 20261122)->snoozes, 1);
  assert_int_equal(day(h, 20261122)->breaks[DBK_BREAK_ACTION], 1);
}

static void test_session_over_several_days(void **state) {
  (void)state;
  g_autoptr(GTimeZone) tz = zone(TZ_EUROPE);
  g_autoptr(DbkHistory) h = dbk_history_new(tz);
  dbk_history_add_sitting(h, at(tz, 2026, 11, 20, 12, 0), 60 * HOUR, 60 * HOUR);
  assert_int_equal(day(h, 20261120)->sitting, 12 * HOUR);
  assert_int_equal(day(h, 20261121)->sitting, 24 * HOUR);
  assert_int_equal(day(h, 20261122)->sitting, 24 * HOUR);
  assert_int_equal(day(h, 20261121)->longest, 36 * HOUR);
}

/* The spring day has 23 hours: a session over all of it counts 23h. */
static void test_dst_spring_forward(void **state) {
  (void)state;
  g_autoptr(GTimeZone) tz = zone(TZ_EUROPE);
  g_autoptr(DbkHistory) h = dbk_history_new(tz);
  gint64 start = at(tz, 2026, 3, 28, 23, 0);
  /* 23:00 to 04:00 by the clock is 4 real hours. */
  assert_int_equal(at(tz, 2026, 3, 29, 4, 0) - start, 4 * HOUR);
  dbk_history_add_sitting(h, start, 4 * HOUR, 4 * HOUR);
  assert_int_equal(day(h, 20260328)->sitting, 1 * HOUR);
  assert_int_equal(day(h, 20260329)->sitting, 3 * HOUR);

  g_autoptr(DbkHistory) whole = dbk_history_new(tz);
  dbk_history_add_sitting(whole, at(tz, 2026, 3, 29, 0, 0), 24 * HOUR, 24 * HOUR);
  assert_int_equal(day(whole, 20260329)->sitting, 23 * HOUR);
  assert_int_equal(day(whole, 20260330)->sitting, 1 * HOUR);
}

/* The autumn day has 25 hours, all of them on that day. */
static void test_dst_fall_back(void **state) {
  (void)state;
  g_autoptr(GTimeZone) tz = zone(TZ_EUROPE);
  g_autoptr(DbkHistory) h = dbk_history_new(tz);
  dbk_history_add_sitting(h, at(tz, 2026, 10, 25, 0, 0), 25 * HOUR, 25 * HOUR);
  assert_int_equal(day(h, 20261025)->sitting, 25 * HOUR);
  assert_null(dbk_history_get(h, 20261026));
  /* The hour that happens twice is one day's, whichever copy. */
  gint64 first_2am = at(tz, 2026, 10, 25, 1, 59) + MINUTE;
  assert_int_equal(dbk_history_date_of(h, first_2am), 20261025);
  assert_int_equal(dbk_history_date_of(h, first_2am + HOUR), 20261025);
}

/* Where 00:00 never comes, the new day begins at 01:00. */
static void test_dst_at_midnight(void **state) {
  (void)state;
  g_autoptr(GTimeZone) tz = zone(TZ_MIDNIGHT_DST);
  g_autoptr(DbkHistory) h = dbk_history_new(tz);
  /* 2026-09-06 is the first Sunday of September. */
  gint64 start = at(tz, 2026, 9, 5, 23, 30);
  assert_int_equal(dbk_history_date_of(h, start + 30 * MINUTE), 20260906);
  assert_int_equal(dbk_history_date_of(h, start + 30 * MINUTE - 1), 20260905);
  dbk_history_add_sitting(h, start, HOUR, HOUR);
  assert_int_equal(day(h, 20260905)->sitting, 30 * MINUTE);
  assert_int_equal(day(h, 20260906)->sitting, 30 * MINUTE);
}

/* How long is never the wall clock's business: a clock set back an hour
 * mid-session changes which day a piece lands on, not how much is counted. */
static void test_amounts_come_from_the_caller(void **state) {
  (void)state;
  g_autoptr(GTimeZone) tz = zone(TZ_EUROPE);
  g_autoptr(DbkHistory) h = dbk_history_new(tz);
  gint64 noon = at(tz, 2026, 11, 22, 12, 0);
  dbk_history_add_sitting(h, noon, 10 * MINUTE, 10 * MINUTE);
  dbk_history_add_sitting(h, noon - HOUR, 10 * MINUTE, 20 * MINUTE);
  assert_int_equal(day(h, 20261122)->sitting, 20 * MINUTE);
  assert_int_equal(day(h, 20261122)->longest, 20 * MINUTE);
}

static DbkHistory *sample(GTimeZone *tz) {
  DbkHistory *h = dbk_history_new(tz);
  dbk_history_add_sitting(h, at(tz, 2026, 11, 20, 9, 0), 50 * MINUTE, 50 * MINUTE);
  dbk_history_count(h, at(tz, 2026, 11, 20, 9, 30), DBK_COUNT_REMINDER);
  dbk_history_count(h, at(tz, 2026, 11, 20, 9, 31), DBK_COUNT_SKIP);
  dbk_history_count_break(h, at(tz, 2026, 11, 20, 9, 50), DBK_BREAK_LOCK);
  dbk_history_add_sitting(h, at(tz, 2026, 11, 22, 9, 0), 5 * MINUTE, 5 * MINUTE);
  dbk_history_count_break(h, at(tz, 2026, 11, 22, 9, 5), DBK_BREAK_SUSPEND);
  DbkStamp stamp = {.boot_id = "0123456789abcdef0123456789abcdef", .boottime = 77, .realtime = 88};
  dbk_history_set_credited(h, &stamp);
  return h;
}

static void assert_same(DbkHistory *a, DbkHistory *b) {
  guint na, nb;
  const DbkDay *da = dbk_history_days(a, &na), *db = dbk_history_days(b, &nb);
  assert_int_equal(na, nb);
  for (guint i = 0; i < na; i++) {
    assert_int_equal(da[i].date, db[i].date);
    assert_int_equal(da[i].sitting, db[i].sitting);
    assert_int_equal(da[i].longest, db[i].longest);
    assert_int_equal(da[i].reminders, db[i].reminders);
    assert_int_equal(da[i].snoozes, db[i].snoozes);
    assert_int_equal(da[i].skips, db[i].skips);
    assert_memory_equal(da[i].breaks, db[i].breaks, sizeof da[i].breaks);
  }
}

static void test_text_round_trip(void **state) {
  (void)state;
  g_autoptr(GTimeZone) tz = zone(TZ_EUROPE);
  g_autoptr(DbkHistory) h = sample(tz);
  gsize len;
  g_autofree char *text = dbk_history_to_text(h, &len);
  assert_non_null(strstr(text, "\n2026-11-20 sitting=3000000000 longest=3000000000 reminders=1 "
                               "snoozes=0 skips=1 break-length=0 action=0 command=0 natural=0 "
                               "lock=1 suspend=0\n"));
  g_autoptr(DbkHistory) back = dbk_history_new(tz);
  g_autofree char *why = NULL;
  assert_true(dbk_history_parse(back, text, len, &why));
  assert_null(why);
  assert_same(h, back);
  assert_string_equal(dbk_history_credited(back)->boot_id, "0123456789abcdef0123456789abcdef");
  assert_int_equal(dbk_history_credited(back)->boottime, 77);
  assert_int_equal(dbk_history_credited(back)->realtime, 88);
}

/* Each broken text: parse says why, and keeps the `kept` good days. */
static void expect_broken(const char *text, gssize len, guint kept, const char *why_part) {
  g_autoptr(DbkHistory) h = dbk_history_new(NULL);
  g_autofree char *why = NULL;
  assert_false(dbk_history_parse(h, text, len < 0 ? strlen(text) : (gsize)len, &why));
  assert_non_null(why);
  if (!strstr(why, why_part))
    fail_msg("“%s” does not say “%s”", why, why_part);
  guint n;
  dbk_history_days(h, &n);
  assert_int_equal(n, kept);
}

#define GOOD_DAY(date)                                                                             \
  date " sitting=1 longest=1 reminders=0 snoozes=0 skips=0 break-length=0 action=0 command=0 "     \
       "natural=0 lock=0 suspend=0\n"

static void test_broken_texts(void **state) {
  (void)state;
  expect_broken("", 0, 0, "empty");
  expect_broken("deskbreak-history 1\n\xff\xfe\n", -1, 0, "not text");
  static const char nul[] = "deskbreak-history 1\n" GOOD_DAY("2026-11-20") "\0junk\n";
  expect_broken(nul, sizeof(nul) - 1, 1, "not text");
  /* A damaged byte costs only its line. */
  expect_broken(
      "deskbreak-history 1\n" GOOD_DAY("2026-11-20") "2026-11-21 \xff\n" GOOD_DAY("2026-11-22"), -1,
      2, "line 3 is not text");
  expect_broken(GOOD_DAY("2026-11-20"), -1, 1, "deskbreak-history 1");
  expect_broken("deskbreak-hist\xffry 1\n" GOOD_DAY("2026-11-20"), -1, 1, "not text");
  expect_broken("deskbreak-history 2\n" GOOD_DAY("2026-11-20"), -1, 0, "deskbreak-history 1");
  expect_broken("# only a comment\n", -1, 0, "no");
  /* One bad line among good ones: the good days are kept. */
  expect_broken("deskbreak-history 1\n" GOOD_DAY("2026-11-20") "2026-11-21 sitting=lots\n" GOOD_DAY(
                    "2026-11-22"),
                -1, 2, "line 3");
  expect_broken("deskbreak-history 1\n" GOOD_DAY("2026-11-20") "2026-13-45 sitting=1\n", -1, 1,
                "not a date");
  expect_broken("deskbreak-history 1\n" GOOD_DAY("2026-11-21") GOOD_DAY("2026-11-20"), -1, 1,
                "out of order");
  expect_broken("deskbreak-history 1\n2026-11-20 sitting=1 longest=1\n", -1, 0, "has no");
  expect_broken("deskbreak-history 1\n2026-11-20 sitting=-1 longest=1\n", -1, 0, "not a count");
  expect_broken("deskbreak-history 1\ncredited 12 x y\n" GOOD_DAY("2026-11-20"), -1, 1, "credited");
  /* Cut off mid-line: the cut line is not trusted. */
  expect_broken("deskbreak-history 1\n" GOOD_DAY("2026-11-20") "2026-11-21 sitting=1 longest=1 rem",
                -1, 1, "cut off");
  const char cut[] = "deskbreak-history 1\n" GOOD_DAY("2026-11-20");
  expect_broken(cut, sizeof(cut) - 3, 0, "cut off");
  /* Keys from a newer version are skipped; comments and blank lines too. */
  g_autoptr(DbkHistory) h = dbk_history_new(NULL);
  g_autofree char *why = NULL;
  const char *newer = "# hello\n\ndeskbreak-history 1\n"
                      "2026-11-20 sitting=1 longest=1 reminders=0 snoozes=0 skips=0 "
                      "break-length=0 action=0 command=0 natural=0 lock=0 suspend=0 hugs=3\n";
  assert_true(dbk_history_parse(h, newer, strlen(newer), &why));
}

/* Random bytes never crash the parser, whatever it makes of them. */
static void test_random_bytes(void **state) {
  (void)state;
  GRand *rand = g_rand_new_with_seed(7);
  for (int round = 0; round < 2000; round++) {
    char buf[256];
    gsize len = (gsize)g_rand_int_range(rand, 1, sizeof buf);
    for (gsize i = 0; i < len; i++)
      buf[i] = (char)g_rand_int_range(rand, round % 2 ? 32 : 0, round % 2 ? 127 : 256);
    g_autoptr(DbkHistory) h = dbk_history_new(NULL);
    g_autofree char *why = NULL;
    dbk_history_parse(h, buf, len, &why);
  }
  g_rand_free(rand);
}

static void test_prune(void **state) {
  (void)state;
  g_autoptr(GTimeZone) tz = zone(TZ_EUROPE);
  g_autoptr(DbkHistory) h = dbk_history_new(tz);
  guint32 today = 20261122;
  assert_int_equal(dbk_history_date_minus(20260301, 1), 20260228);
  assert_int_equal(dbk_history_date_minus(20250101, 1), 20241231);
  /* A record every day, from 401 days back to today. */
  gint64 noon = at(tz, 2026, 11, 22, 12, 0);
  for (int back = DBK_HISTORY_KEEP_DAYS + 1; back >= 0; back--)
    dbk_history_count(h, noon - back * 24 * HOUR, DBK_COUNT_SKIP);
  guint n;
  dbk_history_days(h, &n);
  assert_int_equal(n, DBK_HISTORY_KEEP_DAYS + 2);
  dbk_history_prune(h, today);
  dbk_history_days(h, &n);
  assert_int_equal(n, DBK_HISTORY_KEEP_DAYS + 1);
  assert_null(dbk_history_get(h, dbk_history_date_minus(today, DBK_HISTORY_KEEP_DAYS + 1)));
  assert_non_null(dbk_history_get(h, dbk_history_date_minus(today, DBK_HISTORY_KEEP_DAYS)));
  assert_non_null(dbk_history_get(h, today));
}

/* A clock set a year ahead by mistake does not take the year with it. */
static void test_prune_after_a_clock_jump(void **state) {
  (void)state;
  g_autoptr(GTimeZone) tz = zone(TZ_EUROPE);
  g_autoptr(DbkHistory) h = dbk_history_new(tz);
  gint64 noon = at(tz, 2026, 11, 22, 12, 0);
  for (int back = 30; back >= 0; back--)
    dbk_history_count(h, noon - back * 24 * HOUR, DBK_COUNT_SKIP);
  dbk_history_count(h, noon + 500 * 24 * HOUR, DBK_COUNT_SKIP);
  dbk_history_prune(h, dbk_history_date_of(h, noon + 500 * 24 * HOUR));
  guint n;
  dbk_history_days(h, &n);
  assert_int_equal(n, 32);
}

static void test_file_moved_aside_keeps_good_days(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("deskbreak-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "history", NULL);
  g_autoptr(DbkHistory) h = dbk_history_new(NULL);
  g_autofree char *warning = NULL;
  /* Missing: empty, no warning. */
  assert_true(dbk_history_load(h, path, &warning));
  assert_null(warning);

  const char *text = "deskbreak-history 1\n" GOOD_DAY("2026-11-20") "garbage\n";
  assert_true(g_file_set_contents(path, text, -1, NULL));
  assert_true(dbk_history_load(h, path, &warning));
  assert_non_null(warning);
  assert_non_null(strstr(warning, path));
  assert_non_null(strstr(warning, "moved"));
  assert_non_null(strstr(warning, "kept the 1 day"));
  assert_non_null(dbk_history_get(h, 20261120));
  assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

  /* Saved again, it reads back clean. */
  assert_true(dbk_history_save(h, path, NULL));
  g_autoptr(DbkHistory) again = dbk_history_new(NULL);
  g_clear_pointer(&warning, g_free);
  assert_true(dbk_history_load(again, path, &warning));
  assert_null(warning);
  assert_same(h, again);

  /* A directory in the way is moved aside too. */
  g_unlink(path);
  assert_int_equal(g_mkdir(path, 0700), 0);
  assert_true(dbk_history_load(again, path, &warning));
  assert_non_null(strstr(warning, "moved"));
  assert_true(dbk_history_save(h, path, NULL));

  GDir *d = g_dir_open(dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name(d))) {
    g_autofree char *child = g_build_filename(dir, name, NULL);
    if (g_rmdir(child) != 0)
      g_unlink(child);
  }
  g_dir_close(d);
  g_rmdir(dir);
}

/* Whatever it holds, the text it writes reads back the same. */
static void assert_reads_back(DbkHistory *h) {
  gsize len;
  g_autofree char *text = dbk_history_to_text(h, &len);
  g_autoptr(DbkHistory) back = dbk_history_new(NULL);
  g_autofree char *why = NULL;
  if (!dbk_history_parse(back, text, len, &why))
    fail_msg("its own text does not read back (%s):\n%s", why, text);
  assert_same(h, back);
  assert_int_equal(dbk_history_credited(back)->realtime, dbk_history_credited(h)->realtime);
}

static guint n_days(DbkHistory *h) {
  guint n;
  dbk_history_days(h, &n);
  return n;
}

/* A clock set before 1970: nothing is filed under a day the file cannot
 * hold, and the stamp of that moment reads back. */
static void test_clock_before_1970(void **state) {
  (void)state;
  g_autoptr(GTimeZone) utc = zone("UTC");
  g_autoptr(GTimeZone) west = zone("<-08>8");
  g_autoptr(DbkHistory) h = dbk_history_new(west);
  /* 1970-01-01 00:00 UTC is 1969-12-31 16:00 here. */
  dbk_history_count(h, 0, DBK_COUNT_REMINDER);
  dbk_history_count_break(h, -1, DBK_BREAK_COMMAND);
  dbk_history_add_sitting(h, -30 * 24 * HOUR, HOUR, HOUR);
  dbk_history_count(h, G_MININT64, DBK_COUNT_SNOOZE);
  dbk_history_add_sitting(h, G_MININT64, HOUR, HOUR);
  assert_int_equal(n_days(h), 0);
  assert_int_equal(dbk_history_date_of(h, 0), 19700101);
  assert_int_equal(dbk_history_date_of(h, G_MININT64), 19700101);
  DbkStamp stamp = {.boot_id = "0123456789abcdef0123456789abcdef", .boottime = 5,
                    .realtime = -3 * HOUR};
  dbk_history_set_credited(h, &stamp);
  assert_reads_back(h);

  /* A session from before midnight into 1970 counts from 1970 on. */
  g_autoptr(DbkHistory) u = dbk_history_new(utc);
  dbk_history_add_sitting(u, -HOUR, 3 * HOUR, 3 * HOUR);
  assert_int_equal(n_days(u), 1);
  assert_int_equal(day(u, 19700101)->sitting, 2 * HOUR);
  assert_reads_back(u);
}

/* Near the year 10000: the last day the file can hold is kept, nothing
 * after it is filed anywhere (not under 1970-01-01). */
static void test_clock_near_year_10000(void **state) {
  (void)state;
  g_autoptr(GTimeZone) utc = zone("UTC");
  g_autoptr(GTimeZone) east = zone("<+14>-14");
  gint64 end = 253402300800 * SEC; /* 10000-01-01 00:00 UTC */
  g_autoptr(DbkHistory) h = dbk_history_new(utc);
  dbk_history_add_sitting(h, end - HOUR, 3 * HOUR, 3 * HOUR);
  dbk_history_count(h, end, DBK_COUNT_REMINDER);
  dbk_history_count(h, G_MAXINT64, DBK_COUNT_SKIP);
  dbk_history_count_break(h, end + 400 * 24 * HOUR, DBK_BREAK_LOCK);
  dbk_history_add_sitting(h, G_MAXINT64 - HOUR, HOUR, HOUR);
  assert_int_equal(n_days(h), 1);
  assert_int_equal(day(h, 99991231)->sitting, HOUR);
  assert_null(dbk_history_get(h, 19700101));
  assert_int_equal(dbk_history_date_of(h, end), 99991231);
  assert_int_equal(dbk_history_date_of(h, G_MAXINT64), 99991231);
  assert_reads_back(h);

  /* 9999-12-31 12:00 UTC is already the year 10000 at +14. */
  g_autoptr(DbkHistory) e = dbk_history_new(east);
  dbk_history_count(e, end - 12 * HOUR, DBK_COUNT_REMINDER);
  dbk_history_count(e, end - 15 * HOUR, DBK_COUNT_SNOOZE);
  assert_int_equal(n_days(e), 1);
  assert_int_equal(day(e, 99991231)->snoozes, 1);
  assert_int_equal(day(e, 99991231)->reminders, 0);
  assert_reads_back(e);
}

/* Why a text is broken is said without quoting a byte of it. */
static void test_why_quotes_nothing(void **state) {
  (void)state;
  static const char *const texts[] = {
      "deskbreak-history 1\nSECRET-7f3a sitting=1\n",
      "deskbreak-history 1\n2026-11-20 SECRET-7f3a\n",
      "deskbreak-history 1\n2026-11-20 sitting=SECRET-7f3a\n",
      "deskbreak-history 1\n2026-11-20 sitting=1 SECRET-7f3a=1\n",
      "deskbreak-history 1\ncredited SECRET-7f3a 1 2\n",
      "SECRET-7f3a\n",
      "deskbreak-history SECRET-7f3a\n",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
    g_autoptr(DbkHistory) h = dbk_history_new(NULL);
    g_autofree char *why = NULL;
    assert_false(dbk_history_parse(h, texts[i], strlen(texts[i]), &why));
    if (strstr(why, "SECRET"))
      fail_msg("the reason quotes the file: %s", why);
  }
}

/* A symbolic link or a FIFO at the history's path is neither followed nor
 * read; a save replaces a link, never the file it points to. */
static void test_not_a_regular_file(void **state) {
  (void)state;
  g_autofree char *dir = g_dir_make_tmp("deskbreak-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "history", NULL);
  g_autofree char *target = g_build_filename(dir, "elsewhere", NULL);
  static const char secret[] = "SECRET-7f3a someone else's file\n";
  assert_true(g_file_set_contents(target, secret, -1, NULL));
  assert_int_equal(symlink(target, path), 0);
  g_autoptr(DbkHistory) h = dbk_history_new(NULL);
  g_autofree char *warning = NULL;
  assert_true(dbk_history_load(h, path, &warning));
  assert_non_null(warning);
  if (strstr(warning, "SECRET") || !strstr(warning, "symbolic link") || !strstr(warning, "moved"))
    fail_msg("%s", warning);
  assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

  assert_int_equal(symlink(target, path), 0);
  dbk_history_count(h, 0, DBK_COUNT_SKIP);
  assert_true(dbk_history_save(h, path, NULL));
  g_autofree char *data = NULL;
  assert_true(g_file_get_contents(target, &data, NULL, NULL));
  assert_string_equal(data, secret);
  GStatBuf st;
  assert_int_equal(g_lstat(path, &st), 0);
  assert_true(S_ISREG(st.st_mode));

  /* A FIFO: the load does not wait for a writer. */
  g_unlink(path);
  assert_int_equal(mkfifo(path, 0600), 0);
  g_clear_pointer(&warning, g_free);
  assert_true(dbk_history_load(h, path, &warning));
  assert_non_null(warning);
  if (!strstr(warning, "not a regular file"))
    fail_msg("%s", warning);
  assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

  GDir *d = g_dir_open(dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name(d))) {
    g_autofree char *child = g_build_filename(dir, name, NULL);
    g_unlink(child);
  }
  g_dir_close(d);
  g_rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_session_across_midnight),
      cmocka_unit_test(test_session_over_several_days),
      cmocka_unit_test(test_dst_spring_forward),
      cmocka_unit_test(test_dst_fall_back),
      cmocka_unit_test(test_dst_at_midnight),
      cmocka_unit_test(test_amounts_come_from_the_caller),
      cmocka_unit_test(test_text_round_trip),
      cmocka_unit_test(test_broken_texts),
      cmocka_unit_test(test_random_bytes),
      cmocka_unit_test(test_prune),
      cmocka_unit_test(test_prune_after_a_clock_jump),
      cmocka_unit_test(test_file_moved_aside_keeps_good_days),
      cmocka_unit_test(test_clock_before_1970),
      cmocka_unit_test(test_clock_near_year_10000),
      cmocka_unit_test(test_why_quotes_nothing),
      cmocka_unit_test(test_not_a_regular_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
