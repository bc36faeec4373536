/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Adaptive polling for idle time, shared by the polling sources (poll.h). */
#include "idle/poll.h"

/* Past the threshold by this much when the poll lands, despite rounding. */
#define THRESHOLD_SLACK (100 * DBK_USEC_PER_SEC / 1000)
/* Never poll more often than this. */
#define MIN_POLL_DELAY (100 * DBK_USEC_PER_SEC / 1000)
#define AWAY_POLL_MIN (2 * DBK_USEC_PER_SEC)
#define AWAY_POLL_MAX (30 * DBK_USEC_PER_SEC)
/* Noticing a return late by an eighth of the time away is close enough. */
#define AWAY_POLL_DIVISOR 8
/*
 * Idle time that fell behind the time away by more than this means input:
 * the reading and our clock differ by a round trip, not by a second.
 */
#define RETURN_TOLERANCE DBK_USEC_PER_SEC
/* From this long on, a wait may be a second late: let GLib coalesce it. */
#define SECONDS_TIMER_FROM (5 * DBK_USEC_PER_SEC)

struct DbkIdlePoll {
  DbkIdlePollRead read;
  DbkIdleListener listener;
  void *user_data;
  DbkUsec threshold;

  guint timeout_id;
  gboolean reading; /* read() called, its answer not yet taken */
  gboolean stopped;

  gboolean idle;
  DbkUsec idle_since;     /* CLOCK_BOOTTIME, as reported */
  gint64 idle_since_mono; /* the same moment on the monotonic clock */
  DbkUsec last_idle;      /* the last reading… */
  gint64 last_mono;       /* …and when it came */
};

/* `now` − `ago`, kept > 0 as the engine wants its times. */
static DbkUsec usec_before(DbkUsec now, DbkUsec ago) {
  return ago < now ? now - ago : 1;
}

static gboolean on_timeout(gpointer data) {
  DbkIdlePoll *poll = data;

  poll->timeout_id = 0;
  poll->reading = TRUE;
  /* The last thing: read() may take a reading at once, and so re-arm. */
  poll->read(poll, poll->user_data);
  return G_SOURCE_REMOVE;
}

/* The one timer, re-armed to fire `delay` µs from now. */
static void arm(DbkIdlePoll *poll, DbkUsec delay) {
  g_clear_handle_id(&poll->timeout_id, g_source_remove);
  if (poll->stopped)
    return;
  delay = MAX(delay, MIN_POLL_DELAY);
  if (delay >= SECONDS_TIMER_FROM) {
    DbkUsec s = delay / DBK_USEC_PER_SEC + (delay % DBK_USEC_PER_SEC != 0);

    poll->timeout_id = g_timeout_add_seconds((guint)MIN(s, G_MAXUINT), on_timeout, poll);
  } else {
    DbkUsec ms = delay / 1000 + (delay % 1000 != 0);

    poll->timeout_id = g_timeout_add((guint)ms, on_timeout, poll);
  }
}

/* When the next reading could tell something new. */
static DbkUsec next_delay(const DbkIdlePoll *poll, gint64 now_mono) {
  if (poll->idle) {
    DbkUsec away = (DbkUsec)MAX(now_mono - poll->idle_since_mono, 0);

    return CLAMP(away / AWAY_POLL_DIVISOR, AWAY_POLL_MIN, AWAY_POLL_MAX);
  } else {
    /* Idle time grows by the time passed, unless there is input. */
    DbkUsec idle_now = poll->last_idle + (DbkUsec)MAX(now_mono - poll->last_mono, 0);

    if (idle_now >= poll->threshold)
      return 0;
    return poll->threshold - idle_now + THRESHOLD_SLACK;
  }
}

/* Takes in one reading and arms the next; returns whether the user came back. */
static gboolean update(DbkIdlePoll *poll, DbkUsec idle, gboolean *ret_went_idle) {
  DbkUsec now = dbk_now();
  gint64 now_mono = g_get_monotonic_time();
  gboolean came_back = FALSE;

  poll->reading = FALSE;
  if (poll->idle) {
    DbkUsec away = (DbkUsec)MAX(now_mono - poll->idle_since_mono, 0);

    if (idle + RETURN_TOLERANCE < away) {
      poll->idle = FALSE;
      came_back = TRUE;
    }
  }
  *ret_went_idle = !poll->idle && idle >= poll->threshold;
  if (*ret_went_idle) {
    poll->idle = TRUE;
    poll->idle_since = usec_before(now, idle);
    poll->idle_since_mono = now_mono - (gint64)MIN(idle, (DbkUsec)now_mono);
  }
  poll->last_idle = idle;
  poll->last_mono = now_mono;
  arm(poll, next_delay(poll, now_mono));
  return came_back;
}

DbkIdlePoll *dbk_idle_poll_new(DbkUsec threshold, DbkUsec idle, DbkIdlePollRead read,
                               const DbkIdleListener *listener, void *user_data) {
  DbkIdlePoll *poll = g_new0(DbkIdlePoll, 1);
  gboolean went_idle;

  poll->read = read;
  poll->listener = *listener;
  poll->user_data = user_data;
  poll->threshold = threshold;
  update(poll, idle, &went_idle);
  return poll;
}

void dbk_idle_poll_free(DbkIdlePoll *poll) {
  if (poll == NULL)
    return;
  g_clear_handle_id(&poll->timeout_id, g_source_remove);
  g_free(poll);
}

void dbk_idle_poll_take_reading(DbkIdlePoll *poll, DbkUsec idle) {
  gboolean went_idle;

  if (update(poll, idle, &went_idle))
    poll->listener.active(poll->user_data);
  if (went_idle)
    poll->listener.idle(poll->user_data, poll->idle_since);
}

void dbk_idle_poll_read_failed(DbkIdlePoll *poll) {
  poll->reading = FALSE;
}

void dbk_idle_poll_stop(DbkIdlePoll *poll) {
  poll->stopped = TRUE;
  g_clear_handle_id(&poll->timeout_id, g_source_remove);
}

void dbk_idle_poll_set_threshold(DbkIdlePoll *poll, DbkUsec threshold) {
  if (threshold == poll->threshold)
    return;
  poll->threshold = threshold;
  /* A reading on its way re-arms with the new threshold when it lands. */
  if (poll->idle || poll->reading)
    return;
  arm(poll, next_delay(poll, g_get_monotonic_time()));
}

gboolean dbk_idle_poll_is_idle(const DbkIdlePoll *poll, DbkUsec *ret_since) {
  if (poll->idle && ret_since != NULL)
    *ret_since = poll->idle_since;
  return poll->idle;
}
