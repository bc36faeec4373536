/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Polling for idle time where nothing tells when it grows (the
 * `screensaver` source, and `x11` on MIT-SCREEN-SAVER), but only when an
 * answer can change what the daemon knows:
 *   - while the user is active, next when idle time could first reach the
 *     threshold (threshold − idle time, plus a little slack);
 *   - while the user is away, to notice the return: after 2 s at first, then
 *     after an eighth of the time away so far, at most every 30 s.
 * One timer at a time, re-armed after each reading; waits of seconds use
 * g_timeout_add_seconds() so GLib can wake once for several timers.
 *
 * The source does the reading, its own I/O: when the timer fires, the poll
 * calls read(), which hands the idle time to dbk_idle_poll_take_reading(),
 * at once (a synchronous query) or when an answer comes (a D-Bus call), or
 * says that there is none with dbk_idle_poll_read_failed(). The poll
 * decides idle or active and tells its listener of changes only: idle(since)
 * when idle time reaches the threshold, active() when it fell behind the
 * time away (input); never lost(). A return and a new idleness can both
 * show in one reading: a short touch between two polls while away.
 *
 * Time away is measured on the monotonic clock, which stops during suspend
 * as the idle counters polled here do: a suspend is then no sign of input.
 */
#pragma once

#include "idle/source.h"

typedef struct DbkIdlePoll DbkIdlePoll;

/* Reads the idle time, for dbk_idle_poll_take_reading() or _read_failed(). */
typedef void (*DbkIdlePollRead)(DbkIdlePoll *poll, void *user_data);

/*
 * Starts from a first reading, `idle` µs, which is not reported: the source
 * makes its first report from dbk_idle_poll_is_idle(). `listener` is copied.
 */
DbkIdlePoll *dbk_idle_poll_new(DbkUsec threshold, DbkUsec idle, DbkIdlePollRead read,
                               const DbkIdleListener *listener, void *user_data);
/* Stops the timer; accepts NULL. */
void dbk_idle_poll_free(DbkIdlePoll *poll);

/* The idle time read, µs; re-arms the timer, then reports what changed. */
void dbk_idle_poll_take_reading(DbkIdlePoll *poll, DbkUsec idle);
/* No reading this time: the timer stays off until the threshold changes. */
void dbk_idle_poll_read_failed(DbkIdlePoll *poll);
/* The timer stays off for good: the source stopped working. */
void dbk_idle_poll_stop(DbkIdlePoll *poll);

/*
 * While the user is active, moves the next reading to when idle time could
 * reach the new threshold. While away it changes nothing: the threshold only
 * matters again after the user is back.
 */
void dbk_idle_poll_set_threshold(DbkIdlePoll *poll, DbkUsec threshold);

/* Whether the user is idle past the threshold, and since when (CLOCK_BOOTTIME). */
gboolean dbk_idle_poll_is_idle(const DbkIdlePoll *poll, DbkUsec *ret_since);
