/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `screensaver` idle source: org.freedesktop.ScreenSaver's
 * GetSessionIdleTime on the session bus (KDE Plasma on X11, and others).
 * The interface has no idle signal, so this source polls, but only when an
 * answer can change what the daemon knows:
 *   - while the user is active, next when idle time could first reach the
 *     threshold (threshold − idle time, plus a little slack);
 *   - while the user is away, to notice the return: after 2 s at first, then
 *     after an eighth of the time away so far, at most every 30 s.
 * One timer at a time, re-armed after each answer; waits of seconds use
 * g_timeout_add_seconds() so GLib can wake once for several timers.
 *
 * The unit of GetSessionIdleTime's `u`: implementations disagree. KDE's
 * screen locker, which owns org.freedesktop.ScreenSaver on Plasma, answers
 * the input idle time in milliseconds (from KIdleTime) on X11, and
 * org.freedesktop.DBus.Error.NotSupported on Wayland. The gnome-screensaver
 * family (Cinnamon, MATE, Xfce) documents whole seconds since its own idle
 * delay declared the session idle, 0 before that, mostly under its own
 * org.<desktop>.ScreenSaver name. deskbreak reads milliseconds. Should a
 * seconds-counting implementation answer here, every reading looks a
 * thousand times too short and the user is never seen idle: the safe way
 * to be wrong, like the `none` source (sitting time goes on counting, the
 * screen lock still makes a break), never a break that was not taken.
 */
#include "idle-source.h"

#include <string.h>

#define SCREENSAVER_NAME "org.freedesktop.ScreenSaver"
#define SCREENSAVER_PATH "/org/freedesktop/ScreenSaver"
#define SCREENSAVER_IFACE "org.freedesktop.ScreenSaver"

/* new() may block on the probe, but only briefly (idle-source.h). */
#define PROBE_TIMEOUT_MS 1000
#define POLL_TIMEOUT_MS 5000

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

typedef enum {
  REPORTED_NOTHING,
  REPORTED_ACTIVE,
  REPORTED_IDLE,
} Reported;

struct DbkIdleSource {
  GDBusConnection *bus;
  char *owner; /* the unique name answering for org.freedesktop.ScreenSaver */
  DbkIdleListener listener;
  void *user_data;
  DbkUsec threshold;

  GCancellable *cancellable;
  guint name_watch_id;
  guint poll_timeout_id;
  guint initial_report_id;
  gboolean polling; /* a GetSessionIdleTime in flight */

  gboolean idle;
  DbkUsec idle_since; /* CLOCK_BOOTTIME, as reported */
  /*
   * The same moment on the monotonic clock, which stops during suspend as
   * the screensaver's idle counter does: a suspend is then no sign of input.
   */
  gint64 idle_since_mono;
  DbkUsec last_idle; /* the last reading… */
  gint64 last_mono;  /* …and when it came */

  Reported reported;
  gboolean lost;
};

static void poll_now(DbkIdleSource *self);

static DbkUsec usec_before(DbkUsec now, DbkUsec ago) {
  return ago < now ? now - ago : 1;
}

static void emit_idle(DbkIdleSource *self, DbkUsec since) {
  if (self->reported == REPORTED_IDLE)
    return;
  self->reported = REPORTED_IDLE;
  self->listener.idle(self->user_data, since);
}

static void emit_active(DbkIdleSource *self) {
  if (self->reported == REPORTED_ACTIVE)
    return;
  self->reported = REPORTED_ACTIVE;
  self->listener.active(self->user_data);
}

/* Once; the last thing any callback does, as the daemon may free us in it. */
static void report_lost(DbkIdleSource *self, const char *why) {
  if (self->lost)
    return;
  self->lost = TRUE;
  g_clear_handle_id(&self->poll_timeout_id, g_source_remove);
  g_clear_handle_id(&self->initial_report_id, g_source_remove);
  g_cancellable_cancel(self->cancellable);
  self->listener.lost(self->user_data, why);
}

static gboolean on_poll_timeout(gpointer data) {
  DbkIdleSource *self = data;

  self->poll_timeout_id = 0;
  poll_now(self);
  return G_SOURCE_REMOVE;
}

/* The one timer, re-armed to fire `delay` µs from now. */
static void arm_poll(DbkIdleSource *self, DbkUsec delay) {
  g_clear_handle_id(&self->poll_timeout_id, g_source_remove);
  delay = MAX(delay, MIN_POLL_DELAY);
  if (delay >= SECONDS_TIMER_FROM) {
    DbkUsec s = delay / DBK_USEC_PER_SEC + (delay % DBK_USEC_PER_SEC != 0);

    self->poll_timeout_id = g_timeout_add_seconds((guint)MIN(s, G_MAXUINT), on_poll_timeout, self);
  } else {
    DbkUsec ms = delay / 1000 + (delay % 1000 != 0);

    self->poll_timeout_id = g_timeout_add((guint)ms, on_poll_timeout, self);
  }
}

/* When the next reading could tell something new. */
static DbkUsec next_poll_delay(const DbkIdleSource *self, gint64 now_mono) {
  if (self->idle) {
    DbkUsec away = (DbkUsec)MAX(now_mono - self->idle_since_mono, 0);

    return CLAMP(away / AWAY_POLL_DIVISOR, AWAY_POLL_MIN, AWAY_POLL_MAX);
  } else {
    /* Idle time grows by the time passed, unless there is input. */
    DbkUsec idle_now = self->last_idle + (DbkUsec)MAX(now_mono - self->last_mono, 0);

    if (idle_now >= self->threshold)
      return 0;
    return self->threshold - idle_now + THRESHOLD_SLACK;
  }
}

/*
 * Takes in one reading of idle time, arms the next poll and, when `report`,
 * tells the listener what changed. `came_back` and `went_idle` can both
 * happen in one reading: a short touch between two polls while away.
 */
static void take_reading(DbkIdleSource *self, DbkUsec idle, gboolean report) {
  DbkUsec now = dbk_now();
  gint64 now_mono = g_get_monotonic_time();
  gboolean came_back = FALSE;

  if (self->idle) {
    DbkUsec away = (DbkUsec)MAX(now_mono - self->idle_since_mono, 0);

    if (idle + RETURN_TOLERANCE < away) {
      self->idle = FALSE;
      came_back = TRUE;
    }
  }
  if (!self->idle && idle >= self->threshold) {
    self->idle = TRUE;
    self->idle_since = usec_before(now, idle);
    self->idle_since_mono = now_mono - (gint64)MIN(idle, (DbkUsec)now_mono);
  }
  self->last_idle = idle;
  self->last_mono = now_mono;
  arm_poll(self, next_poll_delay(self, now_mono));

  if (!report)
    return;
  if (came_back)
    emit_active(self);
  if (self->idle)
    emit_idle(self, self->idle_since);
  else
    emit_active(self);
}

static void on_poll_reply(GObject *source, GAsyncResult *result, gpointer data) {
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  DbkIdleSource *self = data;
  guint32 ms;

  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->polling = FALSE;
  if (self->lost)
    return;
  if (reply == NULL) {
    g_autofree char *why = NULL;

    g_dbus_error_strip_remote_error(error);
    why = g_strdup_printf(SCREENSAVER_IFACE ".GetSessionIdleTime failed: %s", error->message);
    report_lost(self, why);
    return;
  }
  g_variant_get(reply, "(u)", &ms);
  take_reading(self, (DbkUsec)ms * 1000, TRUE);
}

static void poll_now(DbkIdleSource *self) {
  if (self->polling || self->lost)
    return;
  self->polling = TRUE;
  g_dbus_connection_call(self->bus, self->owner, SCREENSAVER_PATH, SCREENSAVER_IFACE,
                         "GetSessionIdleTime", NULL, G_VARIANT_TYPE("(u)"),
                         G_DBUS_CALL_FLAGS_NO_AUTO_START, POLL_TIMEOUT_MS, self->cancellable,
                         on_poll_reply, self);
}

static gboolean initial_report(gpointer data) {
  DbkIdleSource *self = data;

  self->initial_report_id = 0;
  if (self->reported != REPORTED_NOTHING)
    return G_SOURCE_REMOVE;
  if (self->idle)
    emit_idle(self, self->idle_since);
  else
    emit_active(self);
  return G_SOURCE_REMOVE;
}

static void on_name_appeared(GDBusConnection *bus, const char *name, const char *name_owner,
                             gpointer data) {
  DbkIdleSource *self = data;

  /* A restarted screensaver keeps nothing of ours: just ask the new one. */
  if (strcmp(name_owner, self->owner) != 0) {
    g_free(self->owner);
    self->owner = g_strdup(name_owner);
  }
}

static void on_name_vanished(GDBusConnection *bus, const char *name, gpointer data) {
  report_lost(data, SCREENSAVER_NAME " left the session bus");
}

/*
 * Works when org.freedesktop.ScreenSaver has an owner whose
 * GetSessionIdleTime answers (KDE on Wayland answers NotSupported, and then
 * this fails saying so). The first report follows from the main loop.
 */
static DbkIdleSource *screensaver_new(const DbkIdleContext *ctx, const DbkIdleListener *listener,
                                      void *user_data, GError **error) {
  GDBusConnection *session_bus = ctx->session_bus;
  DbkUsec threshold = ctx->threshold;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GVariant) owner_reply = NULL;
  g_autoptr(GVariant) idle_reply = NULL;
  const char *owner;
  DbkIdleSource *self;
  guint32 ms;

  if (session_bus == NULL) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "there is no session bus");
    return NULL;
  }
  owner_reply = g_dbus_connection_call_sync(
      session_bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "GetNameOwner", g_variant_new("(s)", SCREENSAVER_NAME), G_VARIANT_TYPE("(s)"),
      G_DBUS_CALL_FLAGS_NONE, PROBE_TIMEOUT_MS, NULL, &local_error);
  if (owner_reply == NULL) {
    if (g_error_matches(local_error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                  SCREENSAVER_NAME " is not on the session bus");
    else
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                  "cannot look for " SCREENSAVER_NAME " on the session bus: %s",
                  local_error->message);
    return NULL;
  }
  g_variant_get(owner_reply, "(&s)", &owner);

  idle_reply = g_dbus_connection_call_sync(
      session_bus, owner, SCREENSAVER_PATH, SCREENSAVER_IFACE, "GetSessionIdleTime", NULL,
      G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, PROBE_TIMEOUT_MS, NULL, &local_error);
  if (idle_reply == NULL) {
    gboolean not_supported = g_error_matches(local_error, G_DBUS_ERROR, G_DBUS_ERROR_NOT_SUPPORTED);

    g_dbus_error_strip_remote_error(local_error);
    if (not_supported)
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                  SCREENSAVER_NAME " does not tell the idle time here: %s", local_error->message);
    else
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                  SCREENSAVER_IFACE ".GetSessionIdleTime failed: %s", local_error->message);
    return NULL;
  }
  g_variant_get(idle_reply, "(u)", &ms);

  self = g_new0(DbkIdleSource, 1);
  self->bus = g_object_ref(session_bus);
  self->owner = g_strdup(owner);
  self->listener = *listener;
  self->user_data = user_data;
  self->threshold = threshold;
  self->cancellable = g_cancellable_new();
  take_reading(self, (DbkUsec)ms * 1000, FALSE);
  self->name_watch_id =
      g_bus_watch_name_on_connection(self->bus, SCREENSAVER_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     on_name_appeared, on_name_vanished, self, NULL);
  self->initial_report_id = g_idle_add_full(G_PRIORITY_DEFAULT, initial_report, self, NULL);
  return self;
}

/*
 * While the user is active, moves the next poll to when idle time could
 * reach the new threshold. While away it changes nothing: the threshold only
 * matters again after the user is back.
 */
static void screensaver_set_threshold(DbkIdleSource *self, DbkUsec threshold) {
  if (self == NULL || self->lost || threshold == self->threshold)
    return;
  self->threshold = threshold;
  /* A poll in flight re-arms with the new threshold when it lands. */
  if (self->idle || self->polling)
    return;
  arm_poll(self, next_poll_delay(self, g_get_monotonic_time()));
}

/* Stops the timer and cancels a poll in flight; accepts NULL. */
static void screensaver_free(DbkIdleSource *self) {
  if (self == NULL)
    return;
  g_cancellable_cancel(self->cancellable);
  g_clear_handle_id(&self->poll_timeout_id, g_source_remove);
  g_clear_handle_id(&self->initial_report_id, g_source_remove);
  g_clear_handle_id(&self->name_watch_id, g_bus_unwatch_name);
  g_clear_object(&self->cancellable);
  g_clear_object(&self->bus);
  g_free(self->owner);
  g_free(self);
}

const DbkIdleSourceOps dbk_idle_source_screensaver = {
    .name = "screensaver",
    .new = screensaver_new,
    .set_threshold = screensaver_set_threshold,
    .free = screensaver_free,
    .session_bus_name = SCREENSAVER_NAME,
};
