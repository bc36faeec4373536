/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `x11` idle source: the X server's own input idle time, on the display
 * named by $DISPLAY (an X11 session, or Xwayland where nothing better works).
 *
 * No polling: the SYNC extension's IDLETIME system counter (milliseconds
 * since the last input) with two alarms on it. The idle alarm, a positive
 * transition at the threshold, fires each time idle time climbs to it; the
 * counter's value in its event, or the reading that follows it (below),
 * dates the start of idleness to the millisecond, however late we get to it.
 * After an idle report the active alarm, a negative transition just below
 * the idle time then read, fires at the next input, which drops the
 * counter to about zero. Each alarm is re-aimed with XSyncChangeAlarm.
 *
 *   ACTIVE ──idle alarm (idle time ≥ threshold)──▶ IDLE
 *     ▲                                             │
 *     └───────────── active alarm (input) ◀─────────┘
 *
 * Each change of state re-aims its alarm and then reads the counter once,
 * because the server judges a transition against the counter value it last
 * took, and it takes one whenever an alarm is set: input that came just
 * before the active alarm was set would be missed, idleness already past
 * a re-aimed idle alarm would never fire it. The reading catches both
 * (input: the counter is below the value we went idle at; idleness: it is
 * at or past the threshold), and the state follows it. An alarm event
 * that arrives for a state we have already left tells nothing new and is
 * dropped. The first report after new() comes from such a reading too.
 *
 * Fallback: an X server with SYNC but no IDLETIME counter (or no SYNC) may
 * still have MIT-SCREEN-SAVER, whose XScreenSaverQueryInfo tells the idle
 * time but sends no event when it grows. Then this source polls, as
 * poll.h says: only when an answer can change what the daemon knows.
 * (Built only where libXss was found.) Tests ask for
 * it with DESKBREAK_DEBUG_X11_POLL=1, as Xvfb's SYNC cannot be switched off.
 *
 * Suspend: the server's idle time stops while the machine sleeps, as its
 * clock does; the daemon learns of suspend from logind, not from here.
 *
 * Inhibitors: X11's idle time knows nothing of idle inhibitors (a video
 * playing, a call); it always measures input alone, so ignore_inhibitors
 * makes no difference here.
 *
 * Losing the X server: Xlib's answer to a dead connection is exit(), twice
 * over: its default I/O error handler exits, and so does the default exit
 * handler called after it. This source replaces both (XSetIOErrorHandler,
 * XSetIOErrorExitHandler, libX11 ≥ 1.7), so control comes back to us; from
 * then on Xlib's calls fail at once without touching the socket, and this
 * source makes none but XCloseDisplay, which only frees memory and closes
 * the socket on a broken connection. lost() follows once, from the main
 * loop. A request written to a server that has just gone would raise
 * SIGPIPE, whose default action also ends the process; deskbreakd ignores
 * it (main.c), as its other sockets want too.
 * Protocol errors are logged at debug level instead of Xlib's exit().
 * Xlib's error handlers are process-wide; deskbreakd has no other X client.
 */
#include "idle/source.h"

#include "build-config.h"
#include "idle/poll.h"

#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

#include <X11/Xlib.h>
#include <X11/extensions/sync.h>
#if HAVE_XSCRNSAVER
#include <X11/extensions/scrnsaver.h>
#endif

#define IDLETIME_COUNTER "IDLETIME"

typedef enum {
  STATE_ACTIVE, /* the idle alarm tells when idle time reaches the threshold */
  STATE_IDLE,   /* reported idle; the active alarm tells of input */
} State;

/* A report not yet given: active(), or idle(since). */
typedef struct {
  gboolean idle;
  DbkUsec since;
} Report;

struct DbkIdleSource {
  Display *display;
  DbkIdleReporter reporter;
  DbkUsec threshold;

  guint fd_watch_id;
  guint dispatch_id; /* reports given from the main loop, and events already read */
  guint lost_id;

  /* SYNC */
  int sync_event_base;
  XSyncCounter idletime;   /* None: polling MIT-SCREEN-SAVER instead */
  XSyncAlarm idle_alarm;   /* positive transition at the threshold */
  XSyncAlarm active_alarm; /* negative transition; None until the first idle report */

#if HAVE_XSCRNSAVER
  /* MIT-SCREEN-SAVER polling */
  XScreenSaverInfo *saver_info;
  DbkIdlePoll *poll; /* NULL: SYNC alarms instead */
#endif

  State state;
  DbkUsec idle_since; /* CLOCK_BOOTTIME, as reported */
  GArray *outbox;     /* Report: what the listener is still to hear, in order */
  gboolean broken;    /* Xlib found the connection dead: only XCloseDisplay may touch it */
  gboolean lost;
};

/* The X error code of the last protocol error, for new()'s checks. */
static int last_x_error;

static guint64 threshold_to_ms(DbkUsec threshold) {
  /* Rounding up keeps the alarm from firing early. */
  guint64 ms = threshold / 1000 + (threshold % 1000 != 0);

  return CLAMP(ms, 1, (guint64)G_MAXINT64);
}

static DbkUsec ms_to_usec(guint64 ms) {
  return ms > G_MAXUINT64 / 1000 ? G_MAXUINT64 : ms * 1000;
}

/* `now` − `ago`, kept > 0 as the engine wants its times. */
static DbkUsec usec_before(DbkUsec now, DbkUsec ago) {
  return ago < now ? now - ago : 1;
}

static guint64 sync_value_to_ms(XSyncValue value) {
  /* Idle time cannot be negative: read such a value as none. */
  if (XSyncValueIsNegative(value))
    return 0;
  return (guint64)XSyncValueHigh32(value) << 32 | XSyncValueLow32(value);
}

static XSyncValue ms_to_sync_value(guint64 ms) {
  XSyncValue value;

  XSyncIntsToValue(&value, (unsigned int)(ms & 0xffffffffu), (int)(ms >> 32));
  return value;
}

/* ---- reports ---- */

static gboolean on_dispatch(gpointer data);

/* Reports are given from our own main-loop callbacks, never from new() or set_threshold(). */
static void schedule_dispatch(DbkIdleSource *self) {
  if (self->dispatch_id == 0 && !self->lost)
    self->dispatch_id = g_idle_add_full(G_PRIORITY_DEFAULT, on_dispatch, self, NULL);
}

static void queue_report(DbkIdleSource *self, gboolean idle, DbkUsec since) {
  Report report = {.idle = idle, .since = since};

  g_array_append_val(self->outbox, report);
}

/* Only changes reach the listener. */
static void emit(DbkIdleSource *self, const Report *report) {
  if (report->idle)
    dbk_idle_reporter_idle(&self->reporter, report->since);
  else
    dbk_idle_reporter_active(&self->reporter);
}

/* Tells the listener what happened, in order; from the main loop only. */
static void flush_reports(DbkIdleSource *self) {
  g_autoptr(GArray) reports = NULL;

  if (self->outbox->len == 0)
    return;
  /* The listener may change the threshold, and so queue more, while we emit. */
  reports = g_steal_pointer(&self->outbox);
  self->outbox = g_array_new(FALSE, FALSE, sizeof(Report));
  for (guint i = 0; i < reports->len; i++)
    emit(self, &g_array_index(reports, Report, i));
}

/* ---- the connection ---- */

static int on_x_error(Display *display, XErrorEvent *event) {
  char text[160];

  XGetErrorText(display, event->error_code, text, sizeof(text));
  g_debug("x11: the X server refused request %u.%u: %s", event->request_code, event->minor_code,
          text);
  last_x_error = event->error_code;
  return 0;
}

static int on_x_io_error(Display *display) {
  /* Only to keep Xlib's default from calling exit(); the exit handler acts. */
  g_debug("x11: the connection to %s broke", DisplayString(display));
  return 0;
}

static gboolean on_lost(gpointer data) {
  DbkIdleSource *self = data;

  self->lost_id = 0;
  flush_reports(self);
  self->lost = TRUE;
  g_clear_handle_id(&self->dispatch_id, g_source_remove);
  /* The last thing: the daemon may free us in it. */
  dbk_idle_reporter_lost(&self->reporter, "the X server closed the connection");
  return G_SOURCE_REMOVE;
}

/*
 * The connection is dead: stop watching it and report the loss from the
 * main loop. Called by Xlib (instead of exit()) from inside whichever Xlib
 * call found it, possibly more than once, and possibly from XCloseDisplay in
 * x11_free(), which clears what this sets up.
 */
static void on_connection_broken(Display *display, void *data) {
  DbkIdleSource *self = data;

  if (self->broken)
    return;
  self->broken = TRUE;
  g_clear_handle_id(&self->fd_watch_id, g_source_remove);
#if HAVE_XSCRNSAVER
  if (self->poll != NULL)
    dbk_idle_poll_stop(self->poll);
#endif
  if (!self->lost)
    self->lost_id = g_idle_add_full(G_PRIORITY_DEFAULT, on_lost, self, NULL);
}

/* ---- SYNC: IDLETIME alarms ---- */

/* The counter now, in ms: a round trip, which also sends what is queued. */
static gboolean read_idletime(DbkIdleSource *self, guint64 *ret_ms) {
  XSyncValue value;

  if (self->broken || !XSyncQueryCounter(self->display, self->idletime, &value))
    return FALSE;
  *ret_ms = sync_value_to_ms(value);
  return TRUE;
}

/* Creates the alarm, or re-aims it: fires once idle time crosses `ms` as `test` says. */
static void set_alarm(DbkIdleSource *self, XSyncAlarm *alarm, XSyncTestType test, guint64 ms) {
  XSyncAlarmAttributes attributes = {0};
  unsigned long mask = XSyncCACounter | XSyncCAValueType | XSyncCAValue | XSyncCATestType |
                       XSyncCADelta | XSyncCAEvents;

  if (self->broken)
    return;
  attributes.trigger.counter = self->idletime;
  attributes.trigger.value_type = XSyncAbsolute;
  attributes.trigger.wait_value = ms_to_sync_value(ms);
  attributes.trigger.test_type = test;
  /* Delta 0: a transition alarm stays armed after it fires. */
  attributes.delta = ms_to_sync_value(0);
  attributes.events = True;
  if (*alarm == None)
    *alarm = XSyncCreateAlarm(self->display, mask, &attributes);
  else
    XSyncChangeAlarm(self->display, *alarm, mask, &attributes);
}

/*
 * Moves to `state` (IDLE: idle for `idle_ms` now), aims the alarm that
 * watches for leaving it, and reads the counter to be sure that nothing
 * slipped past the alarm while it was being set; if something did, moves on.
 */
static void enter_state(DbkIdleSource *self, State state, guint64 idle_ms) {
  for (;;) {
    guint64 now_ms;

    self->state = state;
    if (state == STATE_IDLE) {
      DbkUsec now = dbk_now();
      gboolean read;

      /* Any input drops the counter to about 0, below the value it had. */
      set_alarm(self, &self->active_alarm, XSyncNegativeTransition, MAX(idle_ms, 1) - 1);
      read = read_idletime(self, &now_ms);
      if (read && now_ms >= idle_ms) {
        /* Still idle: the fresh reading dates it best, even if the event had to wait. */
        self->idle_since = usec_before(dbk_now(), ms_to_usec(now_ms));
        queue_report(self, TRUE, self->idle_since);
        return;
      }
      self->idle_since = usec_before(now, ms_to_usec(idle_ms));
      queue_report(self, TRUE, self->idle_since);
      if (!read)
        return;
      /* Input came before the active alarm was in place: back already. */
      state = STATE_ACTIVE;
    } else {
      guint64 threshold_ms = threshold_to_ms(self->threshold);

      queue_report(self, FALSE, 0);
      set_alarm(self, &self->idle_alarm, XSyncPositiveTransition, threshold_ms);
      if (!read_idletime(self, &now_ms) || now_ms < threshold_ms)
        return;
      /* Already past the threshold: the alarm would wait for the next crossing. */
      state = STATE_IDLE;
      idle_ms = now_ms;
    }
  }
}

static void on_alarm(DbkIdleSource *self, const XSyncAlarmNotifyEvent *event) {
  guint64 idle_ms = sync_value_to_ms(event->counter_value);

  if (event->alarm == None)
    return;
  if (event->alarm == self->idle_alarm) {
    /* Below the threshold: fired for one that has since been raised. */
    if (self->state == STATE_ACTIVE && idle_ms >= threshold_to_ms(self->threshold))
      enter_state(self, STATE_IDLE, idle_ms);
  } else if (event->alarm == self->active_alarm) {
    if (self->state == STATE_IDLE)
      enter_state(self, STATE_ACTIVE, 0);
  }
}

/* Handles the events Xlib has read, and any it can read now without blocking. */
static void process_events(DbkIdleSource *self) {
  /* XPending is 0 once the connection is broken, so XNextEvent never waits. */
  while (!self->broken && XPending(self->display) > 0) {
    XEvent event;

    XNextEvent(self->display, &event);
    if (self->idletime != None && event.type == self->sync_event_base + XSyncAlarmNotify)
      on_alarm(self, (const XSyncAlarmNotifyEvent *)&event);
  }
}

/* Undoes start_sync(): no alarms, no reports, no counter (so no SYNC events are taken). */
static void stop_sync(DbkIdleSource *self) {
  if (!self->broken) {
    if (self->idle_alarm != None)
      XSyncDestroyAlarm(self->display, self->idle_alarm);
    if (self->active_alarm != None)
      XSyncDestroyAlarm(self->display, self->active_alarm);
    XFlush(self->display);
  }
  self->idle_alarm = None;
  self->active_alarm = None;
  self->idletime = None;
  self->state = STATE_ACTIVE;
  g_array_set_size(self->outbox, 0);
}

static gboolean start_sync(DbkIdleSource *self, GError **error) {
  Display *display = self->display;
  int error_base, major, minor, n = 0;
  XSyncSystemCounter *counters;
  guint64 idle_ms;

  if (!XSyncQueryExtension(display, &self->sync_event_base, &error_base)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "the X server has no SYNC extension");
    return FALSE;
  }
  if (!XSyncInitialize(display, &major, &minor)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                "the X server's SYNC extension is too old");
    return FALSE;
  }
  counters = XSyncListSystemCounters(display, &n);
  for (int i = 0; i < n; i++)
    if (g_strcmp0(counters[i].name, IDLETIME_COUNTER) == 0)
      self->idletime = counters[i].counter;
  if (counters != NULL)
    XSyncFreeSystemCounterList(counters);
  if (self->idletime == None) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                "the X server's SYNC extension has no " IDLETIME_COUNTER " counter");
    return FALSE;
  }

  last_x_error = Success;
  if (!read_idletime(self, &idle_ms)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                "cannot read the X server's " IDLETIME_COUNTER " counter");
    self->idletime = None;
    return FALSE;
  }
  /* Idle already: the first report says since when, and the active alarm waits for input. */
  enter_state(self, idle_ms >= threshold_to_ms(self->threshold) ? STATE_IDLE : STATE_ACTIVE,
              idle_ms);
  /* Protocol errors come back by the reading's round trip at the latest. */
  if (last_x_error != Success || self->broken) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                "the X server refused an alarm on its " IDLETIME_COUNTER " counter");
    stop_sync(self);
    return FALSE;
  }
  g_debug("x11: %s alarms on %s", IDLETIME_COUNTER, DisplayString(display));
  return TRUE;
}

/* ---- MIT-SCREEN-SAVER: polling ---- */

#if HAVE_XSCRNSAVER
/* The idle time now: a round trip, which also sends what is queued. */
static gboolean query_saver(DbkIdleSource *self, DbkUsec *ret_idle) {
  if (self->broken ||
      !XScreenSaverQueryInfo(self->display, DefaultRootWindow(self->display), self->saver_info))
    return FALSE;
  *ret_idle = ms_to_usec(self->saver_info->idle);
  return TRUE;
}

static void on_poll_idle(void *data, DbkUsec since) {
  queue_report(data, TRUE, since);
}

static void on_poll_active(void *data) {
  queue_report(data, FALSE, 0);
}

static const DbkIdleListener poll_listener = {
    .idle = on_poll_idle,
    .active = on_poll_active,
};

/* The poll's read(): at once, then the reports from the main loop as always. */
static void poll_saver(DbkIdlePoll *poll, void *data) {
  DbkIdleSource *self = data;
  DbkUsec idle;

  if (query_saver(self, &idle))
    dbk_idle_poll_take_reading(poll, idle);
  else
    dbk_idle_poll_read_failed(poll);
  process_events(self);
  flush_reports(self);
}

static gboolean start_screensaver(DbkIdleSource *self, GError **error) {
  int event_base, error_base, major, minor;
  DbkUsec idle, since = 0;

  if (!XScreenSaverQueryExtension(self->display, &event_base, &error_base) ||
      !XScreenSaverQueryVersion(self->display, &major, &minor)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                "the X server has no MIT-SCREEN-SAVER extension either");
    return FALSE;
  }
  self->saver_info = XScreenSaverAllocInfo();
  if (self->saver_info == NULL || !query_saver(self, &idle)) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                "the X server's MIT-SCREEN-SAVER extension does not tell the idle time");
    return FALSE;
  }
  self->poll = dbk_idle_poll_new(self->threshold, idle, poll_saver, &poll_listener, self);
  /* The first report. */
  queue_report(self, dbk_idle_poll_is_idle(self->poll, &since), since);
  g_debug("x11: polling MIT-SCREEN-SAVER on %s", DisplayString(self->display));
  return TRUE;
}
#endif

/* ---- the main loop ---- */

static gboolean on_dispatch(gpointer data) {
  DbkIdleSource *self = data;

  self->dispatch_id = 0;
  process_events(self);
  flush_reports(self);
  return G_SOURCE_REMOVE;
}

static gboolean on_x_readable(int fd, GIOCondition condition, gpointer data) {
  DbkIdleSource *self = data;

  process_events(self);
  /* A hang-up that Xlib has not noticed yet: there is nothing more to read either way. */
  if (!self->broken && (condition & (G_IO_HUP | G_IO_ERR | G_IO_NVAL)) != 0)
    on_connection_broken(self->display, self);
  flush_reports(self);
  /* Broken: on_connection_broken() removed this watch, and the loss is reported next. */
  return self->broken ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void x11_free(DbkIdleSource *self);

/*
 * Works when $DISPLAY names an X server that we can connect to and that
 * has the SYNC extension's IDLETIME counter (or, built with libXss,
 * MIT-SCREEN-SAVER). The first report follows from the main loop.
 */
static DbkIdleSource *x11_new(const DbkIdleContext *ctx, const DbkIdleListener *listener,
                              void *user_data, GError **error) {
  g_autoptr(GError) sync_error = NULL;
  const char *name = g_getenv("DISPLAY");
  DbkIdleSource *self;
  Display *display;

  if (name == NULL || *name == '\0') {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "DISPLAY is not set: no X server to ask");
    return NULL;
  }
  display = XOpenDisplay(NULL);
  if (display == NULL) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "cannot connect to the X server %s",
                name);
    return NULL;
  }

  self = g_new0(DbkIdleSource, 1);
  self->display = display;
  dbk_idle_reporter_init(&self->reporter, listener, user_data);
  self->threshold = ctx->threshold;
  self->outbox = g_array_new(FALSE, FALSE, sizeof(Report));
  self->idletime = None;
  self->idle_alarm = None;
  self->active_alarm = None;

  XSetErrorHandler(on_x_error);
  XSetIOErrorHandler(on_x_io_error);
  XSetIOErrorExitHandler(display, on_connection_broken, self);

  if (g_strcmp0(g_getenv("DESKBREAK_DEBUG_X11_POLL"), "1") == 0)
    g_set_error(&sync_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                "DESKBREAK_DEBUG_X11_POLL=1 rules out " IDLETIME_COUNTER " alarms");
  if (sync_error != NULL || !start_sync(self, &sync_error)) {
#if HAVE_XSCRNSAVER
    g_autoptr(GError) saver_error = NULL;

    if (self->broken || !start_screensaver(self, &saver_error)) {
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "%s, and %s", sync_error->message,
                  self->broken ? "the X server closed the connection" : saver_error->message);
      x11_free(self);
      return NULL;
    }
#else
    g_propagate_error(error, g_steal_pointer(&sync_error));
    x11_free(self);
    return NULL;
#endif
  }

  self->fd_watch_id =
      g_unix_fd_add(ConnectionNumber(display), G_IO_IN | G_IO_HUP | G_IO_ERR, on_x_readable, self);
  schedule_dispatch(self);
  return self;
}

/*
 * Re-aims the idle alarm at the new threshold. Already idle past it while
 * active, the reading after the change reports idle; already reported
 * idle, nothing changes until the next input.
 */
static void x11_set_threshold(DbkIdleSource *self, DbkUsec threshold) {
  if (self == NULL || self->lost || self->broken || threshold == self->threshold)
    return;
  self->threshold = threshold;
#if HAVE_XSCRNSAVER
  if (self->poll != NULL) {
    dbk_idle_poll_set_threshold(self->poll, threshold);
    return;
  }
#endif
  if (self->state == STATE_ACTIVE) {
    enter_state(self, STATE_ACTIVE, 0);
  } else {
    set_alarm(self, &self->idle_alarm, XSyncPositiveTransition, threshold_to_ms(threshold));
    XFlush(self->display);
  }
  /* Reports from the main loop, with any events read by the round trip. */
  schedule_dispatch(self);
}

/* Destroys the alarms, stops watching and closes the display; accepts NULL. */
static void x11_free(DbkIdleSource *self) {
  if (self == NULL)
    return;
  g_clear_handle_id(&self->fd_watch_id, g_source_remove);
  stop_sync(self);
  /* Safe on a broken connection too; it may call on_connection_broken() once more. */
  XCloseDisplay(self->display);
#if HAVE_XSCRNSAVER
  g_clear_pointer(&self->poll, dbk_idle_poll_free);
  if (self->saver_info != NULL)
    XFree(self->saver_info);
#endif
  g_clear_handle_id(&self->dispatch_id, g_source_remove);
  g_clear_handle_id(&self->lost_id, g_source_remove);
  g_array_unref(self->outbox);
  g_free(self);
}

/* A local display's socket, /tmp/.X11-unix/X<N>: its creation means an X
 * server (re)started on our display. Remote displays have none to watch. */
static char *x11_socket_path(void) {
  const char *display = g_getenv("DISPLAY");
  if (!display || display[0] != ':' || !g_ascii_isdigit(display[1]))
    return NULL;
  char *end;
  unsigned long n = strtoul(display + 1, &end, 10);
  if (*end != '\0' && *end != '.')
    return NULL;
  char *path = malloc(48);
  if (path)
    snprintf(path, 48, "/tmp/.X11-unix/X%lu", n);
  return path;
}

const DbkIdleSourceOps dbk_idle_source_x11 = {
    .name = "x11",
    .new = x11_new,
    .set_threshold = x11_set_threshold,
    .free = x11_free,
    .socket_path = x11_socket_path,
};
