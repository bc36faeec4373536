/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The daemon: the shell around the sitting-time engine. It turns idle
 * sources, lock and suspend, notification actions, D-Bus calls, config
 * changes and its one timer into engine events, and carries out the
 * effects the engine returns.
 */
#pragma once

#include <gio/gio.h>

#include "config-watch.h"
#include "config.h"
#include "dbus-generated.h"
#include "engine.h"
#include "history.h"
#include "idle/picker.h"
#include "notifier.h"
#include "saved-state.h"
#include "session-watch.h"

typedef struct {
  const char *config_override; /* --config */
  gboolean replace;            /* --replace */
} DbkDaemonOptions;

typedef struct {
  GMainLoop *loop;
  int exit_code;
  DbkDaemonOptions options;

  GDBusConnection *session_bus;
  GDBusConnection *system_bus; /* NULL without one */
  DbkDaemon1 *service;
  guint name_id;
  gboolean name_owned;
  gboolean replaced; /* another deskbreakd took the name over */
  gboolean tracking; /* the name is ours: state restored, input watched */

  DbkConfig *config;  /* the last good config */
  char *config_path;  /* where it came from; NULL = built-in defaults */
  char *config_error; /* "" when none */
  DbkConfigWatch *config_watch;

  DbkEngine engine;
  int timer_fd; /* timerfd on CLOCK_BOOTTIME, armed to the engine's deadline */
  guint timer_watch_id;
  guint watchdog_id;
  guint signal_ids[3];

  DbkIdlePicker *idle; /* the idle source in use */

  DbkSessionWatch *session_watch;
  DbkNotifier *notifier;

  unsigned rotation_pos;   /* where the rotation (config->stretches) goes on */
  char *last_stretch_id;   /* the stretch suggested last, never twice in a row */
  DbkStretch *due_stretch; /* the due reminder's stretch, a copy: configs come and go */
  char *state_path;        /* $XDG_STATE_HOME/deskbreak/state */
  gboolean held;           /* due, but held back by do-not-disturb */
  gboolean in_settle;      /* settle() runs: signals wait until the state is saved */

  DbkHistory *history; /* the daily history, counted up to `credited` */
  char *history_path;  /* $XDG_STATE_HOME/deskbreak/history */
  DbkUsec credited;    /* sitting time before this is in the history */
  char boot_id[33];
  guint heartbeat_id; /* refreshes the saved state while a session goes on */
  DbkUsec heartbeat_period;
  gboolean state_unsaved, history_unsaved; /* the last write failed: warned once */
} DbkDaemon;

/* Sets everything up; FALSE with `error` when the daemon cannot run. */
gboolean dbk_daemon_init(DbkDaemon *daemon, const DbkDaemonOptions *options, GError **error);
/* Runs until asked to quit; returns the exit code. */
int dbk_daemon_run(DbkDaemon *daemon);
void dbk_daemon_finish(DbkDaemon *daemon);

/* For the D-Bus service (dbus-service.c). */
GVariant *dbk_daemon_get_status(DbkDaemon *daemon);
DbkUsec dbk_daemon_snooze(DbkDaemon *daemon, DbkUsec duration);
void dbk_daemon_pause(DbkDaemon *daemon, DbkUsec duration);
void dbk_daemon_resume(DbkDaemon *daemon);
void dbk_daemon_take_break(DbkDaemon *daemon, DbkBreakKind how);
gboolean dbk_daemon_reload(DbkDaemon *daemon, GError **error);
/* The last `days` local days, oldest first, as GetHistory returns them. */
GVariant *dbk_daemon_get_history(DbkDaemon *daemon, guint days);

/* dbus-service.c */
DbkDaemon1 *dbk_dbus_service_new(DbkDaemon *daemon);
void dbk_dbus_service_publish(DbkDaemon *daemon);

/* Boot-clock time to wall-clock unix µs (0 stays 0). */
gint64 dbk_daemon_to_unix(DbkUsec boottime);
/* The end of a pause as the API says it: unix µs, 0 = none, -1 = until resume. */
gint64 dbk_daemon_paused_until(DbkDaemon *daemon);

#define DBK_ERROR_INVALID_CONFIG "org.deskbreak.Daemon1.Error.InvalidConfig"
