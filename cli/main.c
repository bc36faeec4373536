/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * deskbreak — the command-line client of deskbreakd.
 *
 * Talks to the daemon over the session bus with sd-bus and nothing else,
 * so it starts in a few milliseconds. Method calls may activate the daemon,
 * so the first `deskbreak status` starts it. One run_<verb>() per command;
 * what gets printed lives in format.c.
 *
 * Exit codes: 0 ok, 1 the daemon refused (its message printed), 2 usage
 * error, 3 the daemon is unreachable (and how to start it).
 */
#include <assert.h>
#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "build-config.h"
#include "config-path.h"
#include "duration.h"
#include "format.h"
#include "stretches.h"

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p) {
  free(*(void **)p);
}

extern const char dbk_default_config_text[];
extern char **environ;

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

/* The one connection, opened on first use. */
static sd_bus *bus;

/* ---- messages ---- */

static void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_error(const char *fmt, ...) {
  va_list ap;

  fputs("deskbreak: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

/* Prints the error and the one-line hint; returns EXIT_USAGE. */
static int usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int usage_error(const char *command, const char *fmt, ...) {
  va_list ap;

  fputs("deskbreak: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fprintf(stderr, "Try 'deskbreak %s%s--help'.\n", command ? command : "", command ? " " : "");
  return EXIT_USAGE;
}

static int64_t now_realtime(void) {
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- D-Bus ---- */

/* The errors that mean nobody is there to answer, as opposed to a refusal. */
static bool error_is_unreachable(const sd_bus_error *error) {
  static const char *const prefixes[] = {
      "org.freedesktop.DBus.Error.Spawn.", /* activation failed */
      "org.freedesktop.systemd1.",         /* activation through systemd failed */
      "System.Error.",                     /* a local errno, from the connection */
  };

  if (!sd_bus_error_is_set(error))
    return true;
  if (sd_bus_error_has_names(error, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER,
                             SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_TIMEOUT,
                             "org.freedesktop.DBus.Error.TimedOut", SD_BUS_ERROR_DISCONNECTED,
                             SD_BUS_ERROR_NO_SERVER, SD_BUS_ERROR_NO_NETWORK,
                             SD_BUS_ERROR_BAD_ADDRESS, SD_BUS_ERROR_AUTH_FAILED))
    return true;
  for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
    if (strncmp(error->name, prefixes[i], strlen(prefixes[i])) == 0)
      return true;
  return false;
}

static const char *start_command(void) {
  const char *runtime_dir = getenv("XDG_RUNTIME_DIR");
  char manager[4096];

  /* Without a systemd user manager, `systemctl --user` cannot help. */
  if (runtime_dir && *runtime_dir &&
      (size_t)snprintf(manager, sizeof(manager), "%s/systemd/private", runtime_dir) <
          sizeof(manager) &&
      access(manager, F_OK) == 0)
    return "systemctl --user start deskbreak";
  return "deskbreakd &";
}

/*
 * Says why a call failed and returns the exit code: 3 when the daemon is
 * unreachable (with the command that starts it), else 1 with its message.
 */
static int report_call_error(int r, const sd_bus_error *error) {
  const char *text = sd_bus_error_is_set(error)
                         ? (error->message && *error->message ? error->message : error->name)
                         : strerror(-r);

  if (error_is_unreachable(error)) {
    log_error("cannot reach deskbreakd: %s", text);
    log_error("start it with: %s", start_command());
    return EXIT_UNREACHABLE;
  }
  log_error("%s", text);
  return EXIT_REFUSED;
}

static int bus_connect(sd_bus_error *error) {
  int r;

  if (bus)
    return 0;
  r = sd_bus_open_user(&bus);
  if (r >= 0)
    return 0;

  const char *address = getenv("DBUS_SESSION_BUS_ADDRESS");
  const char *runtime_dir = getenv("XDG_RUNTIME_DIR");
  if (address && *address)
    return sd_bus_error_setf(error, SD_BUS_ERROR_NO_SERVER, "no session bus at %s: %s", address,
                             strerror(-r));
  if (runtime_dir && *runtime_dir)
    return sd_bus_error_setf(error, SD_BUS_ERROR_NO_SERVER, "no session bus at %s/bus: %s",
                             runtime_dir, strerror(-r));
  return sd_bus_error_setf(
      error, SD_BUS_ERROR_NO_SERVER,
      "no session bus: neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set");
}

/* Calls `method` with arguments `types`, …; the reply in `ret_reply` if wanted. */
static int call_daemon(const char *method, sd_bus_error *error, sd_bus_message **ret_reply,
                       const char *types, ...) {
  _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
  va_list ap;
  int r;

  r = bus_connect(error);
  if (r < 0)
    return r;
  r = sd_bus_message_new_method_call(bus, &m, BUS_NAME, OBJECT_PATH, INTERFACE, method);
  if (r < 0)
    return sd_bus_error_set_errno(error, r);
  if (types) {
    va_start(ap, types);
    r = sd_bus_message_appendv(m, types, ap);
    va_end(ap);
    if (r < 0)
      return sd_bus_error_set_errno(error, r);
  }
  return sd_bus_call(bus, m, CALL_TIMEOUT_USEC, error, ret_reply);
}

/* Reads the basic value of D-Bus type `type` at the read position of `m`. */
static int read_basic(sd_bus_message *m, char type, DbkValue *ret) {
  union {
    uint8_t y;
    int b;
    int16_t n;
    uint16_t q;
    int32_t i;
    uint32_t u;
    int64_t x;
    uint64_t t;
    double d;
    const char *s;
  } v;
  DbkValue value = {.kind = DBK_VALUE_BOOL};
  int r;

  r = sd_bus_message_read_basic(m, type, &v);
  if (r <= 0)
    return r;
  switch (type) {
  case 'y':
    value = (DbkValue){.kind = DBK_VALUE_UINT, .u = v.y};
    break;
  case 'b':
    value = (DbkValue){.kind = DBK_VALUE_BOOL, .b = v.b != 0};
    break;
  case 'n':
    value = (DbkValue){.kind = DBK_VALUE_INT, .i = v.n};
    break;
  case 'q':
    value = (DbkValue){.kind = DBK_VALUE_UINT, .u = v.q};
    break;
  case 'i':
    value = (DbkValue){.kind = DBK_VALUE_INT, .i = v.i};
    break;
  case 'u':
    value = (DbkValue){.kind = DBK_VALUE_UINT, .u = v.u};
    break;
  case 'x':
    value = (DbkValue){.kind = DBK_VALUE_INT, .i = v.x};
    break;
  case 't':
    value = (DbkValue){.kind = DBK_VALUE_UINT, .u = v.t};
    break;
  case 'd':
    value = (DbkValue){.kind = DBK_VALUE_DOUBLE, .d = v.d};
    break;
  case 's':
  case 'o':
  case 'g':
    value = (DbkValue){.kind = DBK_VALUE_STRING, .s = strdup(v.s)};
    if (!value.s)
      return -ENOMEM;
    break;
  default:
    return -EINVAL;
  }
  *ret = value;
  return 1;
}

/* Basic types JSON can carry ('h', a file descriptor, it cannot). */
static bool is_json_basic(char type) {
  return type && strchr("ybnqiuxtdsog", type);
}

/*
 * Reads the variant at the read position of `m` into `ret`. Returns 1, or
 * 0 when its type is not a basic one or an array of one: it is skipped.
 */
static int read_variant(sd_bus_message *m, DbkValue *ret) {
  _cleanup_(dbk_value_clear) DbkValue value = {.kind = DBK_VALUE_ARRAY};
  const char *contents;
  int r;

  r = sd_bus_message_peek_type(m, NULL, &contents);
  if (r < 0)
    return r;

  if (strlen(contents) == 1 && is_json_basic(contents[0])) {
    r = sd_bus_message_enter_container(m, 'v', contents);
    if (r < 0)
      return r;
    r = read_basic(m, contents[0], ret);
    if (r < 0)
      return r;
    return sd_bus_message_exit_container(m) < 0 ? -EBADMSG : 1;
  }
  if (strlen(contents) != 2 || contents[0] != 'a' || !is_json_basic(contents[1]))
    return sd_bus_message_skip(m, "v") < 0 ? -EBADMSG : 0;

  r = sd_bus_message_enter_container(m, 'v', contents);
  if (r >= 0)
    r = sd_bus_message_enter_container(m, 'a', contents + 1);
  if (r < 0)
    return r;
  for (;;) {
    DbkValue item;
    r = read_basic(m, contents[1], &item);
    if (r < 0)
      return r;
    if (r == 0)
      break;
    DbkValue *items = realloc(value.array.items, (value.array.n + 1) * sizeof(DbkValue));
    if (!items) {
      dbk_value_clear(&item);
      return -ENOMEM;
    }
    items[value.array.n++] = item;
    value.array.items = items;
  }
  r = sd_bus_message_exit_container(m);
  if (r >= 0)
    r = sd_bus_message_exit_container(m);
  if (r < 0)
    return r;
  *ret = value;
  value = (DbkValue){.kind = DBK_VALUE_BOOL};
  return 1;
}

/* GetStatus into `status`. */
static int get_status(DbkCliStatus *status, sd_bus_error *error) {
  _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
  int r;

  r = call_daemon("GetStatus", error, &reply, NULL);
  if (r < 0)
    return r;

  r = sd_bus_message_enter_container(reply, 'a', "{sv}");
  if (r < 0)
    goto bad_reply;
  for (;;) {
    _cleanup_(dbk_value_clear) DbkValue value = {.kind = DBK_VALUE_BOOL};
    const char *key;

    r = sd_bus_message_enter_container(reply, 'e', "sv");
    if (r < 0)
      goto bad_reply;
    if (r == 0)
      break;
    r = sd_bus_message_read_basic(reply, 's', &key);
    if (r < 0)
      goto bad_reply;
    r = read_variant(reply, &value);
    if (r < 0)
      goto bad_reply;
    if (r > 0) {
      r = dbk_cli_status_set(status, key, &value);
      if (r < 0)
        return sd_bus_error_set_errno(error, r);
    }
    r = sd_bus_message_exit_container(reply);
    if (r < 0)
      goto bad_reply;
  }
  r = sd_bus_message_exit_container(reply);
  if (r < 0)
    goto bad_reply;
  return 0;

bad_reply:
  return sd_bus_error_setf(error, SD_BUS_ERROR_INCONSISTENT_MESSAGE,
                           "deskbreakd sent a status this deskbreak cannot read: %s", strerror(-r));
}

/* ---- arguments ---- */

/*
 * Takes up to `max` positional arguments of `command` into `ret_args`
 * (unused ones NULL); any option or a further argument is a usage error.
 * Returns 0 or EXIT_USAGE (message printed).
 */
static int take_args(const char *command, int argc, char **argv, int max, const char **ret_args) {
  const char *args[2] = {NULL, NULL};
  int n = 0;
  bool options_end = false;

  assert(max >= 0 && max <= (int)(sizeof(args) / sizeof(args[0])));
  for (int i = 1; i < argc; i++) {
    if (!options_end && strcmp(argv[i], "--") == 0) {
      options_end = true;
      continue;
    }
    if (!options_end && argv[i][0] == '-' && argv[i][1] != '\0')
      return usage_error(command, "unknown option '%s' for %s", argv[i], command);
    if (n >= max)
      return usage_error(command, "unexpected argument '%s' for %s", argv[i], command);
    args[n++] = argv[i];
  }
  for (int i = 0; i < max; i++)
    ret_args[i] = args[i];
  return 0;
}

/* Parses the DURATION argument of `command`; NULL is 0, the daemon's default. */
static int take_duration(const char *command, const char *text, uint64_t *ret_usec) {
  uint64_t usec = 0;
  int r;

  if (text) {
    r = dbk_duration_parse(text, &usec);
    if (r == -ERANGE)
      return usage_error(command, "duration '%s' is too long", text);
    if (r < 0)
      return usage_error(command,
                         "invalid duration '%s': write it like 45s, 10m, 1h30m or 90min (a bare "
                         "number is minutes)",
                         text);
    /* 0 would ask for the default; say so rather than do it silently. */
    if (usec == 0)
      return usage_error(command, "duration must be more than 0; leave it out %s",
                         strcmp(command, "pause") == 0 ? "to pause until resume"
                                                       : "for the configured snooze");
  }
  *ret_usec = usec;
  return 0;
}

/* ---- commands ---- */

static int run_status(int argc, char **argv) {
  _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
  _cleanup_(dbk_cli_status_clear) DbkCliStatus status;
  bool json = false, verbose = false;
  int r;

  dbk_cli_status_init(&status);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0)
      json = true;
    else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0)
      verbose = true;
    else if (argv[i][0] == '-')
      return usage_error("status", "unknown option '%s' for status", argv[i]);
    else
      return usage_error("status", "unexpected argument '%s' for status", argv[i]);
  }

  r = get_status(&status, &error);
  if (r < 0)
    return report_call_error(r, &error);
  if (json)
    dbk_format_json(stdout, &status);
  else
    dbk_format_status(stdout, &status, now_realtime(), verbose ? DBK_FORMAT_VERBOSE : 0);
  return EXIT_OK;
}

static int run_snooze(int argc, char **argv) {
  _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
  _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
  const char *arg;
  uint64_t usec;
  int64_t until;
  int r;

  r = take_args("snooze", argc, argv, 1, &arg);
  if (r != 0)
    return r;
  r = take_duration("snooze", arg, &usec);
  if (r != 0)
    return r;

  r = call_daemon("Snooze", &error, &reply, "t", usec);
  if (r < 0)
    return report_call_error(r, &error);
  r = sd_bus_message_read(reply, "x", &until);
  if (r < 0) {
    log_error("cannot read the reply to Snooze: %s", strerror(-r));
    return EXIT_REFUSED;
  }
  dbk_format_snoozed(stdout, usec, until, now_realtime());
  return EXIT_OK;
}

static int run_pause(int argc, char **argv) {
  _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
  const char *arg;
  uint64_t usec;
  int r;

  r = take_args("pause", argc, argv, 1, &arg);
  if (r != 0)
    return r;
  r = take_duration("pause", arg, &usec);
  if (r != 0)
    return r;

  r = call_daemon("Pause", &error, NULL, "t", usec);
  if (r < 0)
    return report_call_error(r, &error);
  dbk_format_paused(stdout, usec, now_realtime());
  return EXIT_OK;
}

static int run_resume(int argc, char **argv) {
  _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
  _cleanup_(dbk_cli_status_clear) DbkCliStatus status;
  int r;

  dbk_cli_status_init(&status);
  r = take_args("resume", argc, argv, 0, NULL);
  if (r != 0)
    return r;

  r = call_daemon("Resume", &error, NULL, NULL);
  if (r < 0)
    return report_call_error(r, &error);
  puts("Reminders back on");

  /* The resume happened; a status that fails now does not undo it. */
  r = get_status(&status, &error);
  if (r < 0)
    log_error("cannot read the status: %s, ignoring", error.message ? error.message : strerror(-r));
  else
    dbk_format_status(stdout, &status, now_realtime(), 0);
  return EXIT_OK;
}

static int run_break(int argc, char **argv) {
  _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
  int r;

  r = take_args("break", argc, argv, 0, NULL);
  if (r != 0)
    return r;
  r = call_daemon("TakeBreak", &error, NULL, NULL);
  if (r < 0)
    return report_call_error(r, &error);
  puts("Break counted \u2014 sitting time starts again");
  return EXIT_OK;
}

static int run_reload(int argc, char **argv) {
  _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
  _cleanup_(dbk_cli_status_clear) DbkCliStatus status;
  int r;

  dbk_cli_status_init(&status);
  r = take_args("reload", argc, argv, 0, NULL);
  if (r != 0)
    return r;

  r = call_daemon("Reload", &error, NULL, NULL);
  if (r < 0) {
    int code = report_call_error(r, &error);
    if (sd_bus_error_has_name(&error, ERROR_INVALID_CONFIG))
      log_error("the last good config stays in force");
    return code;
  }

  r = get_status(&status, &error);
  if (r < 0) {
    puts("Config reloaded");
    log_error("cannot read the status: %s, ignoring", error.message ? error.message : strerror(-r));
  } else if (status.config_path[0]) {
    printf("Config reloaded from %s\n", status.config_path);
  } else {
    puts("Config reloaded: no config file, built-in defaults in use");
  }
  return EXIT_OK;
}

/* The stretches the daemon knows (built-in and the user's own), read from a
 * GetStretches reply; the strings point into the reply. */
typedef struct {
  sd_bus_message *reply;
  DbkStretch *items;
  size_t n;
} DbkCliStretches;

static void dbk_cli_stretches_clear(DbkCliStretches *s) {
  sd_bus_message_unref(s->reply);
  free(s->items);
  *s = (DbkCliStretches){0};
}

static int read_stretch(sd_bus_message *m, DbkStretch *ret) {
  DbkStretch s = {0};
  const char *step, *safety;
  size_t n = 0;
  int r;

  r = sd_bus_message_read(m, "ss", &s.id, &s.title);
  if (r >= 0)
    r = sd_bus_message_enter_container(m, 'a', "s");
  if (r < 0)
    return r;
  while ((r = sd_bus_message_read(m, "s", &step)) > 0)
    if (n < DBK_STRETCH_STEPS_MAX)
      s.steps[n++] = step;
  if (r >= 0)
    r = sd_bus_message_exit_container(m);
  if (r >= 0)
    r = sd_bus_message_read(m, "ss", &s.hold, &safety);
  if (r < 0)
    return r;
  s.safety = *safety ? safety : NULL;
  *ret = s;
  return 0;
}

/* GetStretches into `ret`. */
static int get_stretches(DbkCliStretches *ret, sd_bus_error *error) {
  _cleanup_(dbk_cli_stretches_clear) DbkCliStretches list = {0};
  int r;

  r = call_daemon("GetStretches", error, &list.reply, NULL);
  if (r < 0)
    return r;
  r = sd_bus_message_enter_container(list.reply, 'a', "(ssasss)");
  while (r >= 0 && (r = sd_bus_message_enter_container(list.reply, 'r', "ssasss")) > 0) {
    DbkStretch *items = realloc(list.items, (list.n + 1) * sizeof(DbkStretch));
    if (!items)
      return -ENOMEM;
    list.items = items;
    r = read_stretch(list.reply, &list.items[list.n]);
    if (r >= 0)
      r = sd_bus_message_exit_container(list.reply);
    list.n++;
  }
  if (r < 0) {
    sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, "deskbreakd sent a malformed stretch list");
    return -EBADMSG;
  }
  *ret = list;
  list = (DbkCliStretches){0};
  return 0;
}

static const DbkStretch *find_in(const DbkStretch *items, size_t n, const char *id) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(items[i].id, id) == 0)
      return &items[i];
  return NULL;
}

static int run_stretches(int argc, char **argv) {
  _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
  _cleanup_(dbk_cli_status_clear) DbkCliStatus status;
  _cleanup_(dbk_cli_stretches_clear) DbkCliStretches list = {0};
  char defaults[] = DBK_DEFAULT_STRETCHES;
  const char *default_rotation[16] = {NULL};
  const DbkStretch *catalogue;
  size_t n, n_default = 0;
  int r;

  dbk_cli_status_init(&status);
  r = take_args("stretches", argc, argv, 0, NULL);
  if (r != 0)
    return r;

  r = get_status(&status, &error);
  if (r >= 0 && (status.present & DBK_HAVE_STRETCHES) && get_stretches(&list, &error) >= 0) {
    dbk_format_stretch_list(stdout, list.items, list.n, status.stretches, false);
    return EXIT_OK;
  }

  /* No daemon: the built-in list is still worth having, with the default
   * rotation marked. */
  catalogue = dbk_stretches_builtin(&n);
  for (char *save = NULL, *id = strtok_r(defaults, ";", &save);
       id && n_default < sizeof(default_rotation) / sizeof(default_rotation[0]) - 1;
       id = strtok_r(NULL, ";", &save))
    default_rotation[n_default++] = id;
  dbk_format_stretch_list(stdout, catalogue, n, default_rotation, true);
  return EXIT_OK;
}

static void print_stretch_ids(FILE *out, const DbkStretch *items, size_t n) {
  for (size_t i = 0; i < n; i++)
    fprintf(out, "%s%s", i == 0 ? "" : ", ", items[i].id);
}

static int run_stretch(int argc, char **argv) {
  _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
  _cleanup_(dbk_cli_status_clear) DbkCliStatus status;
  _cleanup_(dbk_cli_stretches_clear) DbkCliStretches list = {0};
  const DbkStretch *stretch, *items;
  const char *name;
  size_t n;
  int r;

  dbk_cli_status_init(&status);
  r = take_args("stretch", argc, argv, 1, &name);
  if (r != 0)
    return r;

  /* A built-in stretch needs no daemon; the user's own ones only it knows. */
  items = dbk_stretches_builtin(&n);
  if (!name || !find_in(items, n, name)) {
    r = get_stretches(&list, &error);
    if (r >= 0) {
      items = list.items;
      n = list.n;
    } else if (!name) {
      return report_call_error(r, &error);
    }
  }

  if (name) {
    stretch = find_in(items, n, name);
    if (!stretch) {
      fprintf(stderr, "deskbreak: unknown stretch '%s'; the stretches are: ", name);
      print_stretch_ids(stderr, items, n);
      fputc('\n', stderr);
      return EXIT_USAGE;
    }
    dbk_format_stretch(stdout, stretch);
    return EXIT_OK;
  }

  r = get_status(&status, &error);
  if (r < 0)
    return report_call_error(r, &error);
  if (!status.next_stretch[0]) {
    log_error("deskbreakd names no next stretch");
    return EXIT_REFUSED;
  }
  stretch = find_in(items, n, status.next_stretch);
  if (!stretch) {
    log_error("the next stretch is '%s', which deskbreakd does not describe", status.next_stretch);
    return EXIT_REFUSED;
  }
  dbk_format_stretch(stdout, stretch);
  return EXIT_OK;
}

static void print_no_config(void) {
  _cleanup_(freep) char *user_path = dbk_config_path_user();

  if (user_path)
    printf("none: built-in defaults in use; create %s to change them\n", user_path);
  else
    puts("none: built-in defaults in use");
}

static int run_config_path(int argc, char **argv) {
  _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
  _cleanup_(dbk_cli_status_clear) DbkCliStatus status;
  _cleanup_(freep) char *path = NULL;
  int r;

  dbk_cli_status_init(&status);
  r = take_args("config path", argc, argv, 0, NULL);
  if (r != 0)
    return r;

  r = get_status(&status, &error);
  if (r >= 0) {
    if (status.config_path[0])
      puts(status.config_path);
    else
      print_no_config();
    return EXIT_OK;
  }

  /* The daemon would read what the lookup finds: say that, and that it is a guess. */
  path = dbk_config_path_lookup();
  if (path)
    puts(path);
  else
    print_no_config();
  log_error("deskbreakd is not running (%s); this is the file it would read",
            error.message ? error.message : strerror(-r));
  return EXIT_OK;
}

static int run_config_check(int argc, char **argv) {
  _cleanup_(freep) char *found = NULL;
  const char *path, *daemon;
  pid_t pid;
  int r, wstatus;

  r = take_args("config check", argc, argv, 1, &path);
  if (r != 0)
    return r;
  if (!path) {
    found = dbk_config_path_lookup();
    if (!found) {
      puts("no config file: built-in defaults");
      return EXIT_OK;
    }
    path = found;
  }

  /* The config parser is GLib code; the daemon binary carries it, the CLI does not. */
  daemon = getenv("DESKBREAKD");
  if (!daemon || !*daemon)
    daemon = DESKBREAK_BINDIR "/deskbreakd";
  char *child_argv[] = {(char *)daemon, (char *)"--check-config", (char *)path, NULL};

  fflush(stdout);
  r = posix_spawnp(&pid, daemon, NULL, NULL, child_argv, environ);
  if (r != 0) {
    log_error("cannot run %s: %s", daemon, strerror(r));
    return EXIT_REFUSED;
  }
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) {
      log_error("cannot wait for %s: %s", daemon, strerror(errno));
      return EXIT_REFUSED;
    }
  }
  if (WIFEXITED(wstatus))
    return WEXITSTATUS(wstatus) == 0 ? EXIT_OK : EXIT_REFUSED;
  if (WIFSIGNALED(wstatus))
    log_error("%s --check-config was killed by signal %d", daemon, WTERMSIG(wstatus));
  return EXIT_REFUSED;
}

static int run_config_default(int argc, char **argv) {
  int r;

  r = take_args("config default", argc, argv, 0, NULL);
  if (r != 0)
    return r;
  fputs(dbk_default_config_text, stdout);
  return EXIT_OK;
}

static int run_config(int argc, char **argv) {
  static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
  } verbs[] = {
      {"path", run_config_path},
      {"check", run_config_check},
      {"default", run_config_default},
  };

  if (argc < 2)
    return usage_error("config", "config needs one of: path, check, default");
  for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
    if (strcmp(argv[1], verbs[i].name) == 0)
      return verbs[i].run(argc - 1, argv + 1);
  if (argv[1][0] == '-')
    return usage_error("config", "unknown option '%s' for config", argv[1]);
  return usage_error("config", "unknown config command '%s' (path, check, default)", argv[1]);
}

/* ---- help and dispatch ---- */

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *usage; /* after "deskbreak " */
  const char *help;  /* what `deskbreak NAME --help` adds */
} Command;

#define DURATION_HELP "\nDURATION: 45s, 10m, 1h30m, 90min; a bare number is minutes.\n"

static const Command commands[] = {
    {"status", run_status, "status [--json] [--verbose|-v]",
     "Show sitting time, the state and when the next reminder comes.\n"
     "  --json         one JSON object with every GetStatus key (see deskbreak(1))\n"
     "  -v, --verbose  add the idle source, config file, notification server,\n"
     "                 today's counts and the daemon's version\n"},
    {"snooze", run_snooze, "snooze [DURATION]",
     "No reminder for DURATION (default: the configured snooze); sitting time\n"
     "keeps counting.\n" DURATION_HELP},
    {"pause", run_pause, "pause [DURATION]",
     "No reminders for DURATION, or until `deskbreak resume` without one.\n" DURATION_HELP},
    {"resume", run_resume, "resume", "End a pause or a snooze.\n"},
    {"break", run_break, "break", "Count a break now: sitting time starts again.\n"},
    {"reload", run_reload, "reload", "Read the config file again.\n"},
    {"stretches", run_stretches, "stretches",
     "List the stretches; * marks the ones in the rotation.\n"},
    {"stretch", run_stretch, "stretch [NAME]",
     "Show a stretch in full (default: the next one suggested).\n"},
    {"config", run_config, "config path|check [PATH]|default",
     "  path           the config file in use\n"
     "  check [PATH]   check a config file (default: the one in use)\n"
     "  default        print the default config file\n"},
};

static void print_help(FILE *out) {
  fputs("Usage: deskbreak COMMAND [ARGS]\n"
        "\n"
        "Reminds you to get up and stretch after sitting too long.\n"
        "\n"
        "Commands:\n"
        "  status [--json] [-v]   sitting time, state, next reminder (the default)\n"
        "  snooze [DURATION]      no reminder for DURATION (default: configured snooze)\n"
        "  pause [DURATION]       no reminders for DURATION, or until resume\n"
        "  resume                 end a pause or a snooze\n"
        "  break                  count a break now: sitting time starts again\n"
        "  reload                 read the config file again\n"
        "  stretches              list the stretches\n"
        "  stretch [NAME]         show a stretch (default: the next one)\n"
        "  config path            show the config file in use\n"
        "  config check [PATH]    check a config file\n"
        "  config default         print the default config file\n"
        "  help [COMMAND]         show this help, or a command's\n"
        "\n"
        "Options:\n"
        "  -h, --help             show help (also after a command)\n"
        "  --version              show the version\n" DURATION_HELP "\n"
        "Exit status: 0 ok, 1 refused by deskbreakd, 2 usage error, 3 deskbreakd\n"
        "not reachable. See deskbreak(1).\n",
        out);
}

static void print_command_help(const Command *command) {
  printf("Usage: deskbreak %s\n\n%s", command->usage, command->help);
}

static const Command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    if (strcmp(commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

static int dispatch(int argc, char **argv) {
  static char *status_argv[] = {(char *)"status", NULL};
  const Command *command;

  /* Plain `deskbreak` is `deskbreak status`. */
  if (argc < 2)
    return run_status(1, status_argv);

  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
    print_help(stdout);
    return EXIT_OK;
  }
  if (strcmp(name, "--version") == 0) {
    puts("deskbreak " PACKAGE_VERSION);
    return EXIT_OK;
  }
  if (strcmp(name, "help") == 0) {
    if (argc < 3) {
      print_help(stdout);
      return EXIT_OK;
    }
    if (argc > 3)
      return usage_error(NULL, "help takes at most one command");
    command = find_command(argv[2]);
    if (!command)
      return usage_error(NULL, "unknown command '%s'", argv[2]);
    print_command_help(command);
    return EXIT_OK;
  }
  if (name[0] == '-')
    return usage_error(NULL, "unknown option '%s'", name);

  command = find_command(name);
  if (!command)
    return usage_error(NULL, "unknown command '%s'", name);
  for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      print_command_help(command);
      return EXIT_OK;
    }
  }
  return command->run(argc - 1, argv + 1);
}

int main(int argc, char **argv) {
  int code = dispatch(argc, argv);

  bus = sd_bus_flush_close_unref(bus);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    if (code == EXIT_OK) {
      log_error("cannot write the output: %s", strerror(errno));
      code = EXIT_REFUSED;
    }
  }
  return code;
}
