/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One small interface for every way of learning that the user is idle
 * (DESIGN §5). Each source lives in its own file (idle-<name>.c) and
 * exports one DbkIdleSourceOps; source.c is the registry that knows
 * which ones were built and tries them in order for source=auto.
 *
 * A source tells its listener two things, always from the main loop and
 * never from inside new():
 *   idle(since)  the user has had no input since `since` (µs, CLOCK_BOOTTIME),
 *                reported once the idle time reaches the threshold;
 *   active()     input again after an idle report.
 * The first report after new() gives the current state: idle(since) when
 * the user is already idle past the threshold, else active(). If the
 * source stops working (its service left the bus), it calls lost(why) once
 * and reports nothing more; the daemon then frees it and picks another.
 */
#pragma once

#include <gio/gio.h>

#include "engine.h"

typedef struct {
  void (*idle)(void *user_data, DbkUsec idle_since);
  void (*active)(void *user_data);
  void (*lost)(void *user_data, const char *why);
} DbkIdleListener;

typedef struct DbkIdleSource DbkIdleSource;

/* What a source is started with. */
typedef struct {
  GDBusConnection *session_bus;
  GDBusConnection *system_bus; /* NULL without one */
  DbkUsec threshold;           /* report idle once idle time reaches this (µs) */
  /* [idle] inhibitors=ignore: an idle inhibitor (a video playing, a call)
   * does not make the user present; where the desktop can tell, report
   * idle time regardless of inhibitors. */
  gboolean ignore_inhibitors;
} DbkIdleContext;

typedef struct {
  /* As the config and `deskbreak status` name it: "mutter", "logind"… */
  const char *name;
  /*
   * Checks that the source works here and starts it, watching for idle
   * time reaching ctx->threshold. May block briefly on round trips to its
   * service (at most a couple of seconds in all). Returns NULL and sets
   * `error` (a sentence saying why, e.g. "org.gnome.Mutter.IdleMonitor is
   * not on the session bus") when it cannot work here.
   */
  DbkIdleSource *(*new)(const DbkIdleContext *ctx, const DbkIdleListener *listener, void *user_data,
                        GError **error);
  /* A new threshold (the config changed). */
  void (*set_threshold)(DbkIdleSource *source, DbkUsec threshold);
  /* Stops every watch; accepts NULL. */
  void (*free)(DbkIdleSource *source);

  /*
   * How to notice, without polling, that a source that did not work may
   * work now (its desktop service or display server came back). All
   * optional: a name whose owner appearing on the session or system bus is
   * worth a retry, and a socket whose creation is (malloc()ed path, NULL
   * when there is none to watch here).
   */
  const char *session_bus_name;
  const char *system_bus_name;
  char *(*socket_path)(void);
} DbkIdleSourceOps;

/* The sources, each defined in its own idle-<name>.c. */
extern const DbkIdleSourceOps dbk_idle_source_mutter;
extern const DbkIdleSourceOps dbk_idle_source_screensaver;
extern const DbkIdleSourceOps dbk_idle_source_logind;
extern const DbkIdleSourceOps dbk_idle_source_none;
extern const DbkIdleSourceOps dbk_idle_source_x11;     /* HAVE_X11 */
extern const DbkIdleSourceOps dbk_idle_source_wayland; /* HAVE_WAYLAND */

/* Every source built into this deskbreakd, in source=auto's probing order. */
const DbkIdleSourceOps *const *dbk_idle_sources(size_t *ret_n);
/* A built source by name, or NULL. */
const DbkIdleSourceOps *dbk_idle_source_find(const char *name);

/*
 * A source's listener, and what it last heard, so that only changes reach
 * it: idle() after idle() or active() after active() is dropped. A source
 * that has nothing to report yet (REPORTED_NOTHING) owes the first report.
 */
typedef enum {
  DBK_REPORTED_NOTHING,
  DBK_REPORTED_ACTIVE,
  DBK_REPORTED_IDLE,
} DbkReported;

typedef struct {
  DbkIdleListener listener;
  void *user_data;
  DbkReported reported;
} DbkIdleReporter;

void dbk_idle_reporter_init(DbkIdleReporter *reporter, const DbkIdleListener *listener,
                            void *user_data);
/* idle(since), unless idle was the last report. */
void dbk_idle_reporter_idle(DbkIdleReporter *reporter, DbkUsec since);
/* active(), unless active was the last report. */
void dbk_idle_reporter_active(DbkIdleReporter *reporter);
/* lost(why): the source calls it once, as the last thing it does. */
void dbk_idle_reporter_lost(DbkIdleReporter *reporter, const char *why);

/*
 * The daemon's one clock, µs: CLOCK_BOOTTIME, counted from
 * DBK_CLOCK_OFFSET before boot so a session restored after a reboot can
 * begin before this boot did.
 */
#define DBK_CLOCK_OFFSET (1000 * 24 * DBK_USEC_PER_HOUR)
DbkUsec dbk_now(void);
