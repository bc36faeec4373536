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
#include "dbus-service.h"
#include "engine.h"
#include "idle/picker.h"
#include "notifier.h"
#include "persist.h"
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
  gboolean quitting; /* asked to by a signal */
  gboolean bus_gone; /* the session bus closed under the daemon */
  gboolean tracking; /* the name is ours: state restored, input watched */

  DbkConfig *config;  /* the last good config */
  char *config_path;  /* where it came from; NULL = built-in defaults */
  char *config_error; /* "" when none */
  DbkConfigWatch *config_watch;

  DbkEngine engine;
  int timer_fd; /* timerfd on CLOCK_BOOTTIME, armed to the engine's deadline */
  guint timer_watch_id;
  guint signal_ids[3];
  DbkUsec watchdog_period; /* how often systemd wants WATCHDOG=1; 0 = never */
  guint tick_id;           /* the watchdog's ping and the heartbeat, one wake-up */
  DbkUsec tick_period;

  DbkIdlePicker *idle; /* the idle source in use */

  DbkSessionWatch *session_watch;
  DbkNotifier *notifier;

  unsigned rotation_pos;   /* where the rotation (config->stretches) goes on */
  char *last_stretch_id;   /* the stretch suggested last, never twice in a row */
  DbkStretch *due_stretch; /* the due reminder's stretch, a copy: configs come and go */
  gboolean held;           /* due, but held back by do-not-disturb */
  gboolean in_settle;      /* settle() runs: signals wait until the state is saved */

  DbkPersist persist; /* the saved state and the daily history */
} DbkDaemon;

/* Sets everything up; FALSE with `error` when the daemon cannot run. */
gboolean dbk_daemon_init(DbkDaemon *daemon, const DbkDaemonOptions *options, GError **error);
/* Runs until asked to quit; returns the exit code. */
int dbk_daemon_run(DbkDaemon *daemon);
void dbk_daemon_finish(DbkDaemon *daemon);
