/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `logind` idle source, the last resort before `none`: the IdleHint and
 * IdleSinceHintMonotonic of the user's login session, which logind sends
 * with PropertiesChanged on the session object. Coarse: logind knows only
 * what the desktop tells it (GNOME sets the hint after its own idle delay,
 * many desktops never do), so the threshold has no say here; the engine
 * copes with an idle report that comes late or early.
 */
#include "idle/source.h"

#include <string.h>

#include "logind.h"

struct DbkIdleSource {
  GDBusConnection *bus;
  char *session_path;
  DbkIdleReporter reporter;

  GCancellable *cancellable;
  guint properties_subscription_id;
  guint removed_subscription_id;
  guint name_watch_id;
  guint initial_report_id;

  gboolean idle_hint;
  uint64_t idle_since_monotonic; /* CLOCK_MONOTONIC µs, 0 = not known */

  gboolean lost;
};

/* Once; the last thing any callback does, as the daemon may free us in it. */
static void report_lost(DbkIdleSource *self, const char *why) {
  if (self->lost)
    return;
  self->lost = TRUE;
  g_clear_handle_id(&self->initial_report_id, g_source_remove);
  g_cancellable_cancel(self->cancellable);
  dbk_idle_reporter_lost(&self->reporter, why);
}

/* Tells the listener the hint, if it changed since the last report. */
static void report_hint(DbkIdleSource *self) {
  if (!self->idle_hint)
    dbk_idle_reporter_active(&self->reporter);
  else if (self->reporter.reported != DBK_REPORTED_IDLE)
    dbk_idle_reporter_idle(&self->reporter,
                           dbk_logind_monotonic_to_boottime(self->idle_since_monotonic,
                                                            dbk_logind_now_monotonic(), dbk_now()));
}

/*
 * Takes IdleHint and IdleSinceHintMonotonic from a property dictionary
 * (a{sv}); returns which of the two it held, as bits 1 and 2.
 */
static unsigned read_properties(DbkIdleSource *self, GVariant *dict) {
  unsigned found = 0;
  gboolean hint;
  guint64 since;

  if (g_variant_lookup(dict, "IdleHint", "b", &hint)) {
    self->idle_hint = hint;
    found |= 1;
  }
  if (g_variant_lookup(dict, "IdleSinceHintMonotonic", "t", &since)) {
    self->idle_since_monotonic = since;
    found |= 2;
  }
  return found;
}

static void on_get_all(GObject *source, GAsyncResult *result, gpointer data) {
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  g_autoptr(GVariant) dict = NULL;
  DbkIdleSource *self = data;

  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL) {
    /* logind gone is noticed by the name watch; anything else is passing. */
    g_debug("logind: reading %s failed: %s", self->session_path, error->message);
    return;
  }
  dict = g_variant_get_child_value(reply, 0);
  read_properties(self, dict);
  report_hint(self);
}

/* Reads both properties afresh, for a change that did not carry them. */
static void refresh(DbkIdleSource *self) {
  g_dbus_connection_call(self->bus, DBK_LOGIND_BUS_NAME, self->session_path,
                         "org.freedesktop.DBus.Properties", "GetAll",
                         g_variant_new("(s)", DBK_LOGIND_SESSION_IFACE), G_VARIANT_TYPE("(a{sv})"),
                         G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, self->cancellable, on_get_all, self);
}

static void on_properties_changed(GDBusConnection *bus, const char *sender, const char *path,
                                  const char *iface, const char *signal, GVariant *params,
                                  gpointer data) {
  DbkIdleSource *self = data;
  g_autoptr(GVariant) changed = NULL;
  g_autofree const char **invalidated = NULL;
  const char *changed_iface;
  unsigned found;

  if (self->lost || !g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv}as)")))
    return;
  g_variant_get(params, "(&s@a{sv}^a&s)", &changed_iface, &changed, &invalidated);
  if (strcmp(changed_iface, DBK_LOGIND_SESSION_IFACE) != 0)
    return;

  if (g_strv_contains(invalidated, "IdleHint") ||
      g_strv_contains(invalidated, "IdleSinceHintMonotonic")) {
    refresh(self);
    return;
  }
  found = read_properties(self, changed);
  if (found == 0)
    return;
  /* logind sends both together; should only the hint come, ask for the time. */
  if (self->idle_hint && !(found & 2)) {
    refresh(self);
    return;
  }
  report_hint(self);
}

static void on_session_removed(GDBusConnection *bus, const char *sender, const char *path,
                               const char *iface, const char *signal, GVariant *params,
                               gpointer data) {
  DbkIdleSource *self = data;
  const char *removed_path;

  if (self->lost || !g_variant_is_of_type(params, G_VARIANT_TYPE("(so)")))
    return;
  g_variant_get(params, "(&s&o)", NULL, &removed_path);
  if (strcmp(removed_path, self->session_path) == 0)
    report_lost(self, "the login session ended");
}

static void on_name_vanished(GDBusConnection *bus, const char *name, gpointer data) {
  report_lost(data, DBK_LOGIND_BUS_NAME " left the system bus");
}

static gboolean initial_report(gpointer data) {
  DbkIdleSource *self = data;

  self->initial_report_id = 0;
  report_hint(self);
  return G_SOURCE_REMOVE;
}

static void logind_free(DbkIdleSource *self);

/*
 * Works when there is a system bus and logind knows a session of ours that
 * has an IdleHint. The first report follows from the main loop.
 */
static DbkIdleSource *logind_new(const DbkIdleContext *ctx, const DbkIdleListener *listener,
                                 void *user_data, GError **error) {
  GDBusConnection *system_bus = ctx->system_bus;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) dict = NULL;
  DbkIdleSource *self;

  if (system_bus == NULL) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "there is no system bus");
    return NULL;
  }

  self = g_new0(DbkIdleSource, 1);
  self->bus = g_object_ref(system_bus);
  dbk_idle_reporter_init(&self->reporter, listener, user_data);
  self->cancellable = g_cancellable_new();
  self->session_path = dbk_logind_find_session(system_bus, error);
  if (self->session_path == NULL) {
    logind_free(self);
    return NULL;
  }

  /* Subscribed before the first reading, so that no change falls between. */
  self->properties_subscription_id = g_dbus_connection_signal_subscribe(
      self->bus, DBK_LOGIND_BUS_NAME, "org.freedesktop.DBus.Properties", "PropertiesChanged",
      self->session_path, DBK_LOGIND_SESSION_IFACE, G_DBUS_SIGNAL_FLAGS_NONE, on_properties_changed,
      self, NULL);
  self->removed_subscription_id = g_dbus_connection_signal_subscribe(
      self->bus, DBK_LOGIND_BUS_NAME, DBK_LOGIND_MANAGER_IFACE, "SessionRemoved",
      DBK_LOGIND_MANAGER_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_session_removed, self, NULL);

  reply = g_dbus_connection_call_sync(
      self->bus, DBK_LOGIND_BUS_NAME, self->session_path, "org.freedesktop.DBus.Properties",
      "GetAll", g_variant_new("(s)", DBK_LOGIND_SESSION_IFACE), G_VARIANT_TYPE("(a{sv})"),
      G_DBUS_CALL_FLAGS_NO_AUTO_START, 1000, NULL, &local_error);
  if (reply == NULL) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot read login session %s: %s",
                self->session_path, local_error->message);
    logind_free(self);
    return NULL;
  }
  dict = g_variant_get_child_value(reply, 0);
  if (!(read_properties(self, dict) & 1)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "login session %s has no IdleHint",
                self->session_path);
    logind_free(self);
    return NULL;
  }

  self->name_watch_id =
      g_bus_watch_name_on_connection(self->bus, DBK_LOGIND_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     NULL, on_name_vanished, self, NULL);
  self->initial_report_id = g_idle_add_full(G_PRIORITY_DEFAULT, initial_report, self, NULL);
  return self;
}

/* logind's hint comes after the desktop's own delay: the threshold has no say. */
static void logind_set_threshold(DbkIdleSource *self, DbkUsec threshold) {
}

/* Unsubscribes and cancels a reading in flight; accepts NULL. */
static void logind_free(DbkIdleSource *self) {
  if (self == NULL)
    return;
  g_cancellable_cancel(self->cancellable);
  g_clear_handle_id(&self->initial_report_id, g_source_remove);
  if (self->properties_subscription_id != 0)
    g_dbus_connection_signal_unsubscribe(self->bus, self->properties_subscription_id);
  if (self->removed_subscription_id != 0)
    g_dbus_connection_signal_unsubscribe(self->bus, self->removed_subscription_id);
  g_clear_handle_id(&self->name_watch_id, g_bus_unwatch_name);
  g_clear_object(&self->cancellable);
  g_clear_object(&self->bus);
  g_free(self->session_path);
  g_free(self);
}

const DbkIdleSourceOps dbk_idle_source_logind = {
    .name = "logind",
    .new = logind_new,
    .set_threshold = logind_set_threshold,
    .free = logind_free,
    .system_bus_name = DBK_LOGIND_BUS_NAME,
};
