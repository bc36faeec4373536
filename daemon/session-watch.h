/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Screen lock and suspend, read whatever the idle source (DESIGN §5):
 * logind's session LockedHint / Lock / Unlock and the manager's
 * PrepareForSleep on the system bus; org.freedesktop.ScreenSaver and
 * org.gnome.ScreenSaver ActiveChanged on the session bus.
 */
#pragma once

#include <gio/gio.h>

typedef struct {
  void (*locked)(void *user_data, gboolean locked);
  void (*sleeping)(void *user_data, gboolean sleeping);
} DbkSessionListener;

typedef struct DbkSessionWatch DbkSessionWatch;

/* `system_bus` may be NULL (no system bus): then only the session bus is watched. */
DbkSessionWatch *dbk_session_watch_new(GDBusConnection *session_bus, GDBusConnection *system_bus,
                                       const DbkSessionListener *listener, void *user_data);
/* Whether the screen is locked now, as far as known. */
gboolean dbk_session_watch_is_locked(DbkSessionWatch *watch);
/* The logind session object path in use, or NULL. */
const char *dbk_session_watch_session_path(DbkSessionWatch *watch);
void dbk_session_watch_free(DbkSessionWatch *watch);
