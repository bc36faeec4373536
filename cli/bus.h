/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How `deskbreak` talks to deskbreakd: the one sd-bus connection, method
 * calls (which may activate the daemon), the replies of GetStatus,
 * GetHistory and GetStretches read into plain C structs, and a failed call
 * turned into a message and an exit code. Also what every part of the CLI
 * shares: the exit codes, the _cleanup_ helpers, log_error() and the clock
 * the daemon's time stamps are on.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <systemd/sd-bus.h>

#include "format.h"
#include "stretches.h"

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p) {
  free(*(void **)p);
}

enum {
  EXIT_OK = 0,
  EXIT_REFUSED = 1,
  EXIT_USAGE = 2,
  EXIT_UNREACHABLE = 3,
};

#define BUS_NAME "org.deskbreak.Daemon1"
#define OBJECT_PATH "/org/deskbreak/Daemon1"
#define INTERFACE "org.deskbreak.Daemon1"
#define ERROR_INVALID_CONFIG "org.deskbreak.Daemon1.Error.InvalidConfig"

/* Activation may have to start the daemon first: allow it a while. */
#define CALL_TIMEOUT_USEC (UINT64_C(10) * 1000000)

/* "deskbreak: " and the message, a line on stderr. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_errorv(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* The wall clock, unix µs. */
int64_t now_realtime(void);

/*
 * Opens the one connection to the session bus on first use; the bus in
 * `ret_bus` if wanted (it stays bus.c's). Says in `error` why there is none.
 */
int bus_connect(sd_bus **ret_bus, sd_bus_error *error);
/* Flushes and closes the connection, if one was opened. */
void bus_close(void);

/* The errors that mean nobody is there to answer, as opposed to a refusal. */
bool error_is_unreachable(const sd_bus_error *error);
/*
 * Says why a call failed and returns the exit code: 3 when the daemon is
 * unreachable (with the command that starts it), else 1 with its message.
 */
int report_call_error(int r, const sd_bus_error *error);

/* Calls `method` with arguments `types`, …; the reply in `ret_reply` if wanted. */
int call_daemon(const char *method, sd_bus_error *error, sd_bus_message **ret_reply,
                const char *types, ...);

/* A GetStatus reply into `status`. */
int read_status(sd_bus_message *reply, DbkCliStatus *status, sd_bus_error *error);
/* GetStatus into `status`. */
int get_status(DbkCliStatus *status, sd_bus_error *error);
/* GetHistory(days) into `ret_days` (free() it), `ret_n` of them. */
int get_history(uint32_t days, DbkCliDay **ret_days, size_t *ret_n, sd_bus_error *error);

/* The stretches the daemon knows (built-in and the user's own), read from a
 * GetStretches reply; the strings point into the reply. */
typedef struct {
  sd_bus_message *reply;
  DbkStretch *items;
  size_t n;
} DbkCliStretches;

void dbk_cli_stretches_clear(DbkCliStretches *s);
/* GetStretches into `ret`. */
int get_stretches(DbkCliStretches *ret, sd_bus_error *error);
