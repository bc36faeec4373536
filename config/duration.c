/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "duration.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include "i18n.h"

#define USEC_PER_SEC UINT64_C(1000000)

static const struct {
  const char *name;
  uint64_t usec;
} units[] = {
    {"s", USEC_PER_SEC},
    {"sec", USEC_PER_SEC},
    {"secs", USEC_PER_SEC},
    {"second", USEC_PER_SEC},
    {"seconds", USEC_PER_SEC},
    {"m", 60 * USEC_PER_SEC},
    {"min", 60 * USEC_PER_SEC},
    {"mins", 60 * USEC_PER_SEC},
    {"minute", 60 * USEC_PER_SEC},
    {"minutes", 60 * USEC_PER_SEC},
    {"h", 3600 * USEC_PER_SEC},
    {"hr", 3600 * USEC_PER_SEC},
    {"hrs", 3600 * USEC_PER_SEC},
    {"hour", 3600 * USEC_PER_SEC},
    {"hours", 3600 * USEC_PER_SEC},
    {"d", 86400 * USEC_PER_SEC},
    {"day", 86400 * USEC_PER_SEC},
    {"days", 86400 * USEC_PER_SEC},
};

static bool unit_lookup(const char *name, size_t len, uint64_t *ret_usec) {
  for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
    if (strlen(units[i].name) == len && strncasecmp(units[i].name, name, len) == 0) {
      *ret_usec = units[i].usec;
      return true;
    }
  }
  return false;
}

int dbk_duration_parse(const char *text, uint64_t *ret_usec) {
  if (!text)
    return -EINVAL;
  const char *p = text;
  uint64_t total = 0;
  unsigned parts = 0;
  bool bare = false;

  for (;;) {
    while (isspace((unsigned char)*p))
      p++;
    if (*p == '\0')
      break;
    /* A bare number is minutes, but only as the whole text: "1h30" is a
     * typo, not 1h30m. */
    if (bare || !isdigit((unsigned char)*p))
      return -EINVAL;

    uint64_t n = 0;
    bool too_big = false;
    while (isdigit((unsigned char)*p)) {
      unsigned digit = (unsigned)(*p - '0');
      if (n > (UINT64_MAX - digit) / 10)
        too_big = true;
      else
        n = n * 10 + digit;
      p++;
    }

    const char *unit = p;
    while (isalpha((unsigned char)*p))
      p++;
    uint64_t scale;
    if (p == unit) {
      if (parts > 0)
        return -EINVAL;
      bare = true;
      scale = 60 * USEC_PER_SEC;
    } else if (!unit_lookup(unit, (size_t)(p - unit), &scale)) {
      return -EINVAL;
    }
    /* "1.5h", "10m!" and the like. */
    if (*p != '\0' && !isspace((unsigned char)*p) && !isdigit((unsigned char)*p))
      return -EINVAL;

    if (too_big || n > UINT64_MAX / scale || total > UINT64_MAX - n * scale)
      return -ERANGE;
    total += n * scale;
    parts++;
  }

  if (parts == 0)
    return -EINVAL;
  if (total > DBK_DURATION_MAX)
    return -ERANGE;
  *ret_usec = total;
  return 0;
}

char *dbk_duration_format(uint64_t usec, char *buf, size_t size) {
  uint64_t s = usec / USEC_PER_SEC;
  uint64_t h = s / 3600, m = s / 60 % 60, sec = s % 60;
  size_t len = 0;

  if (size == 0)
    return buf;
  buf[0] = '\0';
  if (s == 0) {
    snprintf(buf, size, "0");
    return buf;
  }
  /* Keep the inner zero ("1h0m5s") so the text reads the same as it parses. */
  if (h)
    len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%" PRIu64 "h", h);
  if (m || (h && sec))
    len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%" PRIu64 "m", m);
  if (sec)
    snprintf(buf + len, len < size ? size - len : 0, "%" PRIu64 "s", sec);
  return buf;
}

char *dbk_duration_format_usec(uint64_t usec, char *buf, size_t size) {
  uint64_t sub = usec % USEC_PER_SEC;
  size_t len = 0;

  if (size == 0 || sub == 0)
    return dbk_duration_format(usec, buf, size);
  buf[0] = '\0';
  if (usec >= USEC_PER_SEC)
    len = strlen(dbk_duration_format(usec - sub, buf, size));
  if (sub % 1000 == 0)
    snprintf(buf + len, size - len, "%" PRIu64 "ms", sub / 1000);
  else
    snprintf(buf + len, size - len, "%" PRIu64 "µs", sub);
  return buf;
}

/*
 * The units a person reads are the language's: each is a message of its
 * own, with plural forms for languages that spell the unit out, and two of
 * them are put together by one more.
 */
char *dbk_duration_format_unit(uint64_t n, DbkDurationUnit unit, char *buf, size_t size) {
  unsigned long long value = n;

  if (size == 0)
    return buf;
  switch (unit) {
  case DBK_UNIT_SECONDS:
    /* TRANSLATORS: a number of seconds as people read it at a glance, "45s":
     * write the unit the way your language shortens it ("45 s", "45 с").
     * The plural forms are there for languages that write the word out. */
    snprintf(buf, size, ngettext("%llus", "%llus", value), value);
    break;
  case DBK_UNIT_MINUTES:
    /* TRANSLATORS: a number of minutes, "24m" (see "%llus"). */
    snprintf(buf, size, ngettext("%llum", "%llum", value), value);
    break;
  case DBK_UNIT_HOURS:
    /* TRANSLATORS: a number of hours, "3h" (see "%llus"). */
    snprintf(buf, size, ngettext("%lluh", "%lluh", value), value);
    break;
  case DBK_UNIT_DAYS:
  default:
    /* TRANSLATORS: a number of days, "2d" (see "%llus"). */
    snprintf(buf, size, ngettext("%llud", "%llud", value), value);
    break;
  }
  return buf;
}

char *dbk_duration_format_units(uint64_t big, DbkDurationUnit big_unit, uint64_t small,
                                DbkDurationUnit small_unit, char *buf, size_t size) {
  char a[DBK_DURATION_BUF], b[DBK_DURATION_BUF];

  if (size == 0)
    return buf;
  dbk_duration_format_unit(big, big_unit, a, sizeof(a));
  dbk_duration_format_unit(small, small_unit, b, sizeof(b));
  /* TRANSLATORS: a duration in two units, the larger first: "1h 5m", "2d 3h". */
  snprintf(buf, size, C_("duration", "%s %s"), a, b);
  return buf;
}

char *dbk_duration_format_human(uint64_t usec, char *buf, size_t size) {
  /* Round to the nearest of the smallest unit shown, so a countdown of
   * 5m59s reads "6m", not "5m". */
  uint64_t s = usec / USEC_PER_SEC + (usec % USEC_PER_SEC >= USEC_PER_SEC / 2);
  uint64_t m = (s + 30) / 60;
  uint64_t h = (m + 30) / 60;

  if (s < 60)
    return dbk_duration_format_unit(s, DBK_UNIT_SECONDS, buf, size);
  if (m < 60)
    return dbk_duration_format_unit(m, DBK_UNIT_MINUTES, buf, size);
  if (m < 24 * 60 && m % 60)
    return dbk_duration_format_units(m / 60, DBK_UNIT_HOURS, m % 60, DBK_UNIT_MINUTES, buf, size);
  if (m < 24 * 60)
    return dbk_duration_format_unit(m / 60, DBK_UNIT_HOURS, buf, size);
  if (h % 24)
    return dbk_duration_format_units(h / 24, DBK_UNIT_DAYS, h % 24, DBK_UNIT_HOURS, buf, size);
  return dbk_duration_format_unit(h / 24, DBK_UNIT_DAYS, buf, size);
}
