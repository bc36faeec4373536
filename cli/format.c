/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What `deskbreak` prints. Everything here is pure: the caller hands in the
 * daemon's snapshot and `now`, and the text goes to a FILE.
 */
#define _GNU_SOURCE /* wcswidth() */
#include "format.h"

#include <errno.h>
#include <inttypes.h>
#include <langinfo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "duration.h"
#include "i18n.h"

#define USEC_PER_SEC INT64_C(1000000)

/* Separators of the human output. */
#define DOT " \u00b7 "
#define DASH " \u2014 "

static const char *empty_strv[] = {NULL};

/* ---- text in columns ---- */

/*
 * The columns `text` takes on a terminal, in the locale's character set: a
 * CJK character two, a combining mark none. Its bytes where the locale
 * cannot tell (the C locale, text it cannot read).
 */
static int text_width(const char *text) {
  size_t n = mbstowcs(NULL, text, 0);
  wchar_t *wide;
  int width;

  if (n == (size_t)-1 || !(wide = calloc(n + 1, sizeof(wchar_t))))
    return (int)strlen(text);
  mbstowcs(wide, text, n + 1);
  width = wcswidth(wide, n);
  free(wide);
  return width < 0 ? (int)strlen(text) : width;
}

/* `text` in a column `width` wide: spaces after it, or before it when
 * `right`; text that is wider is written whole. */
static void print_padded(FILE *out, const char *text, int width, bool right) {
  int pad = width - text_width(text);

  if (right)
    for (int i = 0; i < pad; i++)
      fputc(' ', out);
  fputs(text, out);
  if (!right)
    for (int i = 0; i < pad; i++)
      fputc(' ', out);
}

static int max_int(int a, int b) {
  return a > b ? a : b;
}

/* ---- values and the status snapshot ---- */

void dbk_value_clear(DbkValue *value) {
  if (!value)
    return;
  if (value->kind == DBK_VALUE_STRING) {
    free(value->s);
  } else if (value->kind == DBK_VALUE_ARRAY) {
    for (size_t i = 0; i < value->array.n; i++)
      dbk_value_clear(&value->array.items[i]);
    free(value->array.items);
  }
  memset(value, 0, sizeof(*value));
  value->kind = DBK_VALUE_BOOL;
}

static int value_copy(const DbkValue *src, DbkValue *ret) {
  DbkValue v = *src;

  if (src->kind == DBK_VALUE_STRING) {
    v.s = strdup(src->s ? src->s : "");
    if (!v.s)
      return -ENOMEM;
  } else if (src->kind == DBK_VALUE_ARRAY) {
    v.array.items = calloc(src->array.n ? src->array.n : 1, sizeof(DbkValue));
    if (!v.array.items)
      return -ENOMEM;
    for (size_t i = 0; i < src->array.n; i++) {
      int r = value_copy(&src->array.items[i], &v.array.items[i]);
      if (r < 0) {
        v.array.n = i;
        dbk_value_clear(&v);
        return r;
      }
    }
  }
  *ret = v;
  return 0;
}

typedef enum {
  FIELD_U64,
  FIELD_I64,
  FIELD_U32,
  FIELD_BOOL,
  FIELD_STRING,
  FIELD_STRV,
} FieldType;

/* The GetStatus keys the CLI reads (org.deskbreak.Daemon1.xml). */
static const struct {
  const char *key;
  FieldType type;
  size_t offset;
  unsigned have;
} known_keys[] = {
#define K(name, type, have)                                                                        \
  { #name, type, offsetof(DbkCliStatus, name), have }
    K(state, FIELD_STRING, 0),
    K(sitting_usec, FIELD_U64, 0),
    K(sitting_since, FIELD_I64, 0),
    K(interval_usec, FIELD_U64, 0),
    K(break_length_usec, FIELD_U64, DBK_HAVE_BREAK_LENGTH),
    K(natural_break_usec, FIELD_U64, DBK_HAVE_NATURAL_BREAK),
    K(snooze_usec, FIELD_U64, DBK_HAVE_SNOOZE),
    K(remind_again_usec, FIELD_U64, DBK_HAVE_REMIND_AGAIN),
    K(next_reminder, FIELD_I64, 0),
    K(snoozed_until, FIELD_I64, 0),
    K(paused_until, FIELD_I64, 0),
    K(idle_source, FIELD_STRING, 0),
    K(idle_source_detail, FIELD_STRING, 0),
    K(locked, FIELD_BOOL, 0),
    K(config_path, FIELD_STRING, 0),
    K(config_error, FIELD_STRING, 0),
    K(notification_server, FIELD_STRING, DBK_HAVE_NOTIFICATION_SERVER),
    K(next_stretch, FIELD_STRING, 0),
    K(next_stretch_title, FIELD_STRING, 0),
    K(held, FIELD_BOOL, 0),
    K(held_reason, FIELD_STRING, 0),
    K(stretches, FIELD_STRV, DBK_HAVE_STRETCHES),
    K(times_shown, FIELD_U32, 0),
    K(breaks_today, FIELD_U32, DBK_HAVE_TODAY),
    K(reminders_today, FIELD_U32, DBK_HAVE_TODAY),
    K(snoozes_today, FIELD_U32, DBK_HAVE_TODAY),
    K(skips_today, FIELD_U32, DBK_HAVE_TODAY),
    K(version, FIELD_STRING, 0),
#undef K
};

static void reset_fields(DbkCliStatus *status) {
  if (status->stretches != empty_strv)
    free(status->stretches);

  DbkStatusEntry *entries = status->entries;
  size_t n_entries = status->n_entries;
  memset(status, 0, sizeof(*status));
  status->entries = entries;
  status->n_entries = n_entries;

  status->state = "";
  status->idle_source = "";
  status->idle_source_detail = "";
  status->config_path = "";
  status->config_error = "";
  status->notification_server = "";
  status->next_stretch = "";
  status->next_stretch_title = "";
  status->held_reason = "";
  status->version = "";
  status->stretches = (const char **)empty_strv;
}

/*
 * Stores `v` into the field at `field`. Returns 1, 0 when the type does not
 * fit, or -ENOMEM.
 */
static int fill_field(void *field, FieldType type, const DbkValue *v, DbkCliStatus *status) {
  switch (type) {
  case FIELD_U64:
    if (v->kind == DBK_VALUE_UINT)
      *(uint64_t *)field = v->u;
    else if (v->kind == DBK_VALUE_INT && v->i >= 0)
      *(uint64_t *)field = (uint64_t)v->i;
    else
      return 0;
    return 1;
  case FIELD_I64:
    if (v->kind == DBK_VALUE_INT)
      *(int64_t *)field = v->i;
    else if (v->kind == DBK_VALUE_UINT && v->u <= INT64_MAX)
      *(int64_t *)field = (int64_t)v->u;
    else
      return 0;
    return 1;
  case FIELD_U32:
    if (v->kind == DBK_VALUE_UINT && v->u <= UINT32_MAX)
      *(uint32_t *)field = (uint32_t)v->u;
    else if (v->kind == DBK_VALUE_INT && v->i >= 0 && v->i <= (int64_t)UINT32_MAX)
      *(uint32_t *)field = (uint32_t)v->i;
    else
      return 0;
    return 1;
  case FIELD_BOOL:
    if (v->kind != DBK_VALUE_BOOL)
      return 0;
    *(bool *)field = v->b;
    return 1;
  case FIELD_STRING:
    if (v->kind != DBK_VALUE_STRING)
      return 0;
    *(const char **)field = v->s;
    return 1;
  case FIELD_STRV: {
    if (v->kind != DBK_VALUE_ARRAY)
      return 0;
    for (size_t i = 0; i < v->array.n; i++)
      if (v->array.items[i].kind != DBK_VALUE_STRING)
        return 0;
    if (v->array.n == 0)
      return 1;
    const char **strv = calloc(v->array.n + 1, sizeof(char *));
    if (!strv)
      return -ENOMEM;
    for (size_t i = 0; i < v->array.n; i++)
      strv[i] = v->array.items[i].s;
    if (status->stretches != empty_strv)
      free(status->stretches);
    status->stretches = strv;
    status->n_stretches = v->array.n;
    return 1;
  }
  }
  return 0;
}

/* Fills the typed fields from `entries` again: they borrow from it. */
static int refresh_fields(DbkCliStatus *status) {
  reset_fields(status);
  for (size_t i = 0; i < status->n_entries; i++) {
    const DbkStatusEntry *e = &status->entries[i];
    for (size_t k = 0; k < sizeof(known_keys) / sizeof(known_keys[0]); k++) {
      if (strcmp(known_keys[k].key, e->key) != 0)
        continue;
      void *field = (char *)status + known_keys[k].offset;
      int r = fill_field(field, known_keys[k].type, &e->value, status);
      if (r < 0)
        return r;
      if (r > 0)
        status->present |= known_keys[k].have;
      break;
    }
  }
  return 0;
}

void dbk_cli_status_init(DbkCliStatus *status) {
  memset(status, 0, sizeof(*status));
  status->stretches = (const char **)empty_strv;
  reset_fields(status);
}

void dbk_cli_status_clear(DbkCliStatus *status) {
  for (size_t i = 0; i < status->n_entries; i++) {
    free(status->entries[i].key);
    dbk_value_clear(&status->entries[i].value);
  }
  free(status->entries);
  status->entries = NULL;
  status->n_entries = 0;
  reset_fields(status);
}

int dbk_cli_status_set(DbkCliStatus *status, const char *key, const DbkValue *value) {
  DbkValue copy;
  int r = value_copy(value, &copy);
  if (r < 0)
    return r;

  /* Entries stay sorted, so JSON output is the same whatever order the daemon used. */
  size_t lo = 0, hi = status->n_entries;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(status->entries[mid].key, key);
    if (c == 0) {
      dbk_value_clear(&status->entries[mid].value);
      status->entries[mid].value = copy;
      return refresh_fields(status);
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }

  char *key_copy = strdup(key);
  DbkStatusEntry *entries =
      key_copy ? realloc(status->entries, (status->n_entries + 1) * sizeof(DbkStatusEntry)) : NULL;
  if (!entries) {
    free(key_copy);
    dbk_value_clear(&copy);
    return -ENOMEM;
  }
  memmove(&entries[lo + 1], &entries[lo], (status->n_entries - lo) * sizeof(DbkStatusEntry));
  entries[lo] = (DbkStatusEntry){.key = key_copy, .value = copy};
  status->entries = entries;
  status->n_entries++;
  return refresh_fields(status);
}

/* ---- JSON ---- */

/* Length of the valid UTF-8 sequence at `p`, or 0 when it is not one. */
static size_t utf8_sequence_length(const unsigned char *p) {
  unsigned char c = p[0];
  size_t n;
  unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */

  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0)
      lo = 0xa0; /* overlong */
    else if (c == 0xed)
      hi = 0x9f; /* surrogates */
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0)
      lo = 0x90; /* overlong */
    else if (c == 0xf4)
      hi = 0x8f; /* above U+10FFFF */
  } else {
    return 0;
  }
  if (p[1] < lo || p[1] > hi)
    return 0;
  for (size_t i = 2; i < n; i++)
    if (p[i] < 0x80 || p[i] > 0xbf)
      return 0;
  return n;
}

void dbk_json_write_string(FILE *out, const char *text) {
  const unsigned char *p = (const unsigned char *)(text ? text : "");

  fputc('"', out);
  while (*p) {
    unsigned char c = *p;
    if (c == '"' || c == '\\') {
      fputc('\\', out);
      fputc(c, out);
      p++;
    } else if (c < 0x20) {
      switch (c) {
      case '\b':
        fputs("\\b", out);
        break;
      case '\f':
        fputs("\\f", out);
        break;
      case '\n':
        fputs("\\n", out);
        break;
      case '\r':
        fputs("\\r", out);
        break;
      case '\t':
        fputs("\\t", out);
        break;
      default:
        fprintf(out, "\\u%04x", c);
        break;
      }
      p++;
    } else if (c < 0x80) {
      fputc(c, out);
      p++;
    } else {
      /* D-Bus strings are valid UTF-8; should one not be, the output still is. */
      size_t n = utf8_sequence_length(p);
      if (n == 0) {
        fputs("\\ufffd", out);
        p++;
      } else {
        fwrite(p, 1, n, out);
        p += n;
      }
    }
  }
  fputc('"', out);
}

static void json_write_value(FILE *out, const DbkValue *v) {
  switch (v->kind) {
  case DBK_VALUE_BOOL:
    fputs(v->b ? "true" : "false", out);
    break;
  case DBK_VALUE_INT:
    fprintf(out, "%" PRIi64, v->i);
    break;
  case DBK_VALUE_UINT:
    fprintf(out, "%" PRIu64, v->u);
    break;
  case DBK_VALUE_DOUBLE:
    /* JSON has no NaN or infinity. */
    if (isfinite(v->d))
      fprintf(out, "%.17g", v->d);
    else
      fputs("null", out);
    break;
  case DBK_VALUE_STRING:
    dbk_json_write_string(out, v->s);
    break;
  case DBK_VALUE_ARRAY:
    fputc('[', out);
    for (size_t i = 0; i < v->array.n; i++) {
      if (i > 0)
        fputc(',', out);
      json_write_value(out, &v->array.items[i]);
    }
    fputc(']', out);
    break;
  }
}

void dbk_format_json(FILE *out, const DbkCliStatus *status) {
  fputc('{', out);
  for (size_t i = 0; i < status->n_entries; i++) {
    if (i > 0)
      fputc(',', out);
    dbk_json_write_string(out, status->entries[i].key);
    fputc(':', out);
    json_write_value(out, &status->entries[i].value);
  }
  fputs("}\n", out);
}

/* ---- times and durations ---- */

char *dbk_format_span(int64_t from, int64_t to, char *buf, size_t size) {
  uint64_t usec = 0;

  if (to > from) {
    /* Round to the second: "10m" rather than "9m 59s" a moment after a 10m snooze began. */
    uint64_t span = (uint64_t)to - (uint64_t)from;
    usec = (span + USEC_PER_SEC / 2) / USEC_PER_SEC * USEC_PER_SEC;
  }
  return dbk_duration_format_human(usec, buf, size);
}

static char *format_usec(uint64_t usec, char *buf, size_t size) {
  return dbk_format_span(0, usec > INT64_MAX ? INT64_MAX : (int64_t)usec, buf, size);
}

/* One piece of a strftime() format: a conversion ("%M", "%OS") or the text between. */
typedef struct {
  const char *start;
  size_t len;
  bool conversion;
} FormatPiece;

#define TIME_FORMAT_MAX 128
#define TIME_FORMAT_PIECES 32

/* Appends `fmt` to `out` with the shorthands for a whole time spelt out, so
 * that the seconds in them can be found. */
static void spell_out_time(const char *fmt, char *out, size_t size, int depth) {
  size_t len = strlen(out);

  for (const char *p = fmt; *p && len + 1 < size; p++) {
    const char *sub = NULL;
    if (p[0] == '%' && p[1] == 'r')
      sub = *nl_langinfo(T_FMT_AMPM) ? nl_langinfo(T_FMT_AMPM) : "%I:%M:%S %p";
    else if (p[0] == '%' && (p[1] == 'T' || p[1] == 'X'))
      sub = "%H:%M:%S";
    else if (p[0] == '%' && p[1] == 'R')
      sub = "%H:%M";
    if (sub && depth < 2) {
      out[len] = '\0';
      spell_out_time(sub, out, size, depth + 1);
      len = strlen(out);
      p++;
      continue;
    }
    out[len++] = *p;
    if (p[0] == '%' && p[1] && len + 1 < size)
      out[len++] = *++p;
  }
  out[len] = '\0';
}

static size_t split_format(const char *fmt, FormatPiece *pieces, size_t max) {
  size_t n = 0;

  for (const char *p = fmt; *p && n < max;) {
    if (*p == '%' && p[1]) {
      const char *end = p + 1;
      while (*end && strchr("_-0^#", *end)) /* GNU flags */
        end++;
      if (*end == 'E' || *end == 'O')
        end++;
      if (*end)
        end++;
      pieces[n++] = (FormatPiece){p, (size_t)(end - p), true};
      p = end;
    } else {
      const char *end = p;
      while (*end && *end != '%')
        end++;
      pieces[n++] = (FormatPiece){p, (size_t)(end - p), false};
      p = end;
    }
  }
  return n;
}

static char piece_letter(const FormatPiece *piece) {
  return piece->conversion ? piece->start[piece->len - 1] : '\0';
}

/*
 * How the locale writes a time of day, for strftime(), without seconds. The
 * locale's own time format is the start (nl_langinfo(T_FMT): "%H:%M:%S" in
 * C and de_DE, "%r" = "%I:%M:%S %p" in en_US, "%H時%M分%S秒" in ja_JP), its
 * shorthands spelt out; then the seconds go, with what belongs to them: a
 * unit written after them and the space before ("%M분 %S초" → "%M분"),
 * else the separator before them (":%S", ".%S"). The time zone's name goes
 * too (ar_EG and hi_IN write it): the reader's own goes without saying. A
 * 12-hour clock writes its hour without a leading zero, as people do:
 * "2:16 PM". A format that keeps no hour and minute gives way to "%H:%M".
 */
static void time_of_day_format(char *ret, size_t size) {
  char spelt[TIME_FORMAT_MAX] = "";
  FormatPiece pieces[TIME_FORMAT_PIECES];
  size_t n, len = 0;
  bool hour = false, minute = false;

  spell_out_time(nl_langinfo(T_FMT), spelt, sizeof(spelt), 0);
  n = split_format(spelt, pieces, TIME_FORMAT_PIECES);
  for (size_t i = 0; i < n; i++) {
    if (piece_letter(&pieces[i]) == 'Z' || piece_letter(&pieces[i]) == 'z')
      pieces[i].len = 0;
    if (piece_letter(&pieces[i]) != 'S')
      continue;
    FormatPiece *before = i > 0 && !pieces[i - 1].conversion ? &pieces[i - 1] : NULL;
    FormatPiece *after = i + 1 < n && !pieces[i + 1].conversion ? &pieces[i + 1] : NULL;
    size_t unit = 0;
    while (after && unit < after->len && after->start[unit] != ' ')
      unit++;
    if (unit > 0) {
      after->start += unit;
      after->len -= unit;
      while (before && before->len > 0 && before->start[before->len - 1] == ' ')
        before->len--;
    } else if (before && strspn(before->start, " .:,") >= before->len) {
      before->len = 0;
    }
    pieces[i].len = 0;
  }

  for (size_t i = 0; i < n && len + 1 < size; i++) {
    char letter = piece_letter(&pieces[i]);
    if (pieces[i].len == 0)
      continue;
    hour = hour || strchr("HIkl", letter);
    minute = minute || letter == 'M';
    if (letter == 'I' || letter == 'l') {
      len += (size_t)snprintf(ret + len, size - len, "%%-%c", letter);
      continue;
    }
    len += (size_t)snprintf(ret + len, size - len, "%.*s", (int)pieces[i].len, pieces[i].start);
  }
  /* The spaces that went with a time zone at either end. */
  while (len > 0 && len < size && ret[len - 1] == ' ')
    ret[--len] = '\0';
  size_t lead = strspn(ret, " ");
  memmove(ret, ret + lead, strlen(ret + lead) + 1);
  if (!hour || !minute || len >= size)
    snprintf(ret, size, "%s", "%H:%M");
}

char *dbk_format_clock(int64_t at, int64_t now, char *buf, size_t size) {
  time_t at_sec = (time_t)((at > 0 ? at : 0) / USEC_PER_SEC);
  time_t now_sec = (time_t)((now > 0 ? now : 0) / USEC_PER_SEC);
  struct tm at_tm, now_tm;
  char format[TIME_FORMAT_MAX], clock_text[DBK_CLOCK_BUF], day[DBK_CLOCK_BUF];

  if (size == 0)
    return buf;
  if (!localtime_r(&at_sec, &at_tm) || !localtime_r(&now_sec, &now_tm)) {
    snprintf(buf, size, "?");
    return buf;
  }
  time_of_day_format(format, sizeof(format));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* the locale's, made above */
  if (strftime(clock_text, sizeof(clock_text), format, &at_tm) == 0)
    clock_text[0] = '\0';
#pragma GCC diagnostic pop
  if (at_tm.tm_year == now_tm.tm_year && at_tm.tm_yday == now_tm.tm_yday) {
    snprintf(buf, size, "%s", clock_text);
  } else if (at_sec > now_sec && at_sec - now_sec < 6 * 24 * 3600) {
    /* A weekday is clear within the coming week; a date beyond it. */
    if (strftime(day, sizeof(day), "%a", &at_tm) == 0)
      day[0] = '\0';
    /* TRANSLATORS: a moment in the coming week: the weekday as the locale
     * shortens it ("Tue") and the time of day ("14:32", "2:32 PM"). Swap
     * them as %2$s %1$s where the time comes first. */
    snprintf(buf, size, C_("weekday and time", "%1$s %2$s"), day, clock_text);
  } else {
    /* The date as ISO 8601 writes it, which every reader can tell apart. */
    if (strftime(day, sizeof(day), "%Y-%m-%d", &at_tm) == 0)
      day[0] = '\0';
    /* TRANSLATORS: a date ("2026-11-22") and the time of day ("14:32"). */
    snprintf(buf, size, C_("date and time", "%1$s %2$s"), day, clock_text);
  }
  return buf;
}

/* True when `at` is less than half a second after `now`: it is happening now. */
static bool is_now(int64_t at, int64_t now) {
  return at - now < USEC_PER_SEC / 2;
}

/* ---- the human status ---- */

/*
 * The status line is clauses joined by " · ": each clause is a message of
 * its own, which reads on its own after the separator.
 */

static void print_sitting_clause(FILE *out, const DbkCliStatus *s) {
  char buf[DBK_DURATION_BUF];

  if (s->sitting_usec >= (uint64_t)USEC_PER_SEC / 2) {
    fputs(DOT, out);
    /* TRANSLATORS: a clause of the status line, after " · "; %s is a
     * duration, "24m". */
    fprintf(out, _("sitting for %s"), format_usec(s->sitting_usec, buf, sizeof(buf)));
  }
}

static void print_next_reminder(FILE *out, const DbkCliStatus *s, int64_t now, bool with_interval) {
  char buf[DBK_DURATION_BUF], every[DBK_DURATION_BUF];

  if (s->next_reminder > 0) {
    fputs(DOT, out);
    if (is_now(s->next_reminder, now))
      /* TRANSLATORS: a clause of the status line, after " · ". */
      fputs(_("reminder due now"), out);
    else
      /* TRANSLATORS: a clause of the status line, after " · "; %s is a
       * duration, "6m". */
      fprintf(out, _("next reminder in %s"),
              dbk_format_span(now, s->next_reminder, buf, sizeof(buf)));
    if (with_interval && s->interval_usec > 0) {
      fputc(' ', out);
      /* TRANSLATORS: after "next reminder in 6m"; %s is the interval,
       * "30m". */
      fprintf(out, _("(every %s)"), format_usec(s->interval_usec, every, sizeof(every)));
    }
  } else if (with_interval && s->interval_usec > 0) {
    fputs(DOT, out);
    /* TRANSLATORS: a clause of the status line, after " · "; %s is the
     * interval, "30m". */
    fprintf(out, _("reminder after %s of sitting"),
            format_usec(s->interval_usec, every, sizeof(every)));
  }
}

/* The title of a stretch in the reader's language: a built-in stretch's
 * through the catalog, the user's own as the daemon sent it. */
static const char *stretch_title(const char *id, const char *title) {
  const DbkStretch *builtin = dbk_stretch_find(id);

  if (builtin)
    return _(title[0] ? title : builtin->title);
  return title[0] ? title : id;
}

static void print_headline(FILE *out, const DbkCliStatus *s, int64_t now) {
  char buf[DBK_DURATION_BUF], clock[DBK_CLOCK_BUF];
  const char *state = s->state;

  if (strcmp(state, "sitting") == 0) {
    if (s->sitting_usec < (uint64_t)USEC_PER_SEC / 2)
      /* TRANSLATORS: the status line of someone who has just sat down. */
      fputs(_("Just sat down"), out);
    else
      /* TRANSLATORS: the status line's start; %s is a duration, "24m". */
      fprintf(out, _("Sitting for %s"), format_usec(s->sitting_usec, buf, sizeof(buf)));
    print_next_reminder(out, s, now, true);
    fputc('\n', out);

  } else if (strcmp(state, "idle") == 0) {
    /* TRANSLATORS: the status line's start: no input for a short while,
     * which still counts as sitting. */
    fputs(_("Idle for a moment"), out);
    print_sitting_clause(out, s);
    print_next_reminder(out, s, now, false);
    fputc('\n', out);

  } else if (strcmp(state, "away") == 0) {
    /* TRANSLATORS: the status line when the user is away from the computer. */
    fputs(_("Away \u00b7 sitting time starts again when you're back"), out);
    if (s->interval_usec > 0) {
      fputc(' ', out);
      /* TRANSLATORS: after "… when you're back"; %s is the interval, "30m". */
      fprintf(out, _("(reminder after %s of sitting)"),
              format_usec(s->interval_usec, buf, sizeof(buf)));
    }
    fputc('\n', out);

  } else if (strcmp(state, "due") == 0) {
    /* TRANSLATORS: the status line when a break is due. */
    fputs(_("Time for a break"), out);
    if (s->sitting_usec >= (uint64_t)USEC_PER_SEC / 2) {
      fputs(DASH, out);
      fprintf(out, _("sitting for %s"), format_usec(s->sitting_usec, buf, sizeof(buf)));
    }
    if (s->times_shown >= 2) {
      fputc(' ', out);
      /* TRANSLATORS: after "Time for a break — sitting for 40m": how often the
       * reminder has been shown; always 2 or more. */
      fprintf(out, ngettext("(reminded %u time)", "(reminded %u times)", s->times_shown),
              (unsigned)s->times_shown);
    }
    fputc('\n', out);
    if (s->next_stretch_title[0] || s->next_stretch[0])
      /* TRANSLATORS: %s is the name of the stretch suggested. */
      fprintf(out, _("Stretch: %s"), stretch_title(s->next_stretch, s->next_stretch_title));
    else
      fputs(_("Stand up and stretch"), out);
    fputs(DOT, out);
    /* TRANSLATORS: keep the commands "deskbreak break" and "deskbreak snooze"
     * as they are. */
    fputs(_("done: deskbreak break \u00b7 later: deskbreak snooze"), out);
    fputc('\n', out);
    if (s->held) {
      if (s->held_reason[0])
        /* TRANSLATORS: %s says what holds the reminder back, one of the
         * "… do-not-disturb" messages: "dunst is paused". */
        fprintf(out, _("Reminder held: do-not-disturb is on (%s); it shows when that ends\n"),
                _(s->held_reason));
      else
        fputs(_("Reminder held: do-not-disturb is on; it shows when that ends\n"), out);
    }

  } else if (strcmp(state, "snoozed") == 0) {
    if (s->snoozed_until > 0 && !is_now(s->snoozed_until, now))
      /* TRANSLATORS: the status line's start; a duration ("8m"), then
       * a time of day ("14:32", "2:32 PM", "Tue 14:32"). */
      fprintf(out, _("Snoozed for %s more (until %s)"),
              dbk_format_span(now, s->snoozed_until, buf, sizeof(buf)),
              dbk_format_clock(s->snoozed_until, now, clock, sizeof(clock)));
    else
      fputs(_("Snooze ending now"), out);
    print_sitting_clause(out, s);
    fputc('\n', out);

  } else if (strcmp(state, "paused") == 0) {
    if (s->paused_until < 0)
      /* TRANSLATORS: keep "deskbreak resume" as it is: it is a command. */
      fputs(_("Paused until you resume (deskbreak resume)"), out);
    else if (s->paused_until > 0 && !is_now(s->paused_until, now))
      /* TRANSLATORS: the status line's start; a duration ("50m"), then
       * a time of day ("14:32", "2:32 PM", "Tue 14:32"). */
      fprintf(out, _("Paused for %s more (until %s)"),
              dbk_format_span(now, s->paused_until, buf, sizeof(buf)),
              dbk_format_clock(s->paused_until, now, clock, sizeof(clock)));
    else
      fputs(_("Pause ending now"), out);
    print_sitting_clause(out, s);
    fputc('\n', out);

  } else {
    /* A state a newer daemon knows and this CLI does not: its name as sent. */
    /* TRANSLATORS: %s is the daemon's name for a state, in English. */
    fprintf(out, _("State: %s"), state[0] ? state : "unknown");
    print_sitting_clause(out, s);
    fputc('\n', out);
  }
}

/* `text` after `label`, its further lines indented under it. */
static void print_labelled(FILE *out, const char *label, const char *text) {
  fputs(label, out);
  for (const char *p = text; *p; p++) {
    fputc(*p, out);
    if (*p == '\n' && p[1])
      fputs("  ", out);
  }
  if (text[0] == '\0' || text[strlen(text) - 1] != '\n')
    fputc('\n', out);
}

/* The counts of a day, each a message with its plural forms. */
typedef enum {
  COUNT_BREAKS,
  COUNT_REMINDERS,
  COUNT_SNOOZES,
  COUNT_SKIPS,
} CountKind;

static void print_count(FILE *out, uint32_t n, CountKind kind) {
  unsigned long count = n;

  switch (kind) {
  case COUNT_BREAKS:
    /* TRANSLATORS: breaks taken today, "4 breaks". */
    fprintf(out, ngettext("%lu break", "%lu breaks", count), count);
    break;
  case COUNT_REMINDERS:
    /* TRANSLATORS: reminders shown today, "3 reminders". */
    fprintf(out, ngettext("%lu reminder", "%lu reminders", count), count);
    break;
  case COUNT_SNOOZES:
    /* TRANSLATORS: snoozes asked for today, "1 snooze". */
    fprintf(out, ngettext("%lu snooze", "%lu snoozes", count), count);
    break;
  case COUNT_SKIPS:
    /* TRANSLATORS: reminders skipped today, "0 skips". */
    fprintf(out, ngettext("%lu skip", "%lu skips", count), count);
    break;
  }
}

static void print_details(FILE *out, const DbkCliStatus *s) {
  char buf[DBK_DURATION_BUF];

  if (s->idle_source[0]) {
    /* TRANSLATORS: %s is the name of an idle source, "mutter", "x11"… */
    fprintf(out, _("Idle source: %s"), s->idle_source);
    /* Why the better sources were passed over, as the daemon words it. */
    if (s->idle_source_detail[0])
      fprintf(out, " (%s)", s->idle_source_detail);
    fputc('\n', out);
  }
  if (s->locked)
    fputs(_("Screen: locked\n"), out);

  if (s->config_path[0])
    /* TRANSLATORS: %s is the config file's path. */
    fprintf(out, _("Config: %s\n"), s->config_path);
  else
    fputs(_("Config: built-in defaults\n"), out);

  if (s->present & DBK_HAVE_NOTIFICATION_SERVER) {
    if (s->notification_server[0])
      /* TRANSLATORS: %s is the notification server's name, "dunst". */
      fprintf(out, _("Notifications: %s\n"), s->notification_server);
    else
      fputs(_("Notifications: none \u2014 reminders go to the log\n"), out);
  }

  if (s->interval_usec > 0) {
    /* TRANSLATORS: the timer settings line starts with this; %s is a
     * duration, "30m". The clauses after it follow " · ". */
    fprintf(out, _("Timer: every %s"), format_usec(s->interval_usec, buf, sizeof(buf)));
    if (s->present & DBK_HAVE_BREAK_LENGTH) {
      fputs(DOT, out);
      /* TRANSLATORS: the break-length setting, "break 30s". */
      fprintf(out, _("break %s"), format_usec(s->break_length_usec, buf, sizeof(buf)));
    }
    if (s->present & DBK_HAVE_NATURAL_BREAK) {
      fputs(DOT, out);
      /* TRANSLATORS: the natural-break setting, "natural break 5m". */
      fprintf(out, _("natural break %s"), format_usec(s->natural_break_usec, buf, sizeof(buf)));
    }
    if (s->present & DBK_HAVE_SNOOZE) {
      fputs(DOT, out);
      /* TRANSLATORS: the snooze setting, "snooze 10m". */
      fprintf(out, _("snooze %s"), format_usec(s->snooze_usec, buf, sizeof(buf)));
    }
    if (s->present & DBK_HAVE_REMIND_AGAIN) {
      fputs(DOT, out);
      if (s->remind_again_usec > 0)
        /* TRANSLATORS: the remind-again setting, "remind again 5m". */
        fprintf(out, _("remind again %s"), format_usec(s->remind_again_usec, buf, sizeof(buf)));
      else
        fputs(_("remind again never"), out);
    }
    fputc('\n', out);
  }

  if (s->n_stretches > 0 || s->next_stretch[0]) {
    /* TRANSLATORS: followed by the stretch ids of the rotation, as they are. */
    fputs(_("Stretches:"), out);
    for (size_t i = 0; i < s->n_stretches; i++)
      fprintf(out, "%s%s", i == 0 ? " " : ", ", s->stretches[i]);
    if (s->next_stretch[0]) {
      fputs(s->n_stretches > 0 ? DOT : " ", out);
      /* TRANSLATORS: %s is a stretch id, "doorway", as it is. */
      fprintf(out, _("next: %s"), s->next_stretch);
    }
    fputc('\n', out);
  }

  if (s->present & DBK_HAVE_TODAY) {
    /* TRANSLATORS: followed by today's counts, "4 breaks · 3 reminders …". */
    fputs(_("Today:"), out);
    fputc(' ', out);
    print_count(out, s->breaks_today, COUNT_BREAKS);
    fputs(DOT, out);
    print_count(out, s->reminders_today, COUNT_REMINDERS);
    fputs(DOT, out);
    print_count(out, s->snoozes_today, COUNT_SNOOZES);
    fputs(DOT, out);
    print_count(out, s->skips_today, COUNT_SKIPS);
    fputc('\n', out);
  }

  if (s->version[0])
    /* TRANSLATORS: %s is a version number, "0.1.0". */
    fprintf(out, _("Version: deskbreakd %s\n"), s->version);
}

void dbk_format_status(FILE *out, const DbkCliStatus *status, int64_t now, unsigned flags) {
  print_headline(out, status, now);
  if (status->config_error[0])
    /* TRANSLATORS: followed by the daemon's message about the config file. */
    print_labelled(out, _("Config error: "), status->config_error);
  if (strcmp(status->idle_source, "none") == 0)
    fputs(_("No idle detection: every moment counts as sitting\n"), out);
  if (flags & DBK_FORMAT_VERBOSE)
    print_details(out, status);
}

/* ---- replies to snooze and pause ---- */

void dbk_format_snoozed(FILE *out, uint64_t usec, int64_t until, int64_t now) {
  char buf[DBK_DURATION_BUF], clock[DBK_CLOCK_BUF];

  /* Snooze(0) takes the configured default: the reply's end tells how long. */
  if (usec == 0)
    dbk_format_span(now, until, buf, sizeof(buf));
  else
    format_usec(usec, buf, sizeof(buf));
  /* TRANSLATORS: the reply to `deskbreak snooze`: a duration ("10m"), then a
   * time of day ("14:32", "2:32 PM", "Tue 14:32"). */
  fprintf(out, _("Snoozed for %s, until %s\n"), buf,
          dbk_format_clock(until, now, clock, sizeof(clock)));
}

void dbk_format_paused(FILE *out, uint64_t usec, int64_t now) {
  char buf[DBK_DURATION_BUF], clock[DBK_CLOCK_BUF];

  if (usec == 0) {
    fputs(_("Paused until you resume (deskbreak resume)"), out);
    fputc('\n', out);
    return;
  }
  int64_t until = usec > (uint64_t)(INT64_MAX - now) ? INT64_MAX : now + (int64_t)usec;
  /* TRANSLATORS: the reply to `deskbreak pause`: a duration ("1h"), then a
   * time of day ("14:32", "2:32 PM", "Tue 14:32"). */
  fprintf(out, _("Paused for %s, until %s\n"), format_usec(usec, buf, sizeof(buf)),
          dbk_format_clock(until, now, clock, sizeof(clock)));
}

/* ---- stretches ---- */

static bool strv_contains(const char *const *strv, const char *s) {
  for (; strv && *strv; strv++)
    if (strcmp(*strv, s) == 0)
      return true;
  return false;
}

void dbk_format_stretch_list(FILE *out, const DbkStretch *stretches, size_t n,
                             const char *const *rotation, bool rotation_is_default) {
  int width = 2;

  for (size_t i = 0; i < n; i++)
    if ((int)strlen(stretches[i].id) > width)
      width = (int)strlen(stretches[i].id);

  for (size_t i = 0; i < n; i++) {
    DbkStretch st = dbk_stretch_translated(&stretches[i]);
    fprintf(out, "%c %-*s  %s\n", strv_contains(rotation, st.id) ? '*' : ' ', width, st.id,
            st.title);
    if (st.hold)
      fprintf(out, "  %-*s  %s\n", width, "", st.hold);
  }
  /* A rotation naming a stretch this CLI does not know (a newer daemon). */
  for (const char *const *id = rotation; id && *id; id++) {
    bool builtin = false;
    for (size_t i = 0; i < n && !builtin; i++)
      builtin = strcmp(stretches[i].id, *id) == 0;
    if (!builtin) {
      fprintf(out, "* %-*s  ", width, *id);
      /* TRANSLATORS: in the list of stretches, beside an id that a newer
       * deskbreakd named and this deskbreak does not know. */
      fputs(_("(not known to this deskbreak)"), out);
      fputc('\n', out);
    }
  }

  fputc('\n', out);
  if (rotation_is_default)
    fputs(_("* = the default rotation; deskbreakd is not running, so your config is not known.\n"),
          out);
  else
    fputs(_("* = in the rotation, suggested in turn.\n"), out);
  /* TRANSLATORS: keep "stretches=", "[notify]" and the commands as they are. */
  fputs(_("Change it with stretches= under [notify] in the config file (deskbreak config path);\n"
          "deskbreak stretch ID shows one in full.\n"),
        out);
}

void dbk_format_stretch(FILE *out, const DbkStretch *stretch) {
  DbkStretch st = dbk_stretch_translated(stretch);

  fprintf(out, "%s (%s)\n\n", st.title, st.id);
  for (size_t i = 0; i < DBK_STRETCH_STEPS_MAX && st.steps[i]; i++)
    fprintf(out, "  %zu. %s\n", i + 1, st.steps[i]);
  if (st.hold || st.safety)
    fputc('\n', out);
  if (st.hold)
    fprintf(out, "%s\n", st.hold);
  if (st.safety)
    fprintf(out, "%s\n", st.safety);
}

/* ---- deskbreak stats ---- */

int dbk_break_kind_from_string(const char *name) {
  for (int i = 0; i < DBK_BREAK_KINDS; i++)
    if (strcmp(dbk_break_kind_to_string((DbkBreakKind)i), name) == 0)
      return i;
  return -1;
}

int dbk_cli_day_set(DbkCliDay *day, const char *key, const DbkValue *value) {
  static const struct {
    const char *key;
    FieldType type;
    size_t offset;
  } day_keys[] = {
      {"sitting_usec", FIELD_U64, offsetof(DbkCliDay, sitting_usec)},
      {"longest_usec", FIELD_U64, offsetof(DbkCliDay, longest_usec)},
      {"reminders", FIELD_U32, offsetof(DbkCliDay, reminders)},
      {"breaks", FIELD_U32, offsetof(DbkCliDay, breaks)},
      {"snoozes", FIELD_U32, offsetof(DbkCliDay, snoozes)},
      {"skips", FIELD_U32, offsetof(DbkCliDay, skips)},
  };

  if (strcmp(key, "date") == 0) {
    if (value->kind != DBK_VALUE_STRING)
      return 0;
    snprintf(day->date, sizeof(day->date), "%s", value->s ? value->s : "");
    return 1;
  }
  for (size_t i = 0; i < sizeof(day_keys) / sizeof(day_keys[0]); i++)
    if (strcmp(day_keys[i].key, key) == 0)
      /* Numbers only: fill_field() needs no status for those. */
      return fill_field((char *)day + day_keys[i].offset, day_keys[i].type, value, NULL);
  return 0;
}

/* Terminal escapes, used only with DBK_STATS_COLOUR. */
#define ANSI_BOLD "\033[1m"
#define ANSI_DIM "\033[2m"
#define ANSI_CYAN "\033[36m"
#define ANSI_RESET "\033[0m"

/* Cells of the bar of the longest day. */
#define BAR_CELLS 20

/* Day of the week, 0 = Sunday, of a proleptic Gregorian date (Sakamoto). */
static int weekday(int y, int m, int d) {
  static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3)
    y--;
  return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

/* The weekday of "2024-04-25" as the locale shortens it: "Thu", "Do",
 * "jeu."; "" when `date` is not a date. Returns `buf`. */
static char *date_weekday(const char *date, char *buf, size_t size) {
  int y, m, d, n = 0;
  struct tm tm = {0};

  buf[0] = '\0';
  if (sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || date[n] != '\0' || y < 1 || m < 1 ||
      m > 12 || d < 1 || d > 31)
    return buf;
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  tm.tm_wday = weekday(y, m, d);
  if (strftime(buf, size, "%a", &tm) == 0)
    buf[0] = '\0';
  return buf;
}

/* The widest of the locale's short weekday names, in columns. */
static int weekday_width(void) {
  int width = 0;
  char name[DBK_CLOCK_BUF];

  for (int wday = 0; wday < 7; wday++) {
    struct tm tm = {.tm_wday = wday, .tm_mday = 1, .tm_year = 100};
    if (strftime(name, sizeof(name), "%a", &tm) > 0 && text_width(name) > width)
      width = text_width(name);
  }
  return width;
}

/* Sitting time for the table: "5h 10m", "-" for none. */
static char *format_sitting(uint64_t usec, char *buf, size_t size) {
  if (usec < (uint64_t)USEC_PER_SEC / 2) {
    snprintf(buf, size, "-");
    return buf;
  }
  return format_usec(usec, buf, size);
}

/*
 * A bar of `value` against `max`, BAR_CELLS cells wide, padded with spaces
 * when `pad`. Unicode: whole blocks and one eighth block, so a bar moves in
 * eighths of a cell; otherwise '#' a cell. A day with any sitting shows at
 * least a sliver.
 */
static void print_bar(FILE *out, uint64_t value, uint64_t max, unsigned flags, bool pad) {
  static const char *const eighths[] = {"",       "\u258f", "\u258e", "\u258d",
                                        "\u258c", "\u258b", "\u258a", "\u2589"};
  bool unicode = flags & DBK_STATS_UNICODE;
  unsigned steps = unicode ? 8 : 1;
  unsigned n = 0, cells;

  if (max > 0 && value > 0) {
    n = (unsigned)((long double)(value > max ? max : value) * BAR_CELLS * steps / max + 0.5L);
    if (n == 0)
      n = 1;
  }
  cells = n / steps + (n % steps != 0);

  if (n > 0 && (flags & DBK_STATS_COLOUR))
    fputs(ANSI_CYAN, out);
  for (unsigned i = 0; i < n / steps; i++)
    fputs(unicode ? "\u2588" : "#", out);
  if (unicode)
    fputs(eighths[n % steps], out);
  if (n > 0 && (flags & DBK_STATS_COLOUR))
    fputs(ANSI_RESET, out);
  if (pad)
    for (unsigned i = cells; i < BAR_CELLS; i++)
      fputc(' ', out);
}

static void print_today(FILE *out, const DbkCliDay *day, unsigned flags) {
  const char *sep = (flags & DBK_STATS_UNICODE) ? DOT : ", ";
  /* TRANSLATORS: the start of `deskbreak stats`, followed by today's figures. */
  const char *label = _("Today:");
  char buf[DBK_DURATION_BUF];
  uint32_t reminded = 0, natural = 0;

  reminded = day->breaks_by_kind[DBK_BREAK_BREAK_LENGTH] + day->breaks_by_kind[DBK_BREAK_ACTION] +
             day->breaks_by_kind[DBK_BREAK_COMMAND];
  natural = day->breaks_by_kind[DBK_BREAK_NATURAL] + day->breaks_by_kind[DBK_BREAK_LOCK] +
            day->breaks_by_kind[DBK_BREAK_SUSPEND];

  fprintf(out, "%s%s%s ", (flags & DBK_STATS_COLOUR) ? ANSI_BOLD : "", label,
          (flags & DBK_STATS_COLOUR) ? ANSI_RESET : "");
  if (day->sitting_usec >= (uint64_t)USEC_PER_SEC / 2)
    /* TRANSLATORS: today's sitting time in `deskbreak stats`, "sat 2h 24m". */
    fprintf(out, _("sat %s"), format_usec(day->sitting_usec, buf, sizeof(buf)));
  else
    fputs(_("no sitting yet"), out);
  if (day->longest_usec >= (uint64_t)USEC_PER_SEC / 2) {
    fputs(sep, out);
    /* TRANSLATORS: today's longest sitting session, "longest 38m". */
    fprintf(out, _("longest %s"), format_usec(day->longest_usec, buf, sizeof(buf)));
  }
  fputs(sep, out);
  print_count(out, day->breaks, COUNT_BREAKS);
  if (day->breaks > 0) {
    char when_reminded[64], when_natural[64];
    snprintf(when_reminded, sizeof(when_reminded),
             /* TRANSLATORS: of today's breaks, those taken for a reminder:
              * "3 when reminded", in "4 breaks (3 when reminded, 1 natural)". */
             ngettext("%lu when reminded", "%lu when reminded", (unsigned long)reminded),
             (unsigned long)reminded);
    snprintf(when_natural, sizeof(when_natural),
             /* TRANSLATORS: of today's breaks, those that came from walking
              * away, locking the screen or suspending: "1 natural", in "4
              * breaks (3 when reminded, 1 natural)". */
             ngettext("%lu natural", "%lu natural", (unsigned long)natural),
             (unsigned long)natural);
    fputc(' ', out);
    /* TRANSLATORS: after "4 breaks": "3 when reminded" and "1 natural". */
    fprintf(out, C_("break kinds", "(%s, %s)"), when_reminded, when_natural);
  }
  /* The second line starts under the first's figures. */
  fputc('\n', out);
  for (int i = text_width(label) + 1; i > 0; i--)
    fputc(' ', out);
  print_count(out, day->reminders, COUNT_REMINDERS);
  fputs(sep, out);
  print_count(out, day->snoozes, COUNT_SNOOZES);
  fputs(sep, out);
  print_count(out, day->skips, COUNT_SKIPS);
  fputc('\n', out);
}

static int number_width(uint32_t n) {
  int width = 1;

  for (; n >= 10; n /= 10)
    width++;
  return width;
}

void dbk_format_stats(FILE *out, const DbkCliDay *days, size_t n, unsigned flags) {
  bool colour = flags & DBK_STATS_COLOUR;
  char buf[DBK_DURATION_BUF], name[DBK_CLOCK_BUF];
  uint64_t max = 0;

  if (n == 0)
    return;
  print_today(out, &days[n - 1], flags);
  fputc('\n', out);

  for (size_t i = 0; i < n; i++)
    if (days[i].sitting_usec > max)
      max = days[i].sitting_usec;

  /*
   * Day · sitting · bar · the four counts, right-aligned under their
   * headings. Each column is as wide as its heading or its widest cell,
   * counted in terminal columns, so the headings of any language line up.
   */
  /* TRANSLATORS: the column headings of `deskbreak stats`: the day, its
   * sitting time, and how many breaks, reminders, snoozes and skips. */
  const char *heading_day = C_("stats column", "Day");
  const char *heading_sitting = C_("stats column", "Sitting");
  const char *headings[4] = {C_("stats column", "Breaks"), C_("stats column", "Reminders"),
                             C_("stats column", "Snoozes"), C_("stats column", "Skips")};
  int weekday_cols = weekday_width();
  int day_cols = max_int(text_width(heading_day), weekday_cols + 1 + 10);
  int sitting_cols = text_width(heading_sitting);
  int count_cols[4];
  for (int k = 0; k < 4; k++)
    count_cols[k] = text_width(headings[k]);
  for (size_t i = 0; i < n; i++) {
    const DbkCliDay *d = &days[i];
    const uint32_t counts[4] = {d->breaks, d->reminders, d->snoozes, d->skips};
    sitting_cols =
        max_int(sitting_cols, text_width(format_sitting(d->sitting_usec, buf, sizeof(buf))));
    for (int k = 0; k < 4; k++)
      count_cols[k] = max_int(count_cols[k], number_width(counts[k]));
  }

  fputs(colour ? ANSI_DIM : "", out);
  print_padded(out, heading_day, day_cols, false);
  fputs("  ", out);
  print_padded(out, heading_sitting, sitting_cols, true);
  fprintf(out, "  %-*s", BAR_CELLS, "");
  for (int k = 0; k < 4; k++) {
    fputs("  ", out);
    print_padded(out, headings[k], count_cols[k], true);
  }
  fprintf(out, "%s\n", colour ? ANSI_RESET : "");

  for (size_t i = 0; i < n; i++) {
    const DbkCliDay *d = &days[i];
    const uint32_t counts[4] = {d->breaks, d->reminders, d->snoozes, d->skips};
    bool today = i == n - 1;

    fputs(colour && today ? ANSI_BOLD : "", out);
    print_padded(out, date_weekday(d->date, name, sizeof(name)), weekday_cols, false);
    fputc(' ', out);
    print_padded(out, d->date, day_cols - weekday_cols - 1, false);
    fputs(colour && today ? ANSI_RESET : "", out);
    fputs("  ", out);
    print_padded(out, format_sitting(d->sitting_usec, buf, sizeof(buf)), sitting_cols, true);
    fputs("  ", out);
    print_bar(out, d->sitting_usec, max, flags, true);
    for (int k = 0; k < 4; k++)
      fprintf(out, "  %*lu", count_cols[k], (unsigned long)counts[k]);
    fputc('\n', out);
  }
}

void dbk_format_stats_json(FILE *out, const DbkCliDay *days, size_t n) {
  fputs("{\"days\":[", out);
  for (size_t i = 0; i < n; i++) {
    const DbkCliDay *d = &days[i];
    if (i > 0)
      fputc(',', out);
    fputs("{\"date\":", out);
    dbk_json_write_string(out, d->date);
    fprintf(out,
            ",\"sitting_usec\":%" PRIu64 ",\"longest_usec\":%" PRIu64 ",\"reminders\":%" PRIu32
            ",\"breaks\":%" PRIu32 ",\"breaks_by_kind\":{",
            d->sitting_usec, d->longest_usec, d->reminders, d->breaks);
    for (int k = 0; k < DBK_BREAK_KINDS; k++)
      fprintf(out, "%s\"%s\":%" PRIu32, k > 0 ? "," : "", dbk_break_kind_to_string((DbkBreakKind)k),
              d->breaks_by_kind[k]);
    fprintf(out, "},\"snoozes\":%" PRIu32 ",\"skips\":%" PRIu32 "}", d->snoozes, d->skips);
  }
  fputs("]}\n", out);
}

/* ---- deskbreak monitor ---- */

#define USEC_PER_MIN (60 * USEC_PER_SEC)

/* polybar colours: a due break stands out, an absent daemon recedes. */
#define POLYBAR_DUE "#ed333b"
#define POLYBAR_OFF "#808080"

int dbk_monitor_format_from_string(const char *name, DbkMonitorFormat *ret) {
  static const char *const names[] = {
      [DBK_MONITOR_JSON] = "json",
      [DBK_MONITOR_WAYBAR] = "waybar",
      [DBK_MONITOR_I3BLOCKS] = "i3blocks",
      [DBK_MONITOR_POLYBAR] = "polybar",
  };
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    if (strcmp(names[i], name) == 0) {
      *ret = (DbkMonitorFormat)i;
      return 0;
    }
  }
  return -EINVAL;
}

static bool state_is(const DbkCliStatus *s, const char *state) {
  return s && strcmp(s->state, state) == 0;
}

/* Sitting time at `now`: counted on from sitting_since, 0 when away. */
static uint64_t monitor_sitting(const DbkCliStatus *s, int64_t now) {
  if (!s || state_is(s, "away"))
    return 0;
  if (s->sitting_since > 0)
    return now > s->sitting_since ? (uint64_t)(now - s->sitting_since) : 0;
  return s->sitting_usec;
}

/* Whole minutes as "24m" or "1h 5m", in the units of the messages. */
static char *format_minutes(uint64_t minutes, char *buf, size_t size) {
  if (minutes < 60)
    return dbk_duration_format_unit(minutes, DBK_UNIT_MINUTES, buf, size);
  if (minutes % 60)
    return dbk_duration_format_units(minutes / 60, DBK_UNIT_HOURS, minutes % 60, DBK_UNIT_MINUTES,
                                     buf, size);
  return dbk_duration_format_unit(minutes / 60, DBK_UNIT_HOURS, buf, size);
}

/* What is left until `end`, in minutes begun: 7m01s left reads "8m". */
static uint64_t minutes_left(int64_t end, int64_t now) {
  if (end <= now)
    return 0;
  uint64_t left = (uint64_t)end - (uint64_t)now;
  return left / USEC_PER_MIN + (left % USEC_PER_MIN != 0);
}

/*
 * The short text: sitting minutes, or a word for the state, in the
 * language of the messages (the state itself goes in "class" and "alt",
 * as the API names it).
 */
static void monitor_text(const DbkCliStatus *s, int64_t now, char *buf, size_t size) {
  char minutes[DBK_DURATION_BUF];

  if (!s) {
    /* TRANSLATORS: the status bar's text while deskbreakd is not running.
     * The bar's texts are short: a word or two. */
    snprintf(buf, size, "%s", C_("status bar", "off"));
  } else if (state_is(s, "sitting") || state_is(s, "idle")) {
    format_minutes(monitor_sitting(s, now) / USEC_PER_MIN, buf, size);
  } else if (state_is(s, "due")) {
    /* TRANSLATORS: the status bar's text when a break is due. */
    snprintf(buf, size, "%s", C_("status bar", "stretch!"));
  } else if (state_is(s, "snoozed")) {
    uint64_t left = minutes_left(s->snoozed_until, now);
    if (left > 0)
      /* TRANSLATORS: the status bar's text while snoozed; %s is what is
       * left of the snooze, "8m". */
      snprintf(buf, size, C_("status bar", "snoozed %s"),
               format_minutes(left, minutes, sizeof(minutes)));
    else
      snprintf(buf, size, "%s", C_("status bar", "snoozed"));
  } else if (state_is(s, "paused")) {
    uint64_t left = s->paused_until > 0 ? minutes_left(s->paused_until, now) : 0;
    if (left > 0)
      /* TRANSLATORS: the status bar's text while paused; %s is what is left
       * of the pause, "50m". */
      snprintf(buf, size, C_("status bar", "paused %s"),
               format_minutes(left, minutes, sizeof(minutes)));
    else
      snprintf(buf, size, "%s", C_("status bar", "paused"));
  } else if (state_is(s, "away")) {
    /* TRANSLATORS: the status bar's text while the user is away. */
    snprintf(buf, size, "%s", C_("status bar", "away"));
  } else {
    /* A state a newer daemon knows and this CLI does not. */
    snprintf(buf, size, "%s", s->state[0] ? s->state : "unknown");
  }
}

/* Sitting time as a share of the interval, 0..100. */
static unsigned monitor_percentage(const DbkCliStatus *s, int64_t now) {
  if (!s || s->interval_usec == 0)
    return 0;
  uint64_t sitting = monitor_sitting(s, now);
  if (sitting >= s->interval_usec)
    return 100;
  return (unsigned)((long double)sitting * 100 / s->interval_usec);
}

/*
 * The human status at `now`, without the final newline; free() it. Sitting
 * time is counted on and cut to the minute, as the short text shows it.
 */
static char *monitor_tooltip(const DbkCliStatus *s, int64_t now) {
  char *text = NULL;
  size_t size = 0;
  FILE *f;

  if (!s)
    return strdup(_("deskbreakd is not running"));
  f = open_memstream(&text, &size);
  if (!f)
    return NULL;
  DbkCliStatus at_now = *s;
  at_now.sitting_usec = monitor_sitting(s, now) / USEC_PER_MIN * USEC_PER_MIN;
  dbk_format_status(f, &at_now, now, 0);
  if (fclose(f) != 0) {
    free(text);
    return NULL;
  }
  while (size > 0 && text[size - 1] == '\n')
    text[--size] = '\0';
  return text;
}

/*
 * `text` as a JSON string of Pango markup. waybar reads a custom module's
 * text, alt and tooltip as markup; its "escape" option escapes the tooltip
 * too only from 0.10.1 on, so the README leaves the option out and the line
 * carries markup for every version. Only & < > mean anything in markup
 * outside a tag; quotes stay as they are (the tooltips are full of
 * "you're").
 */
static void write_markup_json(FILE *out, const char *text) {
  char *markup = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&markup, &size);

  if (f) {
    for (const char *p = text; *p; p++) {
      switch (*p) {
      case '&':
        fputs("&amp;", f);
        break;
      case '<':
        fputs("&lt;", f);
        break;
      case '>':
        fputs("&gt;", f);
        break;
      default:
        fputc(*p, f);
      }
    }
    if (fclose(f) != 0) {
      free(markup);
      markup = NULL;
    }
  }
  dbk_json_write_string(out, markup ? markup : "");
  free(markup);
}

/*
 * `text` on one line: control characters (a newline, say) become spaces.
 * For polybar, which shows a `%` as it is and takes `%{` as the start of a
 * formatting tag: a `%` before a `{` is followed by the empty offset tag
 * %{O0}, so the `{` after it is text again.
 */
static void write_one_line(FILE *out, const char *text, bool polybar) {
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if (*p < 0x20 || *p == 0x7f)
      fputc(' ', out);
    else if (*p == '%' && p[1] == '{' && polybar)
      fputs("%%{O0}", out);
    else
      fputc(*p, out);
  }
}

void dbk_format_monitor(FILE *out, DbkMonitorFormat format, const DbkCliStatus *status,
                        int64_t now) {
  const char *state = status ? (status->state[0] ? status->state : "unknown") : "off";
  char text[2 * DBK_DURATION_BUF];
  char *tooltip;

  monitor_text(status, now, text, sizeof(text));
  switch (format) {
  case DBK_MONITOR_JSON:
    tooltip = monitor_tooltip(status, now);
    fputs("{\"state\":", out);
    dbk_json_write_string(out, state);
    fputs(",\"text\":", out);
    dbk_json_write_string(out, text);
    fputs(",\"tooltip\":", out);
    dbk_json_write_string(out, tooltip ? tooltip : "");
    fputs(",\"class\":", out);
    dbk_json_write_string(out, state);
    fprintf(out,
            ",\"percentage\":%u,\"sitting_usec\":%" PRIu64 ",\"sitting_since\":%" PRIi64
            ",\"interval_usec\":%" PRIu64 ",\"next_reminder\":%" PRIi64
            ",\"snoozed_until\":%" PRIi64 ",\"paused_until\":%" PRIi64 "}\n",
            monitor_percentage(status, now), monitor_sitting(status, now),
            status ? status->sitting_since : 0, status ? status->interval_usec : 0,
            status ? status->next_reminder : 0, status ? status->snoozed_until : 0,
            status ? status->paused_until : 0);
    free(tooltip);
    break;
  case DBK_MONITOR_WAYBAR:
    /* What waybar's custom module reads with "return-type": "json": markup,
     * but for the class. */
    tooltip = monitor_tooltip(status, now);
    fputs("{\"text\":", out);
    write_markup_json(out, text);
    fputs(",\"alt\":", out);
    write_markup_json(out, state);
    fputs(",\"tooltip\":", out);
    write_markup_json(out, tooltip ? tooltip : "");
    fputs(",\"class\":", out);
    dbk_json_write_string(out, state);
    fprintf(out, ",\"percentage\":%u}\n", monitor_percentage(status, now));
    free(tooltip);
    break;
  case DBK_MONITOR_I3BLOCKS:
    write_one_line(out, text, false);
    fputc('\n', out);
    break;
  case DBK_MONITOR_POLYBAR: {
    const char *colour = !status ? POLYBAR_OFF : state_is(status, "due") ? POLYBAR_DUE : NULL;
    if (colour)
      fprintf(out, "%%{F%s}", colour);
    write_one_line(out, text, true);
    if (colour)
      fputs("%{F-}", out);
    fputc('\n', out);
    break;
  }
  }
}

int64_t dbk_monitor_next_tick(const DbkCliStatus *s, int64_t now) {
  int64_t anchor = now;

  /* The countdown shown changes a whole number of minutes from its anchor. */
  if (state_is(s, "snoozed") && s->snoozed_until > now)
    anchor = s->snoozed_until;
  else if (state_is(s, "paused") && s->paused_until > now)
    anchor = s->paused_until;
  else if (s && !state_is(s, "away") && s->sitting_since > 0)
    anchor = s->sitting_since;

  int64_t phase = (now - anchor) % USEC_PER_MIN;
  if (phase < 0)
    phase += USEC_PER_MIN;
  return now + (USEC_PER_MIN - phase);
}
