/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The event loop of `deskbreak monitor`: see monitor.h. It follows the
 * daemon's PropertiesChanged and NameOwnerChanged on the connection of
 * bus.c and counts the minutes in between itself.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "bus.h"
#include "format.h"
#include "i18n.h"
#include "monitor.h"

/* A status bar need not be exact to the millisecond: let wake-ups coalesce. */
#define TICK_ACCURACY_USEC (UINT64_C(200) * 1000)

typedef struct {
  sd_bus *bus; /* bus.c's connection */
  sd_event *event;
  DbkMonitorFormat format;
  DbkCliStatus status;
  bool running;      /* `status` is the running daemon's; else it is off */
  bool may_activate; /* only the first GetStatus may start the daemon */
  sd_bus_slot *call; /* GetStatus in flight */
  bool again;        /* a change came while it was in flight */
  sd_event_source *tick;
  int64_t tick_target; /* wall-clock time the tick is for */
  char *last_line;
  int exit_code;
} Monitor;

static void monitor_done(Monitor *m) {
  sd_bus_slot_unref(m->call);
  sd_event_source_disable_unref(m->tick);
  if (m->bus)
    sd_bus_detach_event(m->bus);
  sd_event_unref(m->event);
  dbk_cli_status_clear(&m->status);
  free(m->last_line);
}

static void monitor_exit(Monitor *m, int code) {
  m->exit_code = code;
  sd_event_exit(m->event, code);
}

/*
 * Arms the tick for the next minute of the countdown shown. The timer runs
 * on CLOCK_BOOTTIME, so neither a change of the wall clock nor a suspend
 * leaves it waiting; its deadline comes from the wall clock the daemon's
 * time stamps are on.
 */
static void monitor_arm_tick(Monitor *m, int64_t now) {
  struct timespec ts;
  int64_t next = dbk_monitor_next_tick(m->running ? &m->status : NULL, now);

  clock_gettime(CLOCK_BOOTTIME, &ts);
  uint64_t boot = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
  m->tick_target = next;
  if (sd_event_source_set_time(m->tick, boot + (uint64_t)(next - now)) < 0 ||
      sd_event_source_set_enabled(m->tick, SD_EVENT_ONESHOT) < 0)
    log_error(_("cannot set the minute timer, ignoring"));
}

/*
 * Prints the line for now. A clock tick always prints; a change prints only
 * what differs from the line before.
 */
static void monitor_print(Monitor *m, int64_t now, bool tick) {
  _cleanup_(freep) char *line = NULL;
  size_t size = 0;
  FILE *f;

  monitor_arm_tick(m, now);
  f = open_memstream(&line, &size);
  if (!f) {
    monitor_exit(m, EXIT_REFUSED);
    return;
  }
  dbk_format_monitor(f, m->format, m->running ? &m->status : NULL, now);
  if (fclose(f) != 0) {
    monitor_exit(m, EXIT_REFUSED);
    return;
  }
  if (!tick && m->last_line && strcmp(line, m->last_line) == 0)
    return;

  if (fputs(line, stdout) == EOF || fflush(stdout) == EOF) {
    /* The bar went away: that is the end, not an error. */
    if (errno == EPIPE) {
      monitor_exit(m, EXIT_OK);
    } else {
      log_error(_("cannot write the output: %s"), strerror(errno));
      monitor_exit(m, EXIT_REFUSED);
    }
    __fpurge(stdout);
    clearerr(stdout);
    return;
  }
  free(m->last_line);
  m->last_line = line;
  line = NULL;
}

static void monitor_refresh(Monitor *m);

static int on_status_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
  Monitor *m = userdata;
  _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
  DbkCliStatus status;

  m->call = sd_bus_slot_unref(m->call);
  dbk_cli_status_init(&status);
  if (sd_bus_message_is_method_error(reply, NULL)) {
    const sd_bus_error *e = sd_bus_message_get_error(reply);
    /* Not there is what "off" says; anything else is worth a word. */
    if (!error_is_unreachable(e))
      log_error(_("cannot read the status: %s"), e->message ? e->message : e->name);
    m->running = false;
  } else if (read_status(reply, &status, &error) < 0) {
    log_error("%s", error.message);
    m->running = false;
  } else {
    dbk_cli_status_clear(&m->status);
    m->status = status;
    dbk_cli_status_init(&status);
    m->running = true;
  }
  dbk_cli_status_clear(&status);

  monitor_print(m, now_realtime(), false);
  if (m->again) {
    m->again = false;
    monitor_refresh(m);
  }
  return 0;
}

/* Asks GetStatus once; changes that come meanwhile ask again after it. */
static void monitor_refresh(Monitor *m) {
  _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
  int r;

  if (m->call) {
    m->again = true;
    return;
  }
  r = sd_bus_message_new_method_call(m->bus, &call, BUS_NAME, OBJECT_PATH, INTERFACE, "GetStatus");
  if (r >= 0)
    /* A daemon that was stopped stays stopped: the monitor watches, it does not start it. */
    r = sd_bus_message_set_auto_start(call, m->may_activate);
  if (r >= 0)
    r = sd_bus_call_async(m->bus, &m->call, call, on_status_reply, m, CALL_TIMEOUT_USEC);
  m->may_activate = false;
  if (r < 0) {
    log_error(_("cannot ask for the status: %s"), strerror(-r));
    monitor_exit(m, EXIT_UNREACHABLE);
  }
}

static int on_properties_changed(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
  monitor_refresh(userdata);
  return 0;
}

static int on_name_owner_changed(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
  Monitor *m = userdata;
  const char *name, *old_owner, *new_owner;

  if (sd_bus_message_read(message, "sss", &name, &old_owner, &new_owner) < 0)
    return 0;
  if (*new_owner) {
    monitor_refresh(m);
  } else {
    m->running = false;
    monitor_print(m, now_realtime(), false);
  }
  return 0;
}

static int on_tick(sd_event_source *source, uint64_t usec, void *userdata) {
  Monitor *m = userdata;
  int64_t now = now_realtime();

  /* The boot clock may run a little ahead of a slewed wall clock: a tick a
   * moment early is for the minute it was set for. */
  if (now < m->tick_target && m->tick_target - now < 1000000)
    now = m->tick_target;
  monitor_print(m, now, true);
  return 0;
}

static int on_stdout_hangup(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
  monitor_exit(userdata, EXIT_OK);
  return 0;
}

int monitor_run(DbkMonitorFormat format) {
  _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
  _cleanup_(monitor_done) Monitor m = {.format = format, .may_activate = true};
  sigset_t mask;
  int r;

  dbk_cli_status_init(&m.status);
  r = bus_connect(&m.bus, &error);
  if (r < 0)
    return report_call_error(r, &error);

  /* SIGINT and SIGTERM end the loop; a closed pipe is a write error, not death. */
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  signal(SIGPIPE, SIG_IGN);

  r = sd_event_default(&m.event);
  if (r >= 0)
    r = sd_event_add_signal(m.event, NULL, SIGINT, NULL, NULL);
  if (r >= 0)
    r = sd_event_add_signal(m.event, NULL, SIGTERM, NULL, NULL);
  if (r >= 0)
    r = sd_event_add_time(m.event, &m.tick, CLOCK_BOOTTIME, UINT64_MAX, TICK_ACCURACY_USEC, on_tick,
                          &m);
  if (r >= 0)
    r = sd_bus_attach_event(m.bus, m.event, SD_EVENT_PRIORITY_NORMAL);
  if (r >= 0)
    /* The session bus gone is the end: exit with EXIT_FAILURE, told apart below. */
    r = sd_bus_set_exit_on_disconnect(m.bus, true);
  if (r < 0) {
    log_error(_("cannot set up the event loop: %s"), strerror(-r));
    return EXIT_REFUSED;
  }
  /* When the bar closes its end of the pipe, stop at once rather than at
   * the next write. Not every stdout can be watched (a file cannot). */
  (void)sd_event_add_io(m.event, NULL, STDOUT_FILENO, 0, on_stdout_hangup, &m);

  /* Subscribed before the first GetStatus, so no change falls between. */
  r = sd_bus_match_signal(m.bus, NULL, BUS_NAME, OBJECT_PATH, "org.freedesktop.DBus.Properties",
                          "PropertiesChanged", on_properties_changed, &m);
  if (r >= 0)
    r = sd_bus_add_match(m.bus, NULL,
                         "type='signal',sender='org.freedesktop.DBus',"
                         "path='/org/freedesktop/DBus',interface='org.freedesktop.DBus',"
                         "member='NameOwnerChanged',arg0='" BUS_NAME "'",
                         on_name_owner_changed, &m);
  if (r < 0) {
    sd_bus_error_set_errno(&error, r);
    return report_call_error(r, &error);
  }

  monitor_refresh(&m);
  r = sd_event_loop(m.event);
  if (r < 0) {
    log_error(_("event loop failed: %s"), strerror(-r));
    return EXIT_REFUSED;
  }
  if (r == EXIT_FAILURE && m.exit_code == EXIT_OK && sd_bus_is_open(m.bus) <= 0) {
    log_error(_("lost the session bus"));
    return EXIT_UNREACHABLE;
  }
  return m.exit_code;
}
