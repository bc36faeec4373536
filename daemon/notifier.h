/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The reminder on screen (DESIGN §6), through libnotify. One notification
 * at a time: showing again replaces it. With no notification server the
 * reminder goes to stderr (the journal under systemd) and the listener's
 * server_appeared() is called when one arrives, so the daemon can show the
 * due reminder again. A server that owns the name but does not answer yet
 * is asked again for up to a minute; server_appeared() is called once it
 * answers if a reminder failed to go out meanwhile.
 */
#pragma once

#include <gio/gio.h>

#include "config.h"
#include "stretches.h"

typedef enum {
  DBK_ACTION_DONE,   /* "Done": the stretch was done, a break taken */
  DBK_ACTION_SNOOZE, /* "Snooze 10m" */
  DBK_ACTION_SKIP,   /* "Skip": not this time */
} DbkAction;

typedef struct {
  void (*action)(void *user_data, DbkAction action);
  void (*server_appeared)(void *user_data);
  /* The desktop's do-not-disturb mode began (TRUE) or ended (FALSE). */
  void (*dnd_changed)(void *user_data, gboolean dnd);
} DbkNotifierListener;

typedef struct DbkNotifier DbkNotifier;

DbkNotifier *dbk_notifier_new(GDBusConnection *session_bus, const DbkNotifierListener *listener,
                              void *user_data);
/*
 * Shows the reminder for `stretch`; `times_shown` ≥ 2 means a repeat.
 * `snooze` (µs) names the Snooze button. Returns FALSE when no server
 * took it (already logged with the reminder's text).
 */
gboolean dbk_notifier_show(DbkNotifier *notifier, const DbkStretch *stretch, unsigned times_shown,
                           DbkUrgency urgency, uint64_t snooze);
/* The reminder's id on the server (or the adopted one not replaced yet),
 * 0 when none. */
guint32 dbk_notifier_reminder_id(DbkNotifier *notifier);
/* The reminder a deskbreakd before this one left on screen: the next
 * reminder replaces it rather than stacking up beside it. */
void dbk_notifier_adopt(DbkNotifier *notifier, guint32 id);
/* Closes the reminder, if one is showing. */
void dbk_notifier_close(DbkNotifier *notifier);
/*
 * Whether the desktop is in do-not-disturb mode now, as far as it tells:
 * the notification server's Inhibited property (KDE and others), GNOME's
 * org.gnome.desktop.notifications show-banners, dunst's paused state,
 * mako's mode do-not-disturb (as last asked: dbk_notifier_recheck_dnd()).
 * `ret_why` (may be NULL) gets a phrase naming what said so, e.g.
 * "dunst is paused"; it stays valid until the next call.
 */
gboolean dbk_notifier_dnd(DbkNotifier *notifier, const char **ret_why);
/*
 * Asks again, now and synchronously, the sources that have no change
 * signal: mako's modes (a mode named do-not-disturb is do-not-disturb).
 * Does nothing when the server is not mako. With `report`, a change goes
 * to the listener's dnd_changed() like any other; without, it is only
 * recorded, for a caller about to act on dbk_notifier_dnd() itself.
 */
void dbk_notifier_recheck_dnd(DbkNotifier *notifier, gboolean report);
/* The server's name ("dunst"…), or NULL when none is on the bus. */
const char *dbk_notifier_server_name(DbkNotifier *notifier);
void dbk_notifier_free(DbkNotifier *notifier);
