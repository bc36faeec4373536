/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The sd-bus side of `deskbreak`: see bus.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "bus.h"
#include "format.h"
#include "i18n.h"
#include "stretches.h"

/* The one connection, opened on first use. */
static sd_bus *bus;

/* ---- messages ---- */

void log_errorv(const char *fmt, va_list ap) {
  fputs("deskbreak: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
}

void log_error(const char *fmt, ...) {
  va_list ap;

  va_start(ap, fmt);
  log_errorv(fmt, ap);
  va_end(ap);
}

int64_t now_realtime(void) {
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- D-Bus ---- */

/* The errors that mean nobody is there to answer, as opposed to a refusal. */
bool error_is_unreachable(const sd_bus_error *error) {
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
int report_call_error(int r, const sd_bus_error *error) {
  const char *text = sd_bus_error_is_set(error)
                         ? (error->message && *error->message ? error->message : error->name)
                         : strerror(-r);

  if (error_is_unreachable(error)) {
    log_error(_("cannot reach deskbreakd: %s"), text);
    /* TRANSLATORS: %s is a shell command, "systemctl --user start deskbreak". */
    log_error(_("start it with: %s"), start_command());
    return EXIT_UNREACHABLE;
  }
  log_error("%s", text);
  return EXIT_REFUSED;
}

/* Says in `error` why sd_bus_open_user() failed with `r`. */
static int no_session_bus(int r, sd_bus_error *error) {
  const char *address = getenv("DBUS_SESSION_BUS_ADDRESS");
  const char *runtime_dir = getenv("XDG_RUNTIME_DIR");
  if (address && *address)
    /* TRANSLATORS: a bus address, then why it failed. */
    return sd_bus_error_setf(error, SD_BUS_ERROR_NO_SERVER, _("no session bus at %s: %s"), address,
                             strerror(-r));
  if (runtime_dir && *runtime_dir)
    return sd_bus_error_setf(error, SD_BUS_ERROR_NO_SERVER, _("no session bus at %s/bus: %s"),
                             runtime_dir, strerror(-r));
  return sd_bus_error_setf(
      error, SD_BUS_ERROR_NO_SERVER, "%s",
      _("no session bus: neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set"));
}

int bus_connect(sd_bus **ret_bus, sd_bus_error *error) {
  int r;

  if (!bus) {
    r = sd_bus_open_user(&bus);
    if (r < 0)
      return no_session_bus(r, error);
  }
  if (ret_bus)
    *ret_bus = bus;
  return 0;
}

void bus_close(void) {
  bus = sd_bus_flush_close_unref(bus);
}

/* Calls `method` with arguments `types`, …; the reply in `ret_reply` if wanted. */
int call_daemon(const char *method, sd_bus_error *error, sd_bus_message **ret_reply,
                const char *types, ...) {
  _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
  va_list ap;
  int r;

  r = bus_connect(NULL, error);
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

/* A GetStatus reply into `status`. */
int read_status(sd_bus_message *reply, DbkCliStatus *status, sd_bus_error *error) {
  int r;

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
                           _("deskbreakd sent a status this deskbreak cannot read: %s"),
                           strerror(-r));
}

/* GetStatus into `status`. */
int get_status(DbkCliStatus *status, sd_bus_error *error) {
  _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
  int r;

  r = call_daemon("GetStatus", error, &reply, NULL);
  if (r < 0)
    return r;
  return read_status(reply, status, error);
}

/* breaks_by_kind, an a{su}, at the read position of `m` (inside the variant). */
static int read_breaks_by_kind(sd_bus_message *m, DbkCliDay *day) {
  const char *kind;
  uint32_t count;
  int r;

  r = sd_bus_message_enter_container(m, 'a', "{su}");
  if (r < 0)
    return r;
  while ((r = sd_bus_message_read(m, "{su}", &kind, &count)) > 0) {
    int i = dbk_break_kind_from_string(kind);
    /* A kind a newer daemon counts still counts in "breaks". */
    if (i >= 0)
      day->breaks_by_kind[i] = count;
  }
  if (r < 0)
    return r;
  return sd_bus_message_exit_container(m);
}

/* One day of a GetHistory reply: an a{sv}. */
static int read_day(sd_bus_message *m, DbkCliDay *day) {
  int r;

  r = sd_bus_message_enter_container(m, 'a', "{sv}");
  if (r < 0)
    return r;
  while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
    _cleanup_(dbk_value_clear) DbkValue value = {.kind = DBK_VALUE_BOOL};
    const char *key, *contents;

    r = sd_bus_message_read_basic(m, 's', &key);
    if (r < 0)
      return r;
    r = sd_bus_message_peek_type(m, NULL, &contents);
    if (r < 0)
      return r;
    if (strcmp(key, "breaks_by_kind") == 0 && strcmp(contents, "a{su}") == 0) {
      r = sd_bus_message_enter_container(m, 'v', contents);
      if (r >= 0)
        r = read_breaks_by_kind(m, day);
      if (r >= 0)
        r = sd_bus_message_exit_container(m);
    } else {
      r = read_variant(m, &value);
      if (r > 0)
        dbk_cli_day_set(day, key, &value);
    }
    if (r < 0)
      return r;
    r = sd_bus_message_exit_container(m);
    if (r < 0)
      return r;
  }
  if (r < 0)
    return r;
  return sd_bus_message_exit_container(m);
}

/* GetHistory(days) into `ret_days` (free() it), `ret_n` of them. */
int get_history(uint32_t days, DbkCliDay **ret_days, size_t *ret_n, sd_bus_error *error) {
  _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
  _cleanup_(freep) DbkCliDay *list = NULL;
  size_t n = 0;
  int r;

  r = call_daemon("GetHistory", error, &reply, "u", days);
  if (r < 0)
    return r;

  r = sd_bus_message_enter_container(reply, 'a', "a{sv}");
  while (r >= 0) {
    r = sd_bus_message_at_end(reply, false);
    if (r != 0)
      break;
    DbkCliDay *more = realloc(list, (n + 1) * sizeof(DbkCliDay));
    if (!more)
      return sd_bus_error_set_errno(error, -ENOMEM);
    list = more;
    memset(&list[n], 0, sizeof(list[n]));
    r = read_day(reply, &list[n++]);
  }
  if (r >= 0)
    r = sd_bus_message_exit_container(reply);
  if (r < 0)
    return sd_bus_error_setf(error, SD_BUS_ERROR_INCONSISTENT_MESSAGE,
                             _("deskbreakd sent a history this deskbreak cannot read: %s"),
                             strerror(-r));
  *ret_days = list;
  *ret_n = n;
  list = NULL;
  return 0;
}

/* ---- stretches ---- */

void dbk_cli_stretches_clear(DbkCliStretches *s) {
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
int get_stretches(DbkCliStretches *ret, sd_bus_error *error) {
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
    sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                     _("deskbreakd sent a malformed stretch list"));
    return -EBADMSG;
  }
  *ret = list;
  list = (DbkCliStretches){0};
  return 0;
}
