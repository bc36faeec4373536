/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Screen lock and suspend, whatever the idle source. Everything here comes
 * as signals; nothing polls.
 *
 * The screen counts as locked after whichever came last of: logind's
 * LockedHint (read at start, then PropertiesChanged) and the session's
 * Lock / Unlock signals on the system bus; ActiveChanged of
 * org.freedesktop.ScreenSaver (KDE and others, on /ScreenSaver and
 * /org/freedesktop/ScreenSaver alike) and of org.gnome.ScreenSaver on the
 * session bus. Lockers send several of these for one lock: only changes
 * reach the listener. logind emits session signals on the concrete session
 * path only, never on …/session/auto, so that is the path watched.
 */
#include "session-watch.h"

#include <string.h>

#include "logind.h"

#define FDO_SCREENSAVER_NAME "org.freedesktop.ScreenSaver"
#define FDO_SCREENSAVER_IFACE "org.freedesktop.ScreenSaver"
#define GNOME_SCREENSAVER_NAME "org.gnome.ScreenSaver"
#define GNOME_SCREENSAVER_PATH "/org/gnome/ScreenSaver"
#define GNOME_SCREENSAVER_IFACE "org.gnome.ScreenSaver"

struct DbkSessionWatch {
  GDBusConnection *session_bus;
  GDBusConnection *system_bus;
  DbkSessionListener listener;
  void *user_data;
  char *session_path; /* NULL: no logind session found */
  GCancellable *cancellable;

  guint locked_hint_id;
  guint lock_id;
  guint unlock_id;
  guint sleep_id;
  guint fdo_active_id;
  guint gnome_active_id;

  gboolean locked;
  gboolean sleeping;
};

static void set_locked(DbkSessionWatch *self, gboolean locked, const char *why) {
  locked = !!locked;
  if (locked == self->locked)
    return;
  g_debug("session: %s (%s)", locked ? "locked" : "unlocked", why);
  self->locked = locked;
  self->listener.locked(self->user_data, locked);
}

static void set_sleeping(DbkSessionWatch *self, gboolean sleeping) {
  sleeping = !!sleeping;
  if (sleeping == self->sleeping)
    return;
  self->sleeping = sleeping;
  self->listener.sleeping(self->user_data, sleeping);
}

static void on_locked_hint(GObject *source, GAsyncResult *result, gpointer data) {
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  g_autoptr(GVariant) value = NULL;
  DbkSessionWatch *self = data;

  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL) {
    g_debug("session: cannot read LockedHint of %s: %s", self->session_path, error->message);
    return;
  }
  g_variant_get(reply, "(v)", &value);
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN))
    set_locked(self, g_variant_get_boolean(value), "LockedHint");
}

static void read_locked_hint(DbkSessionWatch *self) {
  g_dbus_connection_call(
      self->system_bus, DBK_LOGIND_BUS_NAME, self->session_path, "org.freedesktop.DBus.Properties",
      "Get", g_variant_new("(ss)", DBK_LOGIND_SESSION_IFACE, "LockedHint"), G_VARIANT_TYPE("(v)"),
      G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, self->cancellable, on_locked_hint, self);
}

static void on_session_properties_changed(GDBusConnection *bus, const char *sender,
                                          const char *path, const char *iface, const char *signal,
                                          GVariant *params, gpointer data) {
  DbkSessionWatch *self = data;
  g_autoptr(GVariant) changed = NULL;
  g_autofree const char **invalidated = NULL;
  const char *changed_iface;
  gboolean locked;

  if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv}as)")))
    return;
  g_variant_get(params, "(&s@a{sv}^a&s)", &changed_iface, &changed, &invalidated);
  if (strcmp(changed_iface, DBK_LOGIND_SESSION_IFACE) != 0)
    return;
  if (g_variant_lookup(changed, "LockedHint", "b", &locked))
    set_locked(self, locked, "LockedHint");
  else if (g_strv_contains(invalidated, "LockedHint"))
    read_locked_hint(self);
}

static void on_session_lock(GDBusConnection *bus, const char *sender, const char *path,
                            const char *iface, const char *signal, GVariant *params,
                            gpointer data) {
  set_locked(data, strcmp(signal, "Lock") == 0, signal);
}

static void on_prepare_for_sleep(GDBusConnection *bus, const char *sender, const char *path,
                                 const char *iface, const char *signal, GVariant *params,
                                 gpointer data) {
  gboolean sleeping;

  if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(b)")))
    return;
  g_variant_get(params, "(b)", &sleeping);
  set_sleeping(data, sleeping);
}

static void on_active_changed(GDBusConnection *bus, const char *sender, const char *path,
                              const char *iface, const char *signal, GVariant *params,
                              gpointer data) {
  gboolean active;

  if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(b)")))
    return;
  g_variant_get(params, "(b)", &active);
  set_locked(data, active, iface);
}

static guint subscribe(GDBusConnection *bus, const char *sender, const char *iface,
                       const char *member, const char *path, const char *arg0,
                       GDBusSignalCallback callback, DbkSessionWatch *self) {
  return g_dbus_connection_signal_subscribe(bus, sender, iface, member, path, arg0,
                                            G_DBUS_SIGNAL_FLAGS_NONE, callback, self, NULL);
}

static void watch_logind(DbkSessionWatch *self) {
  g_autoptr(GError) error = NULL;

  /* Suspend is the manager's: it needs no session. */
  self->sleep_id =
      subscribe(self->system_bus, DBK_LOGIND_BUS_NAME, DBK_LOGIND_MANAGER_IFACE, "PrepareForSleep",
                DBK_LOGIND_MANAGER_PATH, NULL, on_prepare_for_sleep, self);

  self->session_path = dbk_logind_find_session(self->system_bus, &error);
  if (self->session_path == NULL) {
    g_debug("session: no logind session to watch: %s", error->message);
    return;
  }
  g_debug("session: watching %s", self->session_path);
  self->locked_hint_id = subscribe(
      self->system_bus, DBK_LOGIND_BUS_NAME, "org.freedesktop.DBus.Properties", "PropertiesChanged",
      self->session_path, DBK_LOGIND_SESSION_IFACE, on_session_properties_changed, self);
  self->lock_id = subscribe(self->system_bus, DBK_LOGIND_BUS_NAME, DBK_LOGIND_SESSION_IFACE, "Lock",
                            self->session_path, NULL, on_session_lock, self);
  self->unlock_id = subscribe(self->system_bus, DBK_LOGIND_BUS_NAME, DBK_LOGIND_SESSION_IFACE,
                              "Unlock", self->session_path, NULL, on_session_lock, self);
  /* After subscribing: a change in between then arrives after the answer. */
  read_locked_hint(self);
}

DbkSessionWatch *dbk_session_watch_new(GDBusConnection *session_bus, GDBusConnection *system_bus,
                                       const DbkSessionListener *listener, void *user_data) {
  DbkSessionWatch *self = g_new0(DbkSessionWatch, 1);

  self->listener = *listener;
  self->user_data = user_data;
  self->cancellable = g_cancellable_new();

  if (system_bus != NULL) {
    self->system_bus = g_object_ref(system_bus);
    watch_logind(self);
  }
  if (session_bus != NULL) {
    self->session_bus = g_object_ref(session_bus);
    /* Any path: KDE sends it on /ScreenSaver and on /org/freedesktop/ScreenSaver. */
    self->fdo_active_id = subscribe(self->session_bus, FDO_SCREENSAVER_NAME, FDO_SCREENSAVER_IFACE,
                                    "ActiveChanged", NULL, NULL, on_active_changed, self);
    self->gnome_active_id =
        subscribe(self->session_bus, GNOME_SCREENSAVER_NAME, GNOME_SCREENSAVER_IFACE,
                  "ActiveChanged", GNOME_SCREENSAVER_PATH, NULL, on_active_changed, self);
  }
  return self;
}

gboolean dbk_session_watch_is_locked(DbkSessionWatch *watch) {
  return watch != NULL && watch->locked;
}

const char *dbk_session_watch_session_path(DbkSessionWatch *watch) {
  return watch != NULL ? watch->session_path : NULL;
}

static void unsubscribe(GDBusConnection *bus, guint *id) {
  if (*id != 0)
    g_dbus_connection_signal_unsubscribe(bus, *id);
  *id = 0;
}

void dbk_session_watch_free(DbkSessionWatch *watch) {
  if (watch == NULL)
    return;
  g_cancellable_cancel(watch->cancellable);
  if (watch->system_bus != NULL) {
    unsubscribe(watch->system_bus, &watch->locked_hint_id);
    unsubscribe(watch->system_bus, &watch->lock_id);
    unsubscribe(watch->system_bus, &watch->unlock_id);
    unsubscribe(watch->system_bus, &watch->sleep_id);
  }
  if (watch->session_bus != NULL) {
    unsubscribe(watch->session_bus, &watch->fdo_active_id);
    unsubscribe(watch->session_bus, &watch->gnome_active_id);
  }
  g_clear_object(&watch->cancellable);
  g_clear_object(&watch->system_bus);
  g_clear_object(&watch->session_bus);
  g_free(watch->session_path);
  g_free(watch);
}
