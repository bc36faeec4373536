/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * org.deskbreak.Daemon1 on the session bus (DESIGN §3): checks the
 * arguments of method calls and hands them to the daemon through a table
 * of callbacks; publishes the daemon's state as properties. The interface
 * itself is generated from org.deskbreak.Daemon1.xml; the daemon emits its
 * signals on the skeleton directly.
 */
#pragma once

#include <gio/gio.h>

#include "config.h"
#include "dbus-generated.h"
#include "engine.h"

#define DBK_ERROR_INVALID_CONFIG "org.deskbreak.Daemon1.Error.InvalidConfig"

/* What the service asks of the daemon; `data` is the daemon. Arguments
 * are checked before a call. */
typedef struct {
  GVariant *(*get_status)(void *data);
  /* The last `days` local days, oldest first. */
  GVariant *(*get_history)(void *data, guint days);
  /* For the user's own stretches and the default snooze. */
  const DbkConfig *(*config)(void *data);
  /* Returns the end of the snooze, unix µs. */
  gint64 (*snooze)(void *data, DbkUsec duration);
  /* 0 = until Resume. */
  void (*pause)(void *data, DbkUsec duration);
  void (*resume)(void *data);
  void (*take_break)(void *data);
  /* FALSE with `error` naming the bad key; the last good config stays. */
  gboolean (*reload)(void *data, GError **error);
} DbkServiceOps;

/* The properties, as the API gives them (times in unix µs, 0 = none). */
typedef struct {
  const char *state;
  gint64 sitting_since;
  gint64 next_reminder;
  gint64 snoozed_until;
  gint64 paused_until; /* -1 = until resume */
  DbkUsec interval;
  const char *idle_source;
  const char *config_error;
} DbkServiceProps;

/* A skeleton whose method calls go to `ops`; export it to publish it. */
DbkDaemon1 *dbk_dbus_service_new(const DbkServiceOps *ops, void *data);
/* Sets the properties; the skeleton sends PropertiesChanged for the ones
 * that changed. */
void dbk_dbus_service_publish(DbkDaemon1 *service, const DbkServiceProps *props);
