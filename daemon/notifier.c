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
 *
 * Do-not-disturb is read from whatever the desktop offers, and followed by
 * its change signals, never polled:
 *  - the server's Inhibited property on org.freedesktop.Notifications (not
 *    in the notification spec; KDE Plasma and some others have it);
 *  - dunst's paused property on org.dunstproject.cmd0;
 *  - GNOME's org.gnome.desktop.notifications show-banners key, when that
 *    schema is installed (GNOME Shell keeps its do-not-disturb there rather
 *    than on the bus).
 * The first two belong to one server: they are read when its owner
 * appears, from then on taken from its PropertiesChanged, and forgotten
 * when the owner changes. A server that has neither simply does not count.
 *  - xfce4-notifyd's /do-not-disturb in Xfconf (channel xfce4-notifyd), read
 *    from xfconfd (org.xfce.Xfconf) and followed by its PropertyChanged and
 *    PropertyRemoved signals. xfconfd is watched, never activated. Its
 *    setting counts while the notification server is xfce4-notifyd, or
 *    while no server is on the bus (the Notify call may activate
 *    xfce4-notifyd, which drops normal notifications in do-not-disturb
 *    without a word); under any other server it does not.
 *
 * A server may own the name a moment before it answers calls (GNOME Shell's
 * notification service does). While it does not answer, it is asked again
 * for its information (GetServerInformation, sent to its unique name) on a
 * timer, 250 ms doubling to 4 s, for up to a minute. Once it answers its
 * name is known, its do-not-disturb state is read again, and a reminder it
 * could not take is offered again through server_appeared(). The asking
 * stops at once when the owner changes or leaves, and when the reminder
 * that waited for it is closed while the name is known.
 *
 * mako's modes are the exception (see "mako's modes" below): mako has no
 * signal for them, so they are asked for when the server appears and again
 * whenever the daemon is about to decide on a reminder or reports its
 * status (dbk_notifier_recheck_dnd()), never on a timer.
 */
#include "notifier.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "duration.h"
#include "reminder-text.h"

#define NOTIFICATIONS_BUS_NAME "org.freedesktop.Notifications"
#define APP_NAME "deskbreak"
/* Symbolic, so shells that recolour icons can; in Adwaita and most themes. */
#define APP_ICON "alarm-symbolic"
/* data/deskbreak.desktop: lets shells name the app and offer per-app settings. */
#define DESKTOP_ENTRY "deskbreak"
/* The spec's category for "the user is (not) at the computer" events. */
#define CATEGORY "presence"

/* Do-not-disturb sources. */
#define NOTIFICATIONS_PATH "/org/freedesktop/Notifications"
#define NOTIFICATIONS_INTERFACE "org.freedesktop.Notifications"
#define INHIBITED_PROPERTY "Inhibited"
#define DUNST_INTERFACE "org.dunstproject.cmd0"
#define DUNST_PAUSED_PROPERTY "paused"
#define GNOME_NOTIFICATIONS_SCHEMA "org.gnome.desktop.notifications"
#define GNOME_SHOW_BANNERS_KEY "show-banners"

/* What holds a reminder back, for the journal and GetStatus's held_reason:
 * English there, translated by the client that shows it. */
/* TRANSLATORS: this and the next four say why a due reminder is held back,
 * in brackets after "Reminder held: do-not-disturb is on". */
#define WHY_DUNST_PAUSED N_("dunst is paused")
#define WHY_SERVER_INHIBITED N_("the notification server is in do-not-disturb")
#define WHY_GNOME_BANNERS_OFF N_("GNOME: notification banners are off")
#define WHY_XFCE_DND N_("xfce4-notifyd is in do-not-disturb")

/* Xfce: xfce4-notifyd keeps its do-not-disturb switch in Xfconf. */
#define XFCONF_BUS_NAME "org.xfce.Xfconf"
#define XFCONF_PATH "/org/xfce/Xfconf"
#define XFCONF_INTERFACE "org.xfce.Xfconf"
#define XFCONF_CHANNEL "xfce4-notifyd"
#define XFCONF_DND_PROPERTY "/do-not-disturb"
/* xfce4-notifyd's name in GetServerInformation. */
#define XFCE_NOTIFYD_SERVER_NAME "Xfce Notify Daemon"

/* Asking a server that does not answer yet again. */
#define RETRY_FIRST_MS 250
#define RETRY_MAX_MS 4000
#define RETRY_GIVE_UP_USEC (60 * G_USEC_PER_SEC)
#define RETRY_CALL_TIMEOUT_MS 5000
#define WHY_MAKO_MODE N_("mako's mode do-not-disturb is active")

#define ACTION_DONE "done"
#define ACTION_SNOOZE "snooze"
#define ACTION_SKIP "skip"

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
  /* The id of a reminder an earlier deskbreakd left on screen, for the
   * next one to replace; 0 = none. */
  guint32 adopted_id;

  /*
   * Do-not-disturb. The server's part (server_inhibited, server_paused)
   * is read from the current owner only: its PropertiesChanged are
   * subscribed with its unique name, and its reads are cancelled with
   * server_cancellable when the owner changes.
   */
  guint properties_changed_id;
  GCancellable *server_cancellable;
  unsigned pending_reads;         /* property reads of this owner still out */
  gboolean announce_server;       /* call server_appeared() once they are in */
  gboolean server_inhibited;      /* the server's Inhibited property */
  gboolean server_paused;         /* dunst's paused property */
  GSettings *gnome_notifications; /* NULL when the schema is not installed */
  gboolean banners_off;           /* GNOME's show-banners is false */
  gboolean dnd;                   /* the combined state last reported */

  /*
   * The owner does not answer yet: it is asked again. retry_since is the
   * first failure (monotonic µs; 0 = not asking), kept until a reminder
   * goes out so that a server that answers but refuses Notify is not asked
   * forever. retry_source is the next try's timer and retry_cancellable
   * the call in flight; at most one of the two is set.
   */
  gint64 retry_since;
  guint retry_delay_ms;
  guint retry_source;
  GCancellable *retry_cancellable;
  gboolean show_pending; /* a reminder it could not take waits for it */

  /*
   * Xfce's do-not-disturb, from xfconfd. Its signals are subscribed with
   * the owner's unique name and its read is cancelled with
   * xfconf_cancellable when that owner goes.
   */
  guint xfconf_watch_id;
  char *xfconf_owner; /* unique name of xfconfd; NULL when not on the bus */
  guint xfconf_signal_id;
  GCancellable *xfconf_cancellable;
  gboolean xfconf_dnd; /* xfce4-notifyd's /do-not-disturb is true */
  /* The server's name watch has reported: "no owner" is known, not a guess. */
  gboolean server_watch_reported;

  gboolean mako;     /* the server answers mako's ListModes */
  gboolean mako_dnd; /* its mode do-not-disturb was active when last asked */
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

/* Stops asking the server again. */
static void stop_retry(DbkNotifier *notifier) {
  g_clear_handle_id(&notifier->retry_source, g_source_remove);
  if (notifier->retry_cancellable) {
    g_cancellable_cancel(notifier->retry_cancellable);
    g_clear_object(&notifier->retry_cancellable);
  }
  notifier->retry_since = 0;
  notifier->show_pending = FALSE;
}

static gboolean on_retry_due(gpointer user_data);

/*
 * The owner did not answer (`why`): asks it again after the next delay,
 * unless a try is on the way already or it has had its minute. Logged
 * once, when the asking starts.
 */
static void schedule_retry(DbkNotifier *notifier, const char *why) {
  gint64 now = g_get_monotonic_time();

  if (!notifier->owner || notifier->retry_source || notifier->retry_cancellable)
    return;
  if (notifier->retry_since == 0) {
    notifier->retry_since = now;
    notifier->retry_delay_ms = RETRY_FIRST_MS;
    g_message(
        "Notification server %s does not answer yet; asking it again for up to a minute%s%s%s",
        notifier->owner, why ? " (" : "", why ? why : "", why ? ")" : "");
  } else if (now - notifier->retry_since >= RETRY_GIVE_UP_USEC) {
    g_message("Notification server %s has not answered for a minute; no longer asking it",
              notifier->owner);
    /* retry_since stays: this owner has had its minute. */
    notifier->show_pending = FALSE;
    return;
  } else {
    notifier->retry_delay_ms = MIN(notifier->retry_delay_ms * 2, RETRY_MAX_MS);
  }
  notifier->retry_source = g_timeout_add(notifier->retry_delay_ms, on_retry_due, notifier);
}

static void refresh_server_name(DbkNotifier *notifier) {
  g_autofree char *name = NULL;

  g_clear_pointer(&notifier->server_name, g_free);
  if (notify_get_server_info(&name, NULL, NULL, NULL)) {
    notifier->server_name = g_steal_pointer(&name);
  } else {
    g_debug("Notification server %s gives no server information", notifier->owner);
    schedule_retry(notifier, "no server information");
  }
}

/* ---- do-not-disturb ---- */

static gboolean xfconf_dnd_counts(DbkNotifier *notifier);

static gboolean dnd_now(DbkNotifier *notifier, const char **ret_why) {
  const char *why = NULL;

  /* The server's own state first: it is what holds back its banners. */
  if (notifier->server_paused)
    why = WHY_DUNST_PAUSED;
  else if (notifier->server_inhibited)
    why = WHY_SERVER_INHIBITED;
  else if (notifier->xfconf_dnd && xfconf_dnd_counts(notifier))
    why = WHY_XFCE_DND;
  else if (notifier->mako_dnd)
    why = WHY_MAKO_MODE;
  else if (notifier->banners_off)
    why = WHY_GNOME_BANNERS_OFF;
  if (ret_why)
    *ret_why = why;
  return why != NULL;
}

/* Tells the listener when the combined state changed. */
static void update_dnd(DbkNotifier *notifier) {
  gboolean dnd;

  /* A server read halfway is no news; its last read reports. */
  if (notifier->pending_reads > 0)
    return;
  dnd = dnd_now(notifier, NULL);
  if (dnd == notifier->dnd)
    return;
  notifier->dnd = dnd;
  if (notifier->listener.dnd_changed)
    notifier->listener.dnd_changed(notifier->user_data, dnd);
}

/*
 * Takes one property's value from the server. Anything but a boolean
 * counts as "not in do-not-disturb": a server is believed only when it
 * says so clearly.
 */
static void set_server_property(DbkNotifier *notifier, const char *interface, const char *property,
                                GVariant *value) {
  gboolean on =
      value && g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean(value);

  if (g_strcmp0(interface, NOTIFICATIONS_INTERFACE) == 0 &&
      g_strcmp0(property, INHIBITED_PROPERTY) == 0)
    notifier->server_inhibited = on;
  else if (g_strcmp0(interface, DUNST_INTERFACE) == 0 &&
           g_strcmp0(property, DUNST_PAUSED_PROPERTY) == 0)
    notifier->server_paused = on;
  else
    return;
  if (value)
    g_debug("Notification server %s: %s.%s is %s",
            notifier->server_name ? notifier->server_name : notifier->owner, interface, property,
            on ? "true" : "false");
}

/* One Properties.Get in flight; interface and property are static strings. */
/*
 * A call in flight, for `notifier` while `cancellable` is not cancelled:
 * the server's, xfconfd's or a retry's, cancelled when what it asked of
 * goes (and when the notifier does).
 */
typedef struct {
  DbkNotifier *notifier;
  GCancellable *cancellable;
} PendingCall;

static PendingCall *pending_call_new(DbkNotifier *notifier, GCancellable *cancellable) {
  PendingCall *call = g_new(PendingCall, 1);
  *call = (PendingCall){.notifier = notifier, .cancellable = g_object_ref(cancellable)};
  return call;
}

static void pending_call_free(PendingCall *call) {
  g_object_unref(call->cancellable);
  g_free(call);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PendingCall, pending_call_free)

typedef struct {
  DbkNotifier *notifier;
  GCancellable *cancellable; /* the server's, cancelled when it is forgotten */
  const char *interface;
  const char *property;
} PropertyRead;

static void property_read_free(PropertyRead *read) {
  g_object_unref(read->cancellable);
  g_free(read);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PropertyRead, property_read_free)

static void on_server_appeared_read(DbkNotifier *notifier);

static void on_server_property_read(GObject *source, GAsyncResult *result, gpointer user_data) {
  g_autoptr(PropertyRead) read = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;

  reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  /*
   * The owner changed or the notifier is gone (read->notifier with it):
   * whatever came back is about a server that no longer counts.
   */
  if (g_cancellable_is_cancelled(read->cancellable))
    return;

  DbkNotifier *notifier = read->notifier;
  if (reply) {
    g_variant_get(reply, "(v)", &value);
  } else {
    /* Most servers have one of the two at most (UnknownProperty, InvalidArgs…). */
    g_dbus_error_strip_remote_error(error);
    g_debug("Notification server %s has no %s.%s (%s); it does not count",
            notifier->server_name ? notifier->server_name : notifier->owner, read->interface,
            read->property, error->message);
  }
  set_server_property(notifier, read->interface, read->property, value);

  g_assert(notifier->pending_reads > 0);
  if (--notifier->pending_reads == 0)
    on_server_appeared_read(notifier);
}

static void read_server_property(DbkNotifier *notifier, const char *interface,
                                 const char *property) {
  PropertyRead *read = g_new(PropertyRead, 1);

  *read = (PropertyRead){
      .notifier = notifier,
      .cancellable = g_object_ref(notifier->server_cancellable),
      .interface = interface,
      .property = property,
  };
  notifier->pending_reads++;
  /* Sent to the owner's unique name: a later owner's answer must not count for this one. */
  g_dbus_connection_call(notifier->session_bus, notifier->owner, NOTIFICATIONS_PATH,
                         "org.freedesktop.DBus.Properties", "Get",
                         g_variant_new("(ss)", interface, property), G_VARIANT_TYPE("(v)"),
                         G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, notifier->server_cancellable,
                         on_server_property_read, read);
}

static void on_server_properties_changed(GDBusConnection *connection, const char *sender,
                                         const char *path, const char *interface,
                                         const char *signal, GVariant *parameters,
                                         gpointer user_data) {
  DbkNotifier *notifier = user_data;
  const char *changed_interface;
  g_autoptr(GVariant) changed = NULL;
  g_autofree const char **invalidated = NULL;
  static const char *const watched[][2] = {
      {NOTIFICATIONS_INTERFACE, INHIBITED_PROPERTY},
      {DUNST_INTERFACE, DUNST_PAUSED_PROPERTY},
  };

  if (!g_variant_is_of_type(parameters, G_VARIANT_TYPE("(sa{sv}as)")))
    return;
  g_variant_get(parameters, "(&s@a{sv}^a&s)", &changed_interface, &changed, &invalidated);

  for (size_t i = 0; i < G_N_ELEMENTS(watched); i++) {
    const char *watched_interface = watched[i][0], *property = watched[i][1];
    g_autoptr(GVariant) value = NULL;

    if (g_strcmp0(changed_interface, watched_interface) != 0)
      continue;
    value = g_variant_lookup_value(changed, property, NULL);
    if (value)
      set_server_property(notifier, watched_interface, property, value);
    else if (invalidated && g_strv_contains(invalidated, property))
      /* Changed without the new value: ask for it. */
      read_server_property(notifier, watched_interface, property);
  }
  update_dnd(notifier);
}

/* ---- mako's modes ---- */

/*
 * mako serves fr.emersion.Mako beside the notification interface, on the
 * same connection. Its ListModes gives the active modes; what a mode does
 * is in mako's config file, which is not on the bus. mako(5)'s convention
 * for do-not-disturb is a mode named do-not-disturb that makes
 * notifications invisible, so that name, when active, is what counts; a
 * mode of another name cannot be told from one that only restyles.
 *
 * mako has no signal for mode changes, and polling it would wake the
 * machine for nothing, so the modes are asked for only when the server
 * appears (with its other reads) and when the daemon asks through
 * dbk_notifier_recheck_dnd(): when a reminder falls due or is repeated,
 * and on GetStatus. A mode switched on or off in between is seen at the
 * next of those.
 */
#define MAKO_PATH "/fr/emersion/Mako"
#define MAKO_INTERFACE "fr.emersion.Mako"
#define MAKO_DND_MODE "do-not-disturb"
/* A synchronous call: a hung server must not hold the daemon for long. */
#define MAKO_CALL_TIMEOUT_MSEC 2000

static void forget_mako(DbkNotifier *notifier) {
  notifier->mako = FALSE;
  notifier->mako_dnd = FALSE;
}

/* Takes ListModes' reply; NULL (no such method) means the server is not mako. */
static void set_mako_modes(DbkNotifier *notifier, GVariant *reply) {
  g_autofree const char **modes = NULL;
  gboolean on;

  if (!reply || !g_variant_is_of_type(reply, G_VARIANT_TYPE("(as)"))) {
    forget_mako(notifier);
    return;
  }
  g_variant_get(reply, "(^a&s)", &modes);
  on = g_strv_contains(modes, MAKO_DND_MODE);
  if (!notifier->mako || on != notifier->mako_dnd)
    g_debug("mako's mode " MAKO_DND_MODE " is %s", on ? "active" : "not active");
  notifier->mako = TRUE;
  notifier->mako_dnd = on;
}

static void on_mako_modes_read(GObject *source, GAsyncResult *result, gpointer user_data) {
  g_autoptr(PendingCall) read = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  /* The owner changed or the notifier is gone (read->notifier with it). */
  if (g_cancellable_is_cancelled(read->cancellable))
    return;

  DbkNotifier *notifier = read->notifier;

  if (!reply) {
    g_dbus_error_strip_remote_error(error);
    g_debug("Notification server %s has no mako modes (%s)",
            notifier->server_name ? notifier->server_name : notifier->owner, error->message);
  }
  set_mako_modes(notifier, reply);

  g_assert(notifier->pending_reads > 0);
  if (--notifier->pending_reads == 0)
    on_server_appeared_read(notifier);
}

/* One of the new owner's reads: whether it is mako, and its modes. */
static void read_mako_modes(DbkNotifier *notifier) {
  PendingCall *read = pending_call_new(notifier, notifier->server_cancellable);

  notifier->pending_reads++;
  g_dbus_connection_call(notifier->session_bus, notifier->owner, MAKO_PATH, MAKO_INTERFACE,
                         "ListModes", NULL, G_VARIANT_TYPE("(as)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                         -1, notifier->server_cancellable, on_mako_modes_read, read);
}

void dbk_notifier_recheck_dnd(DbkNotifier *notifier, gboolean report) {
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  g_return_if_fail(notifier != NULL);

  /* Not mako, or its first read is still out (and reports when it is in). */
  if (!notifier->mako || !notifier->owner || notifier->pending_reads > 0)
    return;
  reply = g_dbus_connection_call_sync(notifier->session_bus, notifier->owner, MAKO_PATH,
                                      MAKO_INTERFACE, "ListModes", NULL, G_VARIANT_TYPE("(as)"),
                                      G_DBUS_CALL_FLAGS_NO_AUTO_START, MAKO_CALL_TIMEOUT_MSEC, NULL,
                                      &error);
  if (!reply) {
    /* Gone (the name watch will say so) or stuck: keep what it said last. */
    g_dbus_error_strip_remote_error(error);
    g_debug("Asking mako for its modes: %s", error->message);
    return;
  }
  set_mako_modes(notifier, reply);
  if (report)
    update_dnd(notifier);
  else
    notifier->dnd = dnd_now(notifier, NULL); /* the caller acts on it itself */
}

/* Forgets the server's do-not-disturb state and stops following it. */
static void forget_server_state(DbkNotifier *notifier) {
  if (notifier->server_cancellable) {
    g_cancellable_cancel(notifier->server_cancellable);
    g_clear_object(&notifier->server_cancellable);
  }
  if (notifier->properties_changed_id) {
    g_dbus_connection_signal_unsubscribe(notifier->session_bus, notifier->properties_changed_id);
    notifier->properties_changed_id = 0;
  }
  notifier->pending_reads = 0;
  notifier->announce_server = FALSE;
  notifier->server_inhibited = FALSE;
  notifier->server_paused = FALSE;
  forget_mako(notifier);
}

/* Forgets everything about the server that was, without telling anyone yet. */
static void forget_server(DbkNotifier *notifier) {
  stop_retry(notifier);
  forget_server_state(notifier);
}

/* Follows the do-not-disturb state of the server that just became the owner. */
static void read_server(DbkNotifier *notifier) {
  notifier->server_cancellable = g_cancellable_new();
  /* Subscribed before the reads are sent: no change falls between the two. */
  notifier->properties_changed_id = g_dbus_connection_signal_subscribe(
      notifier->session_bus, notifier->owner, "org.freedesktop.DBus.Properties",
      "PropertiesChanged", NOTIFICATIONS_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
      on_server_properties_changed, notifier, NULL);
  read_server_property(notifier, NOTIFICATIONS_INTERFACE, INHIBITED_PROPERTY);
  read_server_property(notifier, DUNST_INTERFACE, DUNST_PAUSED_PROPERTY);
  read_mako_modes(notifier);
}

/*
 * The new server's do-not-disturb state is known: only now is it asked to
 * show the reminder again, so that a server in do-not-disturb from its
 * first moment holds it back.
 */
static void on_server_appeared_read(DbkNotifier *notifier) {
  if (notifier->announce_server) {
    notifier->announce_server = FALSE;
    if (notifier->listener.server_appeared)
      notifier->listener.server_appeared(notifier->user_data);
  }
  update_dnd(notifier);
}

static void on_retry_answered(GObject *source, GAsyncResult *result, gpointer user_data) {
  g_autoptr(PendingCall) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *name = NULL;

  reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  /* The owner changed or the notifier is gone (call->notifier with it). */
  if (g_cancellable_is_cancelled(call->cancellable))
    return;

  DbkNotifier *notifier = call->notifier;
  g_clear_object(&notifier->retry_cancellable);
  if (!reply) {
    schedule_retry(notifier, NULL);
    return;
  }

  g_variant_get(reply, "(&s&s&s&s)", &name, NULL, NULL, NULL);
  g_free(notifier->server_name);
  notifier->server_name = g_strdup(name);
  g_message("Notification server %s (%s) answers now", name, notifier->owner);

  /*
   * What was read of its do-not-disturb state while it did not answer
   * does not hold: read it again, and offer a reminder it could not take
   * only once that is in, as for a server that just appeared.
   */
  gboolean announce = notifier->announce_server || notifier->show_pending;
  if (notifier->show_pending)
    notifier->show_pending = FALSE; /* retry_since stays until the reminder goes out */
  else
    stop_retry(notifier);
  forget_server_state(notifier);
  notifier->announce_server = announce;
  read_server(notifier);
}

static gboolean on_retry_due(gpointer user_data) {
  DbkNotifier *notifier = user_data;
  notifier->retry_source = 0;
  notifier->retry_cancellable = g_cancellable_new();
  PendingCall *call = pending_call_new(notifier, notifier->retry_cancellable);
  /* To the owner's unique name: only its own answer counts. */
  g_dbus_connection_call(
      notifier->session_bus, notifier->owner, NOTIFICATIONS_PATH, NOTIFICATIONS_INTERFACE,
      "GetServerInformation", NULL, G_VARIANT_TYPE("(ssss)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
      RETRY_CALL_TIMEOUT_MS, notifier->retry_cancellable, on_retry_answered, call);
  return G_SOURCE_REMOVE;
}

static void on_banners_changed(GSettings *settings, const char *key, gpointer user_data) {
  DbkNotifier *notifier = user_data;

  notifier->banners_off = !g_settings_get_boolean(settings, GNOME_SHOW_BANNERS_KEY);
  g_debug("GNOME notification banners %s", notifier->banners_off ? "off" : "on");
  update_dnd(notifier);
}

/* GNOME Shell and Phosh keep their do-not-disturb switch in GSettings. */
static gboolean gnome_like_session(void) {
  const char *desktops = g_getenv("XDG_CURRENT_DESKTOP");
  g_auto(GStrv) names = g_strsplit(desktops ? desktops : "", ":", -1);
  for (char **name = names; *name; name++)
    if (g_ascii_strcasecmp(*name, "GNOME") == 0 || g_ascii_strcasecmp(*name, "Phosh") == 0)
      return TRUE;
  return FALSE;
}

/*
 * GNOME's do-not-disturb switch, in a GNOME (or Phosh) session where its
 * schema is installed. Elsewhere it does not count: a key left off in GNOME
 * long ago must not hold reminders forever on another desktop.
 */
static void watch_gnome_banners(DbkNotifier *notifier) {
  GSettingsSchemaSource *source = g_settings_schema_source_get_default();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) key = NULL;

  if (!gnome_like_session()) {
    g_debug("Not a GNOME session: GNOME's do-not-disturb is not read");
    return;
  }
  if (source)
    schema = g_settings_schema_source_lookup(source, GNOME_NOTIFICATIONS_SCHEMA, TRUE);
  if (!schema || !g_settings_schema_has_key(schema, GNOME_SHOW_BANNERS_KEY)) {
    g_debug("No GSettings schema %s with %s: GNOME's do-not-disturb is not read",
            GNOME_NOTIFICATIONS_SCHEMA, GNOME_SHOW_BANNERS_KEY);
    return;
  }
  key = g_settings_schema_get_key(schema, GNOME_SHOW_BANNERS_KEY);
  if (!g_variant_type_equal(g_settings_schema_key_get_value_type(key), G_VARIANT_TYPE_BOOLEAN))
    return;

  notifier->gnome_notifications = g_settings_new_full(schema, NULL, NULL);
  /* Connected before the first read: GSettings reports changes only of keys read since. */
  g_signal_connect(notifier->gnome_notifications, "changed::" GNOME_SHOW_BANNERS_KEY,
                   G_CALLBACK(on_banners_changed), notifier);
  notifier->banners_off =
      !g_settings_get_boolean(notifier->gnome_notifications, GNOME_SHOW_BANNERS_KEY);
  /* Reported as the starting state, not as a change. */
  notifier->dnd = dnd_now(notifier, NULL);
}

/* ---- Xfce's do-not-disturb, from Xfconf ---- */

/*
 * xfce4-notifyd's setting holds reminders only where xfce4-notifyd would
 * show them: a switch left on in Xfconf must not hold them under another
 * server.
 */
static gboolean xfconf_dnd_counts(DbkNotifier *notifier) {
  if (!notifier->owner)
    return notifier->server_watch_reported;
  return g_strcmp0(notifier->server_name, XFCE_NOTIFYD_SERVER_NAME) == 0;
}

/* Anything but a boolean true counts as "off", as for the servers' properties. */
static void set_xfconf_dnd(DbkNotifier *notifier, GVariant *value) {
  gboolean on =
      value && g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean(value);

  if (value)
    g_debug("Xfconf: %s %s is %s", XFCONF_CHANNEL, XFCONF_DND_PROPERTY, on ? "true" : "false");
  notifier->xfconf_dnd = on;
  update_dnd(notifier);
}

static void on_xfconf_signal(GDBusConnection *connection, const char *sender, const char *path,
                             const char *interface, const char *signal, GVariant *parameters,
                             gpointer user_data) {
  DbkNotifier *notifier = user_data;
  const char *channel, *property;
  g_autoptr(GVariant) value = NULL;

  if (g_strcmp0(signal, "PropertyChanged") == 0 &&
      g_variant_is_of_type(parameters, G_VARIANT_TYPE("(ssv)"))) {
    g_variant_get(parameters, "(&s&sv)", &channel, &property, &value);
  } else if (g_strcmp0(signal, "PropertyRemoved") == 0 &&
             g_variant_is_of_type(parameters, G_VARIANT_TYPE("(ss)"))) {
    g_variant_get(parameters, "(&s&s)", &channel, &property);
    g_debug("Xfconf: %s %s removed", XFCONF_CHANNEL, XFCONF_DND_PROPERTY);
  } else {
    return;
  }
  if (g_strcmp0(channel, XFCONF_CHANNEL) != 0 || g_strcmp0(property, XFCONF_DND_PROPERTY) != 0)
    return;
  set_xfconf_dnd(notifier, value);
}

static void on_xfconf_read(GObject *source, GAsyncResult *result, gpointer user_data) {
  g_autoptr(PendingCall) read = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;

  reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  /* xfconfd went or the notifier is gone (read->notifier with it). */
  if (g_cancellable_is_cancelled(read->cancellable))
    return;
  if (reply) {
    g_variant_get(reply, "(v)", &value);
  } else {
    /* Never set: org.xfce.Xfconf.Error.PropertyNotFound. */
    g_dbus_error_strip_remote_error(error);
    g_debug("Xfconf has no %s %s (%s): off", XFCONF_CHANNEL, XFCONF_DND_PROPERTY, error->message);
  }
  set_xfconf_dnd(read->notifier, value);
}

static void forget_xfconf(DbkNotifier *notifier) {
  if (notifier->xfconf_cancellable) {
    g_cancellable_cancel(notifier->xfconf_cancellable);
    g_clear_object(&notifier->xfconf_cancellable);
  }
  if (notifier->xfconf_signal_id) {
    g_dbus_connection_signal_unsubscribe(notifier->session_bus, notifier->xfconf_signal_id);
    notifier->xfconf_signal_id = 0;
  }
  g_clear_pointer(&notifier->xfconf_owner, g_free);
  notifier->xfconf_dnd = FALSE;
}

static void on_xfconf_appeared(GDBusConnection *connection, const char *name, const char *owner,
                               gpointer user_data) {
  DbkNotifier *notifier = user_data;

  if (g_strcmp0(owner, notifier->xfconf_owner) == 0)
    return;
  forget_xfconf(notifier);
  notifier->xfconf_owner = g_strdup(owner);
  notifier->xfconf_cancellable = g_cancellable_new();
  g_debug("Xfconf (%s) is on the bus", owner);

  /* Subscribed before the read is sent: no change falls between the two. */
  notifier->xfconf_signal_id = g_dbus_connection_signal_subscribe(
      notifier->session_bus, owner, XFCONF_INTERFACE, NULL, XFCONF_PATH, XFCONF_CHANNEL,
      G_DBUS_SIGNAL_FLAGS_NONE, on_xfconf_signal, notifier, NULL);

  PendingCall *read = pending_call_new(notifier, notifier->xfconf_cancellable);
  /* To the unique name, never auto-starting: xfconfd is not ours to start. */
  g_dbus_connection_call(notifier->session_bus, owner, XFCONF_PATH, XFCONF_INTERFACE, "GetProperty",
                         g_variant_new("(ss)", XFCONF_CHANNEL, XFCONF_DND_PROPERTY),
                         G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                         notifier->xfconf_cancellable, on_xfconf_read, read);
}

static void on_xfconf_vanished(GDBusConnection *connection, const char *name, gpointer user_data) {
  DbkNotifier *notifier = user_data;

  if (!notifier->xfconf_owner)
    return;
  g_debug("Xfconf (%s) left the bus", notifier->xfconf_owner);
  forget_xfconf(notifier);
  update_dnd(notifier);
}

/* Watched, not activated: G_BUS_NAME_WATCHER_FLAGS_AUTO_START is not given. */
static void watch_xfconf(DbkNotifier *notifier) {
  notifier->xfconf_watch_id = g_bus_watch_name_on_connection(
      notifier->session_bus, XFCONF_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE, on_xfconf_appeared,
      on_xfconf_vanished, notifier, NULL);
}

/* ---- the server coming and going ---- */

static void on_server_appeared(GDBusConnection *connection, const char *name, const char *owner,
                               gpointer user_data) {
  DbkNotifier *notifier = user_data;

  notifier->server_watch_reported = TRUE;
  if (g_strcmp0(owner, notifier->owner) == 0)
    return;
  /* Another owner, another server: nothing the old one said holds. */
  forget_server(notifier);
  g_free(notifier->owner);
  notifier->owner = g_strdup(owner);
  refresh_server_name(notifier);
  g_debug("Notification server %s (%s) is on the bus", notifier->server_name ?: "?", owner);

  if (notifier->reminder && notifier->reminder_awaits_owner) {
    /* The server our own Notify call started; it shows the reminder already. */
    notifier->reminder_awaits_owner = FALSE;
  } else {
    /* Any id we hold came from an earlier server and means nothing to this one. */
    drop_reminder(notifier);
    notifier->announce_server = TRUE;
  }
  read_server(notifier);
}

static void on_server_vanished(GDBusConnection *connection, const char *name, gpointer user_data) {
  DbkNotifier *notifier = user_data;

  /*
   * The watch's first report may say "no owner" while a reminder that our
   * Notify call got a server activated for is already up: a server we never
   * knew has not gone, so keep that reminder.
   */
  if (!notifier->owner) {
    /* Xfconf's do-not-disturb counts from now on while no server is there. */
    notifier->server_watch_reported = TRUE;
    update_dnd(notifier);
    return;
  }
  g_debug("Notification server %s (%s) left the bus", notifier->server_name ?: "?",
          notifier->owner);
  forget_server(notifier);
  g_clear_pointer(&notifier->owner, g_free);
  g_clear_pointer(&notifier->server_name, g_free);
  /* The reminder went with it. */
  drop_reminder(notifier);
  /* Its do-not-disturb went too. */
  update_dnd(notifier);
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
  watch_gnome_banners(notifier);

  if (session_bus) {
    notifier->session_bus = g_object_ref(session_bus);
    notifier->watch_id = g_bus_watch_name_on_connection(
        session_bus, NOTIFICATIONS_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE, on_server_appeared,
        on_server_vanished, notifier, NULL);
    watch_xfconf(notifier);
  }
  return notifier;
}

static gboolean caps_contain(GList *caps, const char *cap) {
  return g_list_find_custom(caps, cap, (GCompareFunc)g_strcmp0) != NULL;
}

/* The reminder that could not go on screen goes to stderr, the journal under systemd. */
static void log_unshown(const char *why, const char *summary, const DbkStretch *stretch) {
  g_autoptr(GString) text = g_string_new(NULL);

  dbk_reminder_append_stretch(text, stretch, " ");
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

/*
 * Whether a failed call says the server is not there to answer yet (no
 * object or method exported, no reply) rather than that it refused: a
 * refusal would only come again.
 */
static gboolean not_answering(const GError *error) {
  static const GDBusError codes[] = {
      G_DBUS_ERROR_UNKNOWN_METHOD, G_DBUS_ERROR_UNKNOWN_OBJECT, G_DBUS_ERROR_UNKNOWN_INTERFACE,
      G_DBUS_ERROR_NO_REPLY,       G_DBUS_ERROR_TIMEOUT,        G_DBUS_ERROR_TIMED_OUT,
  };

  for (size_t i = 0; i < G_N_ELEMENTS(codes); i++)
    if (g_error_matches(error, G_DBUS_ERROR, codes[i]))
      return TRUE;
  return g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
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

  summary = dbk_reminder_summary(stretch, times_shown);

  /*
   * Asking for the server's information first finds out, without libnotify
   * warning about it, whether any server is there or can be activated.
   */
  if (!notify_get_server_info(&name, NULL, NULL, NULL)) {
    if (notifier->owner) {
      /* It took the name but does not answer yet: asked again until it does. */
      log_unshown("Notification server does not answer yet", summary, stretch);
      notifier->show_pending = TRUE;
      schedule_retry(notifier, "no server information");
    } else {
      log_unshown("No notification server", summary, stretch);
    }
    return FALSE;
  }
  g_free(notifier->server_name);
  notifier->server_name = g_steal_pointer(&name);

  /* libnotify sends actions even to servers that cannot show them. */
  caps = notify_get_server_caps();
  actions = caps_contain(caps, "actions");
  markup = caps_contain(caps, "body-markup");
  g_list_free_full(caps, g_free);

  body = dbk_reminder_body(stretch, markup, !actions);

  if (!notifier->reminder) {
    notifier->reminder = notify_notification_new(summary, body, APP_ICON);
    if (notifier->adopted_id)
      g_object_set(notifier->reminder, "id", (int)notifier->adopted_id, NULL);
    notifier->adopted_id = 0;
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
        /* TRANSLATORS: the reminder's button that snoozes it; %s is the
         * configured snooze, "10m". */
        snooze > 0 ? g_strdup_printf(_("Snooze %s"),
                                     dbk_duration_format_human(snooze, human, sizeof(human)))
                   : g_strdup(_("Snooze"));

    /* TRANSLATORS: the reminder's button for a break taken. */
    notify_notification_add_action(reminder, ACTION_DONE, _("Done"), on_action, notifier, NULL);
    notify_notification_add_action(reminder, ACTION_SNOOZE, snooze_label, on_action, notifier,
                                   NULL);
    /* TRANSLATORS: the reminder's button that lets this one go without a break. */
    notify_notification_add_action(reminder, ACTION_SKIP, _("Skip"), on_action, notifier, NULL);
  }

  if (!notify_notification_show(reminder, &error)) {
    g_autofree char *why = NULL;

    g_dbus_error_strip_remote_error(error);
    why = g_strdup_printf("Notification server failed (%s)", error->message);
    log_unshown(why, summary, stretch);
    /* A reminder shown before may still be up: keep it so the next try replaces it. */
    if (created)
      drop_reminder(notifier);
    if (notifier->owner && not_answering(error)) {
      notifier->show_pending = TRUE;
      schedule_retry(notifier, "Notify failed");
    }
    return FALSE;
  }

  /* Out: nothing waits for the server any more. */
  stop_retry(notifier);
  if (!notifier->owner)
    notifier->reminder_awaits_owner = TRUE;
  return TRUE;
}

guint32 dbk_notifier_reminder_id(DbkNotifier *notifier) {
  int id = 0;
  g_return_val_if_fail(notifier != NULL, 0);
  if (!notifier->reminder)
    return notifier->adopted_id; /* not shown yet: still the one to replace */
  g_object_get(notifier->reminder, "id", &id, NULL);
  return (guint32)id;
}

void dbk_notifier_adopt(DbkNotifier *notifier, guint32 id) {
  g_return_if_fail(notifier != NULL);
  notifier->adopted_id = id;
}

void dbk_notifier_close(DbkNotifier *notifier) {
  g_autoptr(GError) error = NULL;

  g_return_if_fail(notifier != NULL);

  /* A reminder no longer due waits for no server; its name may still be asked for. */
  if (notifier->server_name)
    stop_retry(notifier);
  else
    notifier->show_pending = FALSE;
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
  forget_server(notifier);
  if (notifier->xfconf_watch_id)
    g_bus_unwatch_name(notifier->xfconf_watch_id);
  forget_xfconf(notifier);
  if (notifier->gnome_notifications)
    g_signal_handlers_disconnect_by_data(notifier->gnome_notifications, notifier);
  g_clear_object(&notifier->gnome_notifications);
  g_clear_object(&notifier->session_bus);
  g_free(notifier->owner);
  g_free(notifier->server_name);
  if (notifier->own_libnotify)
    notify_uninit();
  g_free(notifier);
}

gboolean dbk_notifier_dnd(DbkNotifier *notifier, const char **ret_why) {
  g_return_val_if_fail(notifier != NULL, FALSE);

  /* Live rather than the last reported state: asked from within a report, it must agree. */
  return dnd_now(notifier, ret_why);
}
