/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "history.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saved-state.h"

#define HEADER "deskbreak-history 1"

/* The days a line can hold: a four-digit year, the epoch's on. */
#define FIRST_DATE 19700101u
#define LAST_DATE 99991231u

struct DbkHistory {
  GTimeZone *tz; /* NULL = local */
  GArray *days;  /* DbkDay, by date */
  DbkStamp credited;
};

/* The key of each break kind in a day line: BreakTaken's names. */
static const char *break_key(unsigned how) {
  return dbk_break_kind_to_string((DbkBreakKind)how);
}

DbkHistory *dbk_history_new(GTimeZone *tz) {
  DbkHistory *h = g_new0(DbkHistory, 1);
  h->tz = tz ? g_time_zone_ref(tz) : NULL;
  h->days = g_array_new(FALSE, TRUE, sizeof(DbkDay));
  return h;
}

void dbk_history_free(DbkHistory *h) {
  if (!h)
    return;
  g_clear_pointer(&h->tz, g_time_zone_unref);
  g_array_unref(h->days);
  g_free(h);
}

char *dbk_history_path(void) {
  return g_build_filename(g_get_user_state_dir(), "deskbreak", "history", NULL);
}

static GTimeZone *zone(const DbkHistory *h) {
  return h->tz ? g_time_zone_ref(h->tz) : g_time_zone_new_local();
}

static guint32 pack(int year, int month, int day) {
  return (guint32)(year * 10000 + month * 100 + day);
}

static gboolean unpack(guint32 date, GDate *ret) {
  g_date_clear(ret, 1);
  int year = (int)(date / 10000), month = (int)(date / 100 % 100), day = (int)(date % 100);
  if (!g_date_valid_dmy((GDateDay)day, (GDateMonth)month, (GDateYear)year))
    return FALSE;
  g_date_set_dmy(ret, (GDateDay)day, (GDateMonth)month, (GDateYear)year);
  return TRUE;
}

static gboolean can_hold(guint32 date) {
  return date >= FIRST_DATE && date <= LAST_DATE;
}

/* The local day of `unix_usec`, YYYYMMDD; 0 before the year 1 and
 * G_MAXUINT32 after 9999, where GDateTime ends. */
static guint32 local_date(const DbkHistory *h, gint64 unix_usec) {
  g_autoptr(GTimeZone) tz = zone(h);
  gint64 seconds = unix_usec / (gint64)G_USEC_PER_SEC;
  if (unix_usec < 0 && unix_usec % (gint64)G_USEC_PER_SEC)
    seconds--;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(seconds);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_timezone(utc, tz) : NULL;
  if (!local)
    return seconds < 0 ? 0 : G_MAXUINT32;
  return pack(g_date_time_get_year(local), g_date_time_get_month(local),
              g_date_time_get_day_of_month(local));
}

guint32 dbk_history_date_of(const DbkHistory *h, gint64 unix_usec) {
  return CLAMP(local_date(h, unix_usec), FIRST_DATE, LAST_DATE);
}

guint32 dbk_history_date_minus(guint32 date, unsigned days) {
  GDate d;
  if (!unpack(date, &d))
    return date;
  g_date_subtract_days(&d, days);
  return pack(g_date_get_year(&d), g_date_get_month(&d), g_date_get_day(&d));
}

/* The first instant of the day after `date`, unix µs. Where midnight
 * does not exist (a DST change at 00:00) the day starts when the clocks
 * say it does. */
static gint64 next_day_start(const DbkHistory *h, guint32 date) {
  GDate d;
  if (!unpack(date, &d))
    return G_MAXINT64;
  g_date_add_days(&d, 1);
  g_autoptr(GTimeZone) tz = zone(h);
  g_autoptr(GDateTime) start =
      g_date_time_new(tz, g_date_get_year(&d), g_date_get_month(&d), g_date_get_day(&d), 0, 0, 0);
  if (start)
    return g_date_time_to_unix(start) * (gint64)G_USEC_PER_SEC;
  /* The day after 9999-12-31 is past GDateTime's end: 24 h after the
   * start of `date`. */
  g_date_subtract_days(&d, 1);
  start =
      g_date_time_new(tz, g_date_get_year(&d), g_date_get_month(&d), g_date_get_day(&d), 0, 0, 0);
  if (!start)
    return G_MAXINT64;
  return (g_date_time_to_unix(start) + 24 * 3600) * (gint64)G_USEC_PER_SEC;
}

/* Binary search: the index of `date`, or where it would go. */
static guint find_index(const DbkHistory *h, guint32 date, gboolean *found) {
  guint lo = 0, hi = h->days->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    guint32 at = g_array_index(h->days, DbkDay, mid).date;
    if (at == date) {
      *found = TRUE;
      return mid;
    }
    if (at < date)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = FALSE;
  return lo;
}

const DbkDay *dbk_history_get(const DbkHistory *h, guint32 date) {
  gboolean found;
  guint i = find_index(h, date, &found);
  return found ? &g_array_index(h->days, DbkDay, i) : NULL;
}

const DbkDay *dbk_history_days(const DbkHistory *h, guint *n_days) {
  *n_days = h->days->len;
  return (const DbkDay *)(void *)h->days->data;
}

static DbkDay *day_of_date(DbkHistory *h, guint32 date) {
  gboolean found;
  guint i = find_index(h, date, &found);
  if (!found) {
    DbkDay day = {.date = date};
    g_array_insert_val(h->days, i, day);
  }
  return &g_array_index(h->days, DbkDay, i);
}

/* The record of the day `when` falls on; NULL when no line can hold it. */
static DbkDay *day_at(DbkHistory *h, gint64 when) {
  guint32 date = local_date(h, when);
  return can_hold(date) ? day_of_date(h, date) : NULL;
}

gboolean dbk_history_count(DbkHistory *h, gint64 when, DbkCounter counter) {
  DbkDay *day = day_at(h, when);
  if (!day)
    return FALSE;
  switch (counter) {
  case DBK_COUNT_REMINDER:
    day->reminders++;
    break;
  case DBK_COUNT_SNOOZE:
    day->snoozes++;
    break;
  case DBK_COUNT_SKIP:
    day->skips++;
    break;
  }
  return TRUE;
}

gboolean dbk_history_count_break(DbkHistory *h, gint64 when, DbkBreakKind how) {
  if ((unsigned)how >= DBK_BREAK_KINDS)
    return TRUE;
  DbkDay *day = day_at(h, when);
  if (!day)
    return FALSE;
  day->breaks[how]++;
  return TRUE;
}

gboolean dbk_history_add_sitting(DbkHistory *h, gint64 from, DbkUsec length,
                                 DbkUsec session_length) {
  gboolean all = TRUE;
  gint64 pos = from;
  DbkUsec left = length;
  do {
    guint32 date = local_date(h, pos);
    gint64 next = next_day_start(h, date);
    DbkUsec piece = left;
    /* In unsigned arithmetic: from a time before 1970 to G_MAXINT64 is
     * more than a gint64 holds. */
    if (next > pos && (DbkUsec)next - (DbkUsec)pos < left)
      piece = (DbkUsec)next - (DbkUsec)pos;
    left -= piece;
    if (can_hold(date)) {
      DbkDay *day = day_of_date(h, date);
      day->sitting += piece;
      DbkUsec session_then = session_length > left ? session_length - left : 0;
      day->longest = MAX(day->longest, session_then);
    } else {
      all = FALSE;
    }
    if (piece > (DbkUsec)(G_MAXINT64 - MAX(pos, 0)))
      pos = G_MAXINT64;
    else
      pos += (gint64)piece;
  } while (left > 0);
  return all;
}

const DbkStamp *dbk_history_credited(const DbkHistory *h) {
  return &h->credited;
}

void dbk_history_set_credited(DbkHistory *h, const DbkStamp *stamp) {
  h->credited = *stamp;
}

void dbk_history_prune(DbkHistory *h, guint32 today) {
  guint32 oldest = dbk_history_date_minus(today, DBK_HISTORY_KEEP_DAYS);
  guint drop = 0;
  /* Never more than the days beyond the count kept: a clock set a year
   * ahead by mistake then costs a day, not the year before it. */
  while (drop + DBK_HISTORY_KEEP_DAYS < h->days->len &&
         g_array_index(h->days, DbkDay, drop).date < oldest)
    drop++;
  if (drop)
    g_array_remove_range(h->days, 0, drop);
}

/* ---- the file ---- */

char *dbk_history_to_text(const DbkHistory *h, gsize *ret_len) {
  GString *s = g_string_new("# deskbreak's daily history, one line per day: see deskbreakd(1)\n");
  g_string_append(s, HEADER "\n");
  if (h->credited.boot_id[0])
    g_string_append_printf(s, "credited %s %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                           h->credited.boot_id, h->credited.boottime, h->credited.realtime);
  for (guint i = 0; i < h->days->len; i++) {
    const DbkDay *d = &g_array_index(h->days, DbkDay, i);
    g_string_append_printf(s,
                           "%04u-%02u-%02u sitting=%" G_GUINT64_FORMAT " longest=%" G_GUINT64_FORMAT
                           " reminders=%u snoozes=%u skips=%u",
                           d->date / 10000, d->date / 100 % 100, d->date % 100, d->sitting,
                           d->longest, d->reminders, d->snoozes, d->skips);
    for (unsigned k = 0; k < DBK_BREAK_KINDS; k++)
      g_string_append_printf(s, " %s=%u", break_key(k), d->breaks[k]);
    g_string_append_c(s, '\n');
  }
  if (ret_len)
    *ret_len = s->len;
  return g_string_free(s, FALSE);
}

/* A whole decimal number, nothing else. */
static gboolean parse_number(const char *text, guint64 max, guint64 *ret) {
  if (!g_ascii_isdigit(*text))
    return FALSE;
  char *end = NULL;
  errno = 0;
  guint64 value = g_ascii_strtoull(text, &end, 10);
  if (errno || *end || value > max)
    return FALSE;
  *ret = value;
  return TRUE;
}

static gboolean parse_date(const char *text, guint32 *ret) {
  unsigned year, month, day;
  char tail;
  if (strlen(text) != 10 || sscanf(text, "%4u-%2u-%2u%c", &year, &month, &day, &tail) != 3 ||
      text[4] != '-' || text[7] != '-')
    return FALSE;
  GDate d;
  *ret = pack((int)year, (int)month, (int)day);
  return can_hold(*ret) && unpack(*ret, &d);
}

/* Where in a day line each key goes; every one must be there once. */
enum {
  F_SITTING,
  F_LONGEST,
  F_REMINDERS,
  F_SNOOZES,
  F_SKIPS,
  F_BREAKS,
  F_COUNT = F_BREAKS + DBK_BREAK_KINDS
};

static const char *field_name(int field) {
  static const char *const names[] = {"sitting", "longest", "reminders", "snoozes", "skips"};
  return field < F_BREAKS ? names[field] : break_key((unsigned)(field - F_BREAKS));
}

static int field_of(const char *key) {
  for (int f = 0; f < F_COUNT; f++)
    if (strcmp(key, field_name(f)) == 0)
      return f;
  return -1;
}

static gboolean parse_day(const char *line, DbkDay *ret, char **why) {
  g_auto(GStrv) words = g_strsplit(line, " ", -1);
  *ret = (DbkDay){0};
  /* What is wrong, and never a word of the line: the file may be
   * anybody's. */
  if (!parse_date(words[0], &ret->date)) {
    *why = g_strdup("its first word is not a date");
    return FALSE;
  }
  guint64 values[F_COUNT];
  gboolean seen[F_COUNT] = {0};
  for (guint i = 1; words[i]; i++) {
    char *eq = strchr(words[i], '=');
    if (!eq) {
      *why = g_strdup_printf("word %u is not KEY=VALUE", i + 1);
      return FALSE;
    }
    *eq = '\0';
    int field = field_of(words[i]);
    if (field < 0)
      continue; /* from a newer deskbreak: not ours to judge */
    guint64 max = field <= F_LONGEST ? G_MAXINT64 : G_MAXUINT32;
    if (seen[field]) {
      *why = g_strdup_printf("%s is there twice", field_name(field));
      return FALSE;
    }
    if (!parse_number(eq + 1, max, &values[field])) {
      *why = g_strdup_printf("%s is not a count", field_name(field));
      return FALSE;
    }
    seen[field] = TRUE;
  }
  for (int f = 0; f < F_COUNT; f++) {
    if (!seen[f]) {
      *why = g_strdup_printf("the day has no %s", field_name(f));
      return FALSE;
    }
  }
  ret->sitting = values[F_SITTING];
  ret->longest = values[F_LONGEST];
  ret->reminders = (unsigned)values[F_REMINDERS];
  ret->snoozes = (unsigned)values[F_SNOOZES];
  ret->skips = (unsigned)values[F_SKIPS];
  for (unsigned k = 0; k < DBK_BREAK_KINDS; k++)
    ret->breaks[k] = (unsigned)values[F_BREAKS + k];
  return TRUE;
}

/* The same, or its negative. */
static gboolean parse_signed(const char *text, gint64 *ret) {
  gboolean minus = *text == '-';
  guint64 value;
  if (!parse_number(text + minus, G_MAXINT64, &value))
    return FALSE;
  *ret = minus ? -(gint64)value : (gint64)value;
  return TRUE;
}

static gboolean parse_credited(const char *line, DbkStamp *ret) {
  g_auto(GStrv) words = g_strsplit(line, " ", -1);
  guint64 boottime;
  gint64 realtime; /* before 1970 with the clock set so */
  if (g_strv_length(words) != 4 || strlen(words[1]) != 32 ||
      !parse_number(words[2], G_MAXINT64, &boottime) || !parse_signed(words[3], &realtime))
    return FALSE;
  for (const char *c = words[1]; *c; c++)
    if (!g_ascii_isxdigit(*c))
      return FALSE;
  g_strlcpy(ret->boot_id, words[1], sizeof(ret->boot_id));
  ret->boottime = boottime;
  ret->realtime = realtime;
  return TRUE;
}

/* Keeps the first problem found, and counts them all. */
static void problem(char **why, unsigned *n, char *message) {
  if (!*why)
    *why = message;
  else
    g_free(message);
  (*n)++;
}

gboolean dbk_history_parse(DbkHistory *h, const char *text, gsize len, char **ret_why) {
  g_array_set_size(h->days, 0);
  h->credited = (DbkStamp){0};
  *ret_why = NULL;

  char *why = NULL;
  unsigned n_problems = 0;
  if (len == 0) {
    *ret_why = g_strdup("empty");
    return FALSE;
  }
  /* Line by line, so a damaged stretch costs only the days on it. */
  gboolean truncated = text[len - 1] != '\n';
  gboolean header = FALSE, header_seen = FALSE;
  guint i = 0;
  for (const char *pos = text, *end = text + len; pos < end; i++) {
    const char *nl = memchr(pos, '\n', (size_t)(end - pos));
    const char *stop = nl ? nl : end;
    g_autofree char *line = g_strndup(pos, (gsize)(stop - pos));
    gsize line_len = (gsize)(stop - pos);
    pos = nl ? nl + 1 : end;
    if (line_len && line[line_len - 1] == '\r')
      line[--line_len] = '\0';
    if (memchr(line, '\0', line_len) || !g_utf8_validate(line, (gssize)line_len, NULL)) {
      problem(&why, &n_problems, g_strdup_printf("line %u is not text", i + 1));
      continue;
    }
    if (line[0] == '#' || line[0] == '\0')
      continue;
    if (!nl && truncated) {
      problem(&why, &n_problems, g_strdup_printf("line %u is cut off", i + 1));
      break;
    }
    if (!header_seen) {
      /* The first line that is not a comment says what the file is. */
      header_seen = TRUE;
      header = strcmp(line, HEADER) == 0;
      if (header)
        continue;
      problem(&why, &n_problems, g_strdup("it does not start with “" HEADER "”"));
      if (g_str_has_prefix(line, "deskbreak-history "))
        break; /* another version: not ours to read */
      /* No header at all: perhaps a day line, read on. */
    }
    if (g_str_has_prefix(line, "credited ")) {
      if (!parse_credited(line, &h->credited))
        problem(&why, &n_problems, g_strdup_printf("line %u: a bad “credited” line", i + 1));
      continue;
    }
    DbkDay day;
    g_autofree char *day_why = NULL;
    if (!parse_day(line, &day, &day_why)) {
      problem(&why, &n_problems, g_strdup_printf("line %u: %s", i + 1, day_why));
      continue;
    }
    if (h->days->len && g_array_index(h->days, DbkDay, h->days->len - 1).date >= day.date) {
      problem(&why, &n_problems, g_strdup_printf("line %u: the days are out of order", i + 1));
      continue;
    }
    g_array_append_val(h->days, day);
  }
  if (!header_seen && !why)
    problem(&why, &n_problems, g_strdup("no “" HEADER "” line"));
  if (!why)
    return TRUE;
  if (n_problems > 1)
    *ret_why = g_strdup_printf("%s, and %u more problem%s", why, n_problems - 1,
                               n_problems == 2 ? "" : "s");
  else
    *ret_why = g_strdup(why);
  g_free(why);
  return FALSE;
}

gboolean dbk_history_load(DbkHistory *h, const char *path, char **ret_warning) {
  g_array_set_size(h->days, 0);
  h->credited = (DbkStamp){0};
  *ret_warning = NULL;

  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;
  if (dbk_state_file_read(path, &data, &len, &error)) {
    if (dbk_history_parse(h, data, len, &why))
      return TRUE;
  } else if (g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
    return TRUE;
  } else {
    why = g_strdup(error->message);
  }
  /* The stamp of a broken file can't be trusted: count from now on. */
  h->credited = (DbkStamp){0};
  g_autofree char *kept = h->days->len ? g_strdup_printf("; kept the %u day%s it could read",
                                                         h->days->len, h->days->len == 1 ? "" : "s")
                                       : g_strdup("");
  g_autofree char *reason = g_strconcat(why, kept, NULL);
  return dbk_state_file_move_aside(path, reason, ret_warning);
}

gboolean dbk_history_save(const DbkHistory *h, const char *path, GError **error) {
  gsize len;
  g_autofree char *text = dbk_history_to_text(h, &len);
  return dbk_state_file_write(path, text, len, error);
}
