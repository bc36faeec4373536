/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The reminder on screen, through libnotify.
 *
 * One NotifyNotification stands for the reminder while it shows. It stays
 * referenced until the reminder closes: libnotify delivers actions and the
 * "closed" signal only to a live object, and reusing it makes a repeat
 * replace the reminder on screen (libnotify sends its id as replaces_id).
 *
 * The server can come and go (a desktop restarting its shell, dunst
 * restarted by hand). Notification ids belong to the server that handed
 * them out, so when the owner of org.freedesktop.Notifications changes the
 * object is dropped and the next showing starts afresh. The name is only
 * watched, never auto-started: starting a server is left to the Notify
 * call itself, where the session bus may activate one (mako and dunst are
 * often started that way).
 */
#include "notifier.h"

#include <libnotify/notify.h>

#include "duration.h"

#define NOTIFICATIONS_BUS_NAME "org.freedesktop.Notifications"
#define APP_NAME "deskbreak"
/* Symbolic, so shells that recolour icons can; in Adwaita and most themes. */
#define APP_ICON "alarm-symbolic"
/* data/deskbreak.desktop: lets shells name the app and offer per-app settings. */
#define DESKTOP_ENTRY "deskbreak"
/* The spec's category for "the user is (not) at the computer" events. */
#define CATEGORY "presence"

#define ACTION_DONE "done"
#define ACTION_SNOOZE "snooze"
#define ACTION_SKIP "skip"

#define NO_ACTIONS_HINT "Run `deskbreak break` when done, or `deskbreak snooze`."

struct DbkNotifier {
  GDBusConnection *session_bus;
  DbkNotifierListener listener;
  void *user_data;
  gboolean own_libnotify; /* this notifier called notify_init() */
  guint watch_id;

  char *owner;       /* unique name of the notification server; NULL when none known */
  char *server_name; /* its name from GetServerInformation */

  /* The reminder on screen, or NULL. */
  NotifyNotification *reminder;
  /*
   * The reminder went out while no server was known: the Notify call
   * activated one. The next owner to appear is that server, which shows
   * our reminder, so its arrival must not drop the reminder.
   */
  gboolean reminder_awaits_owner;
};

static void drop_reminder(DbkNotifier *notifier) {
  if (!notifier->reminder)
    return;
  /* libnotify may still hold a reference while it emits; nothing of ours must run then. */
  g_signal_handlers_disconnect_by_data(notifier->reminder, notifier);
  notify_notification_clear_actions(notifier->reminder);
  g_clear_object(&notifier->reminder);
  notifier->reminder_awaits_owner = FALSE;
}

static void refresh_server_name(DbkNotifier *notifier) {
  g_autofree char *name = NULL;

  g_clear_pointer(&notifier->server_name, g_free);
  if (notify_get_server_info(&name, NULL, NULL, NULL))
    notifier->server_name = g_steal_pointer(&name);
  else
    g_debug("Notification server %s gives no server information", notifier->owner);
}

static void on_server_appeared(GDBusConnection *connection, const char *name, const char *owner,
                               gpointer user_data) {
  DbkNotifier *notifier = user_data;

  if (g_strcmp0(owner, notifier->owner) == 0)
    return;
  g_free(notifier->owner);
  notifier->owner = g_strdup(owner);
  refresh_server_name(notifier);
  g_debug("Notification server %s (%s) is on the bus", notifier->server_name ?: "?", owner);

  if (notifier->reminder && notifier->reminder_awaits_owner) {
    /* The server our own Notify call started; it shows the reminder already. */
    notifier->reminder_awaits_owner = FALSE;
    return;
  }

  /* Any id we hold came from an earlier server and means nothing to this one. */
  drop_reminder(notifier);
  if (notifier->listener.server_appeared)
    notifier->listener.server_appeared(notifier->user_data);
}

static void on_server_vanished(GDBusConnection *connection, const char *name, gpointer user_data) {
  DbkNotifier *notifier = user_data;

  /*
   * The watch's first report may say "no owner" while a reminder that our
   * Notify call got a server activated for is already up: a server we never
   * knew has not gone, so keep that reminder.
   */
  if (!notifier->owner)
    return;
  g_debug("Notification server %s (%s) left the bus", notifier->server_name ?: "?",
          notifier->owner);
  g_clear_pointer(&notifier->owner, g_free);
  g_clear_pointer(&notifier->server_name, g_free);
  /* The reminder went with it. */
  drop_reminder(notifier);
}

DbkNotifier *dbk_notifier_new(GDBusConnection *session_bus, const DbkNotifierListener *listener,
                              void *user_data) {
  g_return_val_if_fail(listener != NULL, NULL);

  DbkNotifier *notifier = g_new0(DbkNotifier, 1);
  notifier->listener = *listener;
  notifier->user_data = user_data;

  if (!notify_is_initted()) {
    notify_init(APP_NAME);
    notifier->own_libnotify = TRUE;
  }

  if (session_bus) {
    notifier->session_bus = g_object_ref(session_bus);
    notifier->watch_id = g_bus_watch_name_on_connection(
        session_bus, NOTIFICATIONS_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE, on_server_appeared,
        on_server_vanished, notifier, NULL);
  }
  return notifier;
}

static gboolean caps_contain(GList *caps, const char *cap) {
  return g_list_find_custom(caps, cap, (GCompareFunc)g_strcmp0) != NULL;
}

static char *reminder_summary(const DbkStretch *stretch, unsigned times_shown) {
  if (times_shown >= 2)
    return g_strdup_printf("Still sitting — %s", stretch->title);
  return g_strdup_printf("Time to stretch: %s", stretch->title);
}

/*
 * The stretch as text: numbered steps, then how long to hold, then the
 * safety line, each ending with `separator`.
 */
static void append_stretch(GString *out, const DbkStretch *stretch, const char *separator) {
  for (size_t i = 0; i < DBK_STRETCH_STEPS_MAX && stretch->steps[i]; i++)
    g_string_append_printf(out, "%zu. %s%s", i + 1, stretch->steps[i], separator);
  g_string_append_printf(out, "%s%s", stretch->hold, separator);
  if (stretch->safety)
    g_string_append_printf(out, "%s%s", stretch->safety, separator);
}

static char *reminder_body(const DbkStretch *stretch, gboolean markup, gboolean with_commands) {
  g_autoptr(GString) body = g_string_new(NULL);

  append_stretch(body, stretch, "\n");
  /* Without buttons the user needs another way to answer. */
  if (with_commands)
    g_string_append(body, NO_ACTIONS_HINT);
  else if (body->len > 0)
    g_string_truncate(body, body->len - 1);

  /*
   * A server with body-markup reads the body as a small markup language,
   * where a stray '&' or '<' breaks the whole text; one without it shows
   * every character as it is (dunst), so escaping there would show "&amp;".
   */
  if (markup)
    return g_markup_escape_text(body->str, -1);
  return g_string_free(g_steal_pointer(&body), FALSE);
}

/* The reminder that could not go on screen goes to stderr, the journal under systemd. */
static void log_unshown(const char *why, const char *summary, const DbkStretch *stretch) {
  g_autoptr(GString) text = g_string_new(NULL);

  append_stretch(text, stretch, " ");
  if (text->len > 0)
    g_string_truncate(text, text->len - 1);
  g_message("%s; reminder: %s - %s", why, summary, text->str);
}

static void on_action(NotifyNotification *notification, char *action, gpointer user_data) {
  DbkNotifier *notifier = user_data;
  DbkAction what;

  if (g_strcmp0(action, ACTION_DONE) == 0)
    what = DBK_ACTION_DONE;
  else if (g_strcmp0(action, ACTION_SNOOZE) == 0)
    what = DBK_ACTION_SNOOZE;
  else if (g_strcmp0(action, ACTION_SKIP) == 0)
    what = DBK_ACTION_SKIP;
  else
    return;

  g_debug("Reminder action \"%s\"", action);
  /* The listener may close the reminder from here; libnotify holds a reference meanwhile. */
  if (notifier->listener.action)
    notifier->listener.action(notifier->user_data, what);
}

static void on_closed(NotifyNotification *notification, gpointer user_data) {
  DbkNotifier *notifier = user_data;

  if (notification != notifier->reminder)
    return;
  /*
   * Dismissed by the user, expired, or closed after an action. libnotify
   * reports a notification closed only once, so a later showing needs a
   * fresh object.
   */
  g_debug("Reminder closed (reason %d)", notify_notification_get_closed_reason(notification));
  drop_reminder(notifier);
}

static NotifyUrgency to_notify_urgency(DbkUrgency urgency) {
  switch (urgency) {
  case DBK_URGENCY_LOW:
    return NOTIFY_URGENCY_LOW;
  case DBK_URGENCY_CRITICAL:
    return NOTIFY_URGENCY_CRITICAL;
  case DBK_URGENCY_NORMAL:
  default:
    return NOTIFY_URGENCY_NORMAL;
  }
}

gboolean dbk_notifier_show(DbkNotifier *notifier, const DbkStretch *stretch, unsigned times_shown,
                           DbkUrgency urgency, uint64_t snooze) {
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  GList *caps;
  gboolean actions, markup, created = FALSE;

  g_return_val_if_fail(notifier != NULL, FALSE);
  g_return_val_if_fail(stretch != NULL, FALSE);

  summary = reminder_summary(stretch, times_shown);

  /*
   * Asking for the server's information first finds out, without libnotify
   * warning about it, whether any server is there or can be activated.
   */
  if (!notify_get_server_info(&name, NULL, NULL, NULL)) {
    log_unshown("No notification server", summary, stretch);
    return FALSE;
  }
  g_free(notifier->server_name);
  notifier->server_name = g_steal_pointer(&name);

  /* libnotify sends actions even to servers that cannot show them. */
  caps = notify_get_server_caps();
  actions = caps_contain(caps, "actions");
  markup = caps_contain(caps, "body-markup");
  g_list_free_full(caps, g_free);

  body = reminder_body(stretch, markup, !actions);

  if (!notifier->reminder) {
    notifier->reminder = notify_notification_new(summary, body, APP_ICON);
    g_signal_connect(notifier->reminder, "closed", G_CALLBACK(on_closed), notifier);
    created = TRUE;
  } else {
    notify_notification_update(notifier->reminder, summary, body, APP_ICON);
  }

  NotifyNotification *reminder = notifier->reminder;
  notify_notification_set_category(reminder, CATEGORY);
  notify_notification_set_hint_string(reminder, "desktop-entry", DESKTOP_ENTRY);
  notify_notification_set_urgency(reminder, to_notify_urgency(urgency));
  /*
   * A due reminder stays until the user acts on it: a break taken (the
   * daemon then closes it), Done, Snooze, Skip or dismissing it. Expiring
   * it would hide it from someone who looked away for a moment, and with
   * remind-again=0 it would never come back. Servers may still impose
   * their own limit; the daemon's repeat covers that.
   */
  notify_notification_set_timeout(reminder, NOTIFY_EXPIRES_NEVER);

  notify_notification_clear_actions(reminder);
  if (actions) {
    char human[DBK_DURATION_BUF];
    g_autofree char *snooze_label =
        snooze > 0
            ? g_strdup_printf("Snooze %s", dbk_duration_format_human(snooze, human, sizeof(human)))
            : g_strdup("Snooze");

    notify_notification_add_action(reminder, ACTION_DONE, "Done", on_action, notifier, NULL);
    notify_notification_add_action(reminder, ACTION_SNOOZE, snooze_label, on_action, notifier,
                                   NULL);
    notify_notification_add_action(reminder, ACTION_SKIP, "Skip", on_action, notifier, NULL);
  }

  if (!notify_notification_show(reminder, &error)) {
    g_autofree char *why = NULL;

    g_dbus_error_strip_remote_error(error);
    why = g_strdup_printf("Notification server failed (%s)", error->message);
    log_unshown(why, summary, stretch);
    /* A reminder shown before may still be up: keep it so the next try replaces it. */
    if (created)
      drop_reminder(notifier);
    return FALSE;
  }

  if (!notifier->owner)
    notifier->reminder_awaits_owner = TRUE;
  return TRUE;
}

void dbk_notifier_close(DbkNotifier *notifier) {
  g_autoptr(GError) error = NULL;

  g_return_if_fail(notifier != NULL);

  if (!notifier->reminder)
    return;
  /* Fails harmlessly when the server closed it already (after an action). */
  if (!notify_notification_close(notifier->reminder, &error))
    g_debug("Closing the reminder: %s, ignoring", error->message);
  drop_reminder(notifier);
}

const char *dbk_notifier_server_name(DbkNotifier *notifier) {
  g_return_val_if_fail(notifier != NULL, NULL);

  if (!notifier->owner && !notifier->reminder_awaits_owner)
    return NULL;
  return notifier->server_name;
}

void dbk_notifier_free(DbkNotifier *notifier) {
  if (!notifier)
    return;

  /* Its buttons would do nothing once this process is gone. */
  dbk_notifier_close(notifier);
  if (notifier->watch_id)
    g_bus_unwatch_name(notifier->watch_id);
  g_clear_object(&notifier->session_bus);
  g_free(notifier->owner);
  g_free(notifier->server_name);
  if (notifier->own_libnotify)
    notify_uninit();
  g_free(notifier);
}

gboolean dbk_notifier_dnd(DbkNotifier *notifier, const char **ret_why) {
  /* Do-not-disturb detection is being written; until then: never. */
  if (ret_why)
    *ret_why = NULL;
  return FALSE;
}
