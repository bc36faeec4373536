/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `screensaver` idle source: org.freedesktop.ScreenSaver's
 * GetSessionIdleTime on the session bus (KDE Plasma on X11, and others).
 * The interface has no idle signal, so this source polls, as poll.h
 * says: only when an answer can change what the daemon knows.
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
#include "idle/poll.h"

#include <string.h>

#define SCREENSAVER_NAME "org.freedesktop.ScreenSaver"
#define SCREENSAVER_PATH "/org/freedesktop/ScreenSaver"
#define SCREENSAVER_IFACE "org.freedesktop.ScreenSaver"

/* new() may block on the probe, but only briefly (source.h). */
#define PROBE_TIMEOUT_MS 1000
#define POLL_TIMEOUT_MS 5000

struct DbkIdleSource {
  GDBusConnection *bus;
  char *owner; /* the unique name answering for org.freedesktop.ScreenSaver */
  DbkIdleReporter reporter;
  DbkIdlePoll *poll;

  GCancellable *cancellable;
  guint name_watch_id;
  guint initial_report_id;
  gboolean lost;
};

/* Once; the last thing any callback does, as the daemon may free us in it. */
static void report_lost(DbkIdleSource *self, const char *why) {
  if (self->lost)
    return;
  self->lost = TRUE;
  dbk_idle_poll_stop(self->poll);
  g_clear_handle_id(&self->initial_report_id, g_source_remove);
  g_cancellable_cancel(self->cancellable);
  dbk_idle_reporter_lost(&self->reporter, why);
}

static void on_poll_idle(void *data, DbkUsec since) {
  DbkIdleSource *self = data;

  dbk_idle_reporter_idle(&self->reporter, since);
}

static void on_poll_active(void *data) {
  DbkIdleSource *self = data;

  dbk_idle_reporter_active(&self->reporter);
}

static const DbkIdleListener poll_listener = {
    .idle = on_poll_idle,
    .active = on_poll_active,
};

static void on_poll_reply(GObject *source, GAsyncResult *result, gpointer data) {
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  DbkIdleSource *self = data;
  guint32 ms;

  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->lost)
    return;
  if (reply == NULL) {
    g_autofree char *why = NULL;

    dbk_idle_poll_read_failed(self->poll);
    g_dbus_error_strip_remote_error(error);
    why = g_strdup_printf(SCREENSAVER_IFACE ".GetSessionIdleTime failed: %s", error->message);
    report_lost(self, why);
    return;
  }
  g_variant_get(reply, "(u)", &ms);
  dbk_idle_poll_take_reading(self->poll, (DbkUsec)ms * 1000);
}

/* The poll's read(): GetSessionIdleTime, taken in when the answer comes. */
static void poll_now(DbkIdlePoll *poll, void *data) {
  DbkIdleSource *self = data;

  if (self->lost)
    return;
  g_dbus_connection_call(self->bus, self->owner, SCREENSAVER_PATH, SCREENSAVER_IFACE,
                         "GetSessionIdleTime", NULL, G_VARIANT_TYPE("(u)"),
                         G_DBUS_CALL_FLAGS_NO_AUTO_START, POLL_TIMEOUT_MS, self->cancellable,
                         on_poll_reply, self);
}

static gboolean initial_report(gpointer data) {
  DbkIdleSource *self = data;
  DbkUsec since;

  self->initial_report_id = 0;
  if (self->reporter.reported != DBK_REPORTED_NOTHING)
    return G_SOURCE_REMOVE;
  if (dbk_idle_poll_is_idle(self->poll, &since))
    dbk_idle_reporter_idle(&self->reporter, since);
  else
    dbk_idle_reporter_active(&self->reporter);
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
  dbk_idle_reporter_init(&self->reporter, listener, user_data);
  self->cancellable = g_cancellable_new();
  self->poll = dbk_idle_poll_new(threshold, (DbkUsec)ms * 1000, poll_now, &poll_listener, self);
  self->name_watch_id =
      g_bus_watch_name_on_connection(self->bus, SCREENSAVER_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     on_name_appeared, on_name_vanished, self, NULL);
  self->initial_report_id = g_idle_add_full(G_PRIORITY_DEFAULT, initial_report, self, NULL);
  return self;
}

/* The next poll moves, as poll.h says. */
static void screensaver_set_threshold(DbkIdleSource *self, DbkUsec threshold) {
  if (self == NULL || self->lost)
    return;
  dbk_idle_poll_set_threshold(self->poll, threshold);
}

/* Stops the timer and cancels a poll in flight; accepts NULL. */
static void screensaver_free(DbkIdleSource *self) {
  if (self == NULL)
    return;
  g_cancellable_cancel(self->cancellable);
  g_clear_pointer(&self->poll, dbk_idle_poll_free);
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
