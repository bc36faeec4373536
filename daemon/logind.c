/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "logind.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-login.h>

/*
 * logind answers at once; a longer wait means it is stuck, and start-up
 * must not hang on it.
 */
#define LOGIND_CALL_TIMEOUT_MS 1000

static GVariant *call_logind(GDBusConnection *bus, const char *path, const char *iface,
                             const char *method, GVariant *args, const char *reply_type,
                             GError **error) {
  return g_dbus_connection_call_sync(bus, DBK_LOGIND_BUS_NAME, path, iface, method, args,
                                     G_VARIANT_TYPE(reply_type), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                     LOGIND_CALL_TIMEOUT_MS, NULL, error);
}

/* One property of a session object, or NULL with `error` set. */
static GVariant *get_session_property(GDBusConnection *bus, const char *path, const char *name,
                                      GError **error) {
  g_autoptr(GVariant) reply =
      call_logind(bus, path, "org.freedesktop.DBus.Properties", "Get",
                  g_variant_new("(ss)", DBK_LOGIND_SESSION_IFACE, name), "(v)", error);
  GVariant *value = NULL;

  if (reply == NULL)
    return NULL;
  g_variant_get(reply, "(v)", &value);
  return value;
}

/* Whether `path` is a session object that exists and belongs to our uid. */
static gboolean session_is_ours(GDBusConnection *bus, const char *path, GError **error) {
  g_autoptr(GVariant) user = get_session_property(bus, path, "User", error);
  guint32 uid;

  if (user == NULL)
    return FALSE;
  if (!g_variant_is_of_type(user, G_VARIANT_TYPE("(uo)"))) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                "session %s has a User property of type %s", path, g_variant_get_type_string(user));
    return FALSE;
  }
  g_variant_get(user, "(uo)", &uid, NULL);
  if (uid != getuid()) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                "session %s belongs to uid %u, not to us (uid %u)", path, uid, getuid());
    return FALSE;
  }
  return TRUE;
}

static gboolean path_is_alias(const char *path) {
  return g_str_has_suffix(path, "/session/auto") || g_str_has_suffix(path, "/session/self");
}

/* Manager.GetSession(id), checked to be ours and concrete. */
static char *session_path_for_id(GDBusConnection *bus, const char *id, GError **error) {
  g_autoptr(GVariant) reply = call_logind(bus, DBK_LOGIND_MANAGER_PATH, DBK_LOGIND_MANAGER_IFACE,
                                          "GetSession", g_variant_new("(s)", id), "(o)", error);
  g_autofree char *path = NULL;

  if (reply == NULL)
    return NULL;
  g_variant_get(reply, "(o)", &path);
  if (!session_is_ours(bus, path, error))
    return NULL;

  /*
   * logind's own GetSession("auto") answers with the concrete path, but the
   * alias object exists too and signals are only ever emitted on the
   * concrete one: should an alias come back, look up its real id.
   */
  if (path_is_alias(path)) {
    g_autoptr(GVariant) real_id = get_session_property(bus, path, "Id", error);
    const char *s;

    if (real_id == NULL)
      return NULL;
    if (!g_variant_is_of_type(real_id, G_VARIANT_TYPE_STRING)) {
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "session %s has no string Id", path);
      return NULL;
    }
    s = g_variant_get_string(real_id, NULL);
    if (g_strcmp0(s, "auto") != 0 && g_strcmp0(s, "self") != 0)
      return session_path_for_id(bus, s, error);
  }
  return g_steal_pointer(&path);
}

/*
 * How well a session of ours fits: a graphical one the user is at beats a
 * graphical one in the background, which beats an active text session.
 * −1 when its properties cannot be read.
 */
static int session_rank(GDBusConnection *bus, const char *path) {
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) type = get_session_property(bus, path, "Type", &error);
  g_autoptr(GVariant) active = NULL;
  int rank = 0;

  if (type == NULL) {
    g_debug("logind: cannot read Type of %s: %s", path, error->message);
    return -1;
  }
  active = get_session_property(bus, path, "Active", &error);
  if (active == NULL) {
    g_debug("logind: cannot read Active of %s: %s", path, error->message);
    return -1;
  }
  if (g_variant_is_of_type(type, G_VARIANT_TYPE_STRING)) {
    const char *t = g_variant_get_string(type, NULL);

    if (strcmp(t, "x11") == 0 || strcmp(t, "wayland") == 0 || strcmp(t, "mir") == 0)
      rank += 2;
  }
  if (g_variant_is_of_type(active, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean(active))
    rank += 1;
  return rank;
}

/* The best of our sessions in Manager.ListSessions. */
static char *best_listed_session(GDBusConnection *bus, GError **error) {
  g_autoptr(GVariant) reply = call_logind(bus, DBK_LOGIND_MANAGER_PATH, DBK_LOGIND_MANAGER_IFACE,
                                          "ListSessions", NULL, "(a(susso))", error);
  g_autoptr(GVariantIter) iter = NULL;
  g_autofree char *best = NULL;
  const char *id, *user, *seat, *path;
  int best_rank = -1;
  guint32 uid;

  if (reply == NULL)
    return NULL;
  g_variant_get(reply, "(a(susso))", &iter);
  while (g_variant_iter_next(iter, "(&su&s&s&o)", &id, &uid, &user, &seat, &path)) {
    int rank;

    if (uid != getuid())
      continue;
    rank = session_rank(bus, path);
    g_debug("logind: listed session %s (%s) ranks %d", id, path, rank);
    if (rank > best_rank) {
      best_rank = rank;
      g_free(best);
      best = g_strdup(path);
    }
  }
  if (best == NULL)
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "logind lists no session of uid %u",
                getuid());
  return g_steal_pointer(&best);
}

/*
 * A timeout means logind is stuck: trying the next way would only wait
 * again.
 */
static gboolean is_fatal(const GError *error) {
  return g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
         g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
         g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
         g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
         g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

char *dbk_logind_find_session(GDBusConnection *system_bus, GError **error) {
  /* sd-login allocates with malloc(); GLib frees with free() since 2.46. */
  g_autofree char *id = NULL;
  g_autoptr(GError) local_error = NULL;
  char *path;
  int r;

  g_return_val_if_fail(G_IS_DBUS_CONNECTION(system_bus), NULL);

  r = sd_pid_get_session(0, &id);
  if (r >= 0) {
    path = session_path_for_id(system_bus, id, &local_error);
    if (path != NULL)
      return path;
    g_debug("logind: our own session %s does not fit: %s", id, local_error->message);
    if (is_fatal(local_error))
      goto fail;
    g_clear_error(&local_error);
  } else {
    g_debug("logind: sd_pid_get_session: %s", g_strerror(-r));
  }
  g_clear_pointer(&id, g_free);

  r = sd_uid_get_display(getuid(), &id);
  if (r >= 0) {
    path = session_path_for_id(system_bus, id, &local_error);
    if (path != NULL)
      return path;
    g_debug("logind: display session %s does not fit: %s", id, local_error->message);
    if (is_fatal(local_error))
      goto fail;
    g_clear_error(&local_error);
  } else {
    g_debug("logind: sd_uid_get_display: %s", g_strerror(-r));
  }

  path = session_path_for_id(system_bus, "auto", &local_error);
  if (path != NULL)
    return path;
  g_debug("logind: GetSession(\"auto\"): %s", local_error->message);
  if (is_fatal(local_error))
    goto fail;
  g_clear_error(&local_error);

  path = best_listed_session(system_bus, &local_error);
  if (path != NULL)
    return path;

fail:
  g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
              "no login session of uid %u found through logind: %s", getuid(),
              local_error->message);
  return NULL;
}

uint64_t dbk_logind_now_monotonic(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * DBK_USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}

DbkUsec dbk_logind_monotonic_to_boottime(uint64_t monotonic, uint64_t now_monotonic,
                                         DbkUsec now_boottime) {
  uint64_t ago;

  if (monotonic == 0 || monotonic >= now_monotonic)
    return MAX(now_boottime, 1);
  ago = now_monotonic - monotonic;
  /* The boot clock is ahead of the monotonic one; never below 1 anyway. */
  if (ago >= now_boottime)
    return 1;
  return now_boottime - ago;
}
