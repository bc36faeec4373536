/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Durations as users write them: "45s", "30m", "1h", "1h30m", "90min",
 * "2h 15m"; a bare number is minutes. Plain C, no GLib: the CLI links it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Longest duration anyone can ask for: 366 days. */
#define DBK_DURATION_MAX (UINT64_C(366) * 24 * 3600 * 1000000)

/*
 * Parses `text` into µs. Returns 0, or -EINVAL for bad syntax (empty, an
 * unknown unit, a stray character, a negative or fractional number) or
 * -ERANGE when it overflows or exceeds DBK_DURATION_MAX. `ret_usec` is
 * written only on success.
 */
int dbk_duration_parse(const char *text, uint64_t *ret_usec);

/*
 * Writes `usec` as the config file spells it, exact and shortest:
 * "30m", "1h30m", "45s", "1h0m5s", "0"; sub-second remainders are dropped.
 * Returns `buf`.
 */
char *dbk_duration_format(uint64_t usec, char *buf, size_t size);

/*
 * Writes `usec` exactly, to the µs: as dbk_duration_format() does, then a
 * sub-second remainder in whole ms or µs: "1µs", "500ms", "59s500ms",
 * "168h1µs", "45s". For values no config file can hold, in a message that
 * must name the value given. Returns `buf`.
 */
char *dbk_duration_format_usec(uint64_t usec, char *buf, size_t size);

/*
 * Writes `usec` for a person reading it at a glance, rounded to the nearest
 * of the smallest unit shown, at most two units: "24m", "1h 5m", "45s", "2d 3h",
 * in the language of the messages (the units are translated). Returns `buf`.
 */
char *dbk_duration_format_human(uint64_t usec, char *buf, size_t size);

typedef enum {
  DBK_UNIT_SECONDS,
  DBK_UNIT_MINUTES,
  DBK_UNIT_HOURS,
  DBK_UNIT_DAYS,
} DbkDurationUnit;

/* The pieces of dbk_duration_format_human(): `n` of one unit, "24m", and two
 * units together, "1h 5m". Each returns `buf`. */
char *dbk_duration_format_unit(uint64_t n, DbkDurationUnit unit, char *buf, size_t size);
char *dbk_duration_format_units(uint64_t big, DbkDurationUnit big_unit, uint64_t small,
                                DbkDurationUnit small_unit, char *buf, size_t size);

/* Room for any duration, written in any language. */
#define DBK_DURATION_BUF 64
