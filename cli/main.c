/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * deskbreak — the command-line client of deskbreakd.
 *
 * Talks to the daemon over the session bus with sd-bus and nothing else,
 * so it starts in a few milliseconds. Method calls may activate the daemon,
 * so the first `deskbreak status` starts it. One run_<verb>() per command,
 * then the help and the dispatch; the calls and their replies live in
 * bus.c, what gets printed in format.c, and the event loop of `monitor` in
 * monitor.c.
 *
 * Exit codes: 0 ok, 1 the daemon refused (its message printed), 2 usage
 * error, 3 the daemon is unreachable (and how to start it).
 */
#include <assert.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "build-config.h"
#include "bus.h"
#include "config-path.h"
#include "duration.h"
#include "format.h"
#include "i18n.h"
#include "monitor.h"
#include "stretches.h"

extern const char dbk_default_config_text[];
extern char **environ;

/* ---- messages ---- */

/* Prints the error and the one-line hint; returns EXIT_USAGE. */
static int usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int usage_error(const char *command, const char *fmt, ...) {
  va_list ap;

  va_start(ap, fmt);
  log_errorv(fmt, ap);
  va_end(ap);
  if (command)
    /* TRANSLATORS: after a usage error; %s is a command, such as "snooze". */
    fprintf(stderr, _("Try 'deskbreak %s --help'.\n"), command);
  else
    fputs(_("Try 'deskbreak --help'.\n"), stderr);
  return EXIT_USAGE;
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
      /* TRANSLATORS: the first %s is what was typed, the second a command such as "snooze". */
      return usage_error(command, _("unknown option '%s' for %s"), argv[i], command);
    if (n >= max)
      /* TRANSLATORS: the first %s is what was typed, the second a command such as "snooze". */
      return usage_error(command, _("unexpected argument '%s' for %s"), argv[i], command);
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
      return usage_error(command, _("duration '%s' is too long"), text);
    if (r < 0)
      return usage_error(command,
                         /* TRANSLATORS: keep 45s, 10m, 1h30m and 90min as they are:
                          * that is how a duration is typed, whatever the language. */
                         _("invalid duration '%s': write it like 45s, 10m, 1h30m or 90min (a bare "
                           "number is minutes)"),
                         text);
    /* 0 would ask for the default; say so rather than do it silently. */
    if (usec == 0)
      return usage_error(command,
                         strcmp(command, "pause") == 0
                             ? _("duration must be more than 0; leave it out to pause until resume")
                             : _("duration must be more than 0; leave it out for the configured "
                                 "snooze"));
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
      return usage_error("status", _("unknown option '%s' for %s"), argv[i], "status");
    else
      return usage_error("status", _("unexpected argument '%s' for %s"), argv[i], "status");
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

/* GetHistory takes 1 to this many days. */
#define HISTORY_DAYS_MAX 1000

/* The N of `stats --days N`. */
static int take_days(const char *text, uint32_t *ret_days) {
  unsigned long days;
  char *end;

  if (!text || !*text)
    return usage_error("stats", _("--days needs a number of days, 1 to %d"), HISTORY_DAYS_MAX);
  errno = 0;
  days = strtoul(text, &end, 10);
  if (text[0] < '0' || text[0] > '9' || *end != '\0')
    return usage_error("stats", _("invalid number of days '%s': write a whole number, 1 to %d"),
                       text, HISTORY_DAYS_MAX);
  if (errno == ERANGE || days < 1 || days > HISTORY_DAYS_MAX)
    return usage_error("stats", _("--days must be 1 to %d, not %s"), HISTORY_DAYS_MAX, text);
  *ret_days = (uint32_t)days;
  return 0;
}

/* Colour only for a person at a terminal who has not said no (https://no-color.org). */
static bool want_colour(void) {
  const char *no_color = getenv("NO_COLOR");
  const char *term = getenv("TERM");

  if (no_color && *no_color)
    return false;
  if (term && strcmp(term, "dumb") == 0)
    return false;
  return isatty(STDOUT_FILENO) == 1;
}

/* Block characters only where the locale can show them. */
static bool want_unicode(void) {
  if (!setlocale(LC_CTYPE, ""))
    return false;
  return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

static int run_stats(int argc, char **argv) {
  _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
  _cleanup_(freep) DbkCliDay *days = NULL;
  uint32_t n_days = 7;
  size_t n = 0;
  bool json = false;
  int r;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (strcmp(argv[i], "--days") == 0) {
      r = take_days(i + 1 < argc ? argv[++i] : NULL, &n_days);
      if (r != 0)
        return r;
    } else if (strncmp(argv[i], "--days=", 7) == 0) {
      r = take_days(argv[i] + 7, &n_days);
      if (r != 0)
        return r;
    } else if (argv[i][0] == '-') {
      return usage_error("stats", _("unknown option '%s' for %s"), argv[i], "stats");
    } else {
      return usage_error("stats", _("unexpected argument '%s' for %s"), argv[i], "stats");
    }
  }

  r = get_history(n_days, &days, &n, &error);
  if (r < 0) {
    if (sd_bus_error_has_name(&error, SD_BUS_ERROR_UNKNOWN_METHOD)) {
      log_error(_("this deskbreakd keeps no history: restart it to run the installed version"));
      return EXIT_REFUSED;
    }
    return report_call_error(r, &error);
  }
  if (json)
    dbk_format_stats_json(stdout, days, n);
  else
    dbk_format_stats(stdout, days, n,
                     (want_colour() ? DBK_STATS_COLOUR : 0) |
                         (want_unicode() ? DBK_STATS_UNICODE : 0));
  return EXIT_OK;
}

static int run_monitor(int argc, char **argv) {
  DbkMonitorFormat format = DBK_MONITOR_JSON;
  const char *name = NULL;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--format") == 0) {
      if (i + 1 >= argc)
        /* TRANSLATORS: keep --format and the format names as they are. */
        return usage_error("monitor", _("--format needs one of: json, waybar, i3blocks, polybar"));
      name = argv[++i];
    } else if (strncmp(argv[i], "--format=", 9) == 0) {
      name = argv[i] + 9;
    } else if (argv[i][0] == '-') {
      return usage_error("monitor", _("unknown option '%s' for %s"), argv[i], "monitor");
    } else {
      return usage_error("monitor", _("unexpected argument '%s' for %s"), argv[i], "monitor");
    }
  }
  if (name && dbk_monitor_format_from_string(name, &format) < 0)
    /* TRANSLATORS: %s is what was typed; keep the format names as they are. */
    return usage_error("monitor", _("unknown format '%s': json, waybar, i3blocks or polybar"),
                       name);

  return monitor_run(format);
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
    log_error(_("cannot read the reply to Snooze: %s"), strerror(-r));
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
  puts(_("Reminders back on"));

  /* The resume happened; a status that fails now does not undo it. */
  r = get_status(&status, &error);
  if (r < 0)
    log_error(_("cannot read the status: %s, ignoring"),
              error.message ? error.message : strerror(-r));
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
  puts(_("Break counted — sitting time starts again"));
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
      log_error(_("the last good config stays in force"));
    return code;
  }

  r = get_status(&status, &error);
  if (r < 0) {
    puts(_("Config reloaded"));
    log_error(_("cannot read the status: %s, ignoring"),
              error.message ? error.message : strerror(-r));
  } else if (status.config_path[0]) {
    printf(_("Config reloaded from %s\n"), status.config_path);
  } else {
    puts(_("Config reloaded: no config file, built-in defaults in use"));
  }
  return EXIT_OK;
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
      fputs("deskbreak: ", stderr);
      /* TRANSLATORS: followed by the stretch ids, "bruegger, doorway, …". */
      fprintf(stderr, _("unknown stretch '%s'; the stretches are: "), name);
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
    log_error(_("deskbreakd names no next stretch"));
    return EXIT_REFUSED;
  }
  stretch = find_in(items, n, status.next_stretch);
  if (!stretch) {
    log_error(_("the next stretch is '%s', which deskbreakd does not describe"),
              status.next_stretch);
    return EXIT_REFUSED;
  }
  dbk_format_stretch(stdout, stretch);
  return EXIT_OK;
}

/* The lookup passes over what is not a regular file: say so. */
static void on_lookup_skipped(const char *path, const char *what, void *user_data) {
  (void)user_data;
  /* TRANSLATORS: a file name, then what is there instead: "a directory", "a FIFO"… */
  log_error(_("%s: %s, not a regular file: skipped"), path, what);
}

static char *lookup_config_path(void) {
  return dbk_config_path_lookup_report(on_lookup_skipped, NULL);
}

static void print_no_config(void) {
  _cleanup_(freep) char *user_path = dbk_config_path_user();

  if (user_path)
    printf(_("none: built-in defaults in use; create %s to change them\n"), user_path);
  else
    puts(_("none: built-in defaults in use"));
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
  path = lookup_config_path();
  if (path)
    puts(path);
  else
    print_no_config();
  log_error(_("deskbreakd is not running (%s); this is the file it would read"),
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
    found = lookup_config_path();
    if (!found) {
      puts(_("no config file: built-in defaults"));
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
    log_error(_("cannot run %s: %s"), daemon, strerror(r));
    return EXIT_REFUSED;
  }
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) {
      log_error(_("cannot wait for %s: %s"), daemon, strerror(errno));
      return EXIT_REFUSED;
    }
  }
  if (WIFEXITED(wstatus))
    return WEXITSTATUS(wstatus) == 0 ? EXIT_OK : EXIT_REFUSED;
  if (WIFSIGNALED(wstatus))
    log_error(_("%s --check-config was killed by signal %d"), daemon, WTERMSIG(wstatus));
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
    /* TRANSLATORS: keep "config" and the command names as they are. */
    return usage_error("config", _("config needs one of: path, check, default"));
  for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
    if (strcmp(argv[1], verbs[i].name) == 0)
      return verbs[i].run(argc - 1, argv + 1);
  if (argv[1][0] == '-')
    return usage_error("config", _("unknown option '%s' for %s"), argv[1], "config");
  /* TRANSLATORS: %s is what was typed; keep the command names as they are. */
  return usage_error("config", _("unknown config command '%s' (path, check, default)"), argv[1]);
}

/* ---- help and dispatch ---- */

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *usage; /* after "deskbreak "; options and arguments, not translated */
  const char *help;  /* what `deskbreak NAME --help` adds, N_() */
  bool duration;     /* DURATION_HELP follows */
} Command;

/* TRANSLATORS: part of --help; keep DURATION and the examples as they are. */
#define DURATION_HELP N_("DURATION: 45s, 10m, 1h30m, 90min; a bare number is minutes.\n")

/* The help texts are translated whole; translators keep the command names,
 * options and arguments as they are and line up the descriptions. */
static const Command commands[] = {
    {"status", run_status, "status [--json] [--verbose|-v]",
     /* TRANSLATORS: `deskbreak status --help`; keep the options as they are
      * and line up their descriptions. */
     N_("Show sitting time, the state and when the next reminder comes.\n"
        "  --json         one JSON object with every GetStatus key (see deskbreak(1))\n"
        "  -v, --verbose  add the idle source, config file, notification server,\n"
        "                 today's counts and the daemon's version\n"),
     false},
    {"stats", run_stats, "stats [--days N] [--json]",
     /* TRANSLATORS: `deskbreak stats --help`; see `deskbreak status --help`. */
     N_("Show today at a glance and the sitting time, breaks, reminders, snoozes\n"
        "and skips of each recent day.\n"
        "  --days N       this many days, today the last (1 to 1000, default 7)\n"
        "  --json         one JSON object, {\"days\":[...]} (see deskbreak(1))\n"
        "\n"
        "Colour only on a terminal and without NO_COLOR; bars of block characters\n"
        "in a UTF-8 locale, of # otherwise.\n"),
     false},
    {"monitor", run_monitor, "monitor [--format json|waybar|i3blocks|polybar]",
     /* TRANSLATORS: `deskbreak monitor --help`; see `deskbreak status --help`. */
     N_("For status bars: print a line now, at every change and every minute,\n"
        "until interrupted. While deskbreakd is not running the line says \"off\".\n"
        "  --format json      one JSON object a line (the default)\n"
        "  --format waybar    for waybar's custom module, \"return-type\": \"json\"\n"
        "  --format i3blocks  for an i3blocks block with interval=persist\n"
        "  --format polybar   for polybar's custom/script with tail = true\n"),
     false},
    {"snooze", run_snooze, "snooze [DURATION]",
     /* TRANSLATORS: `deskbreak snooze --help`; keep DURATION as it is. */
     N_("No reminder for DURATION (default: the configured snooze); sitting time\n"
        "keeps counting.\n"),
     true},
    {"pause", run_pause, "pause [DURATION]",
     /* TRANSLATORS: `deskbreak pause --help`; keep DURATION and the command as they are. */
     N_("No reminders for DURATION, or until `deskbreak resume` without one.\n"), true},
    {"resume", run_resume, "resume",
     /* TRANSLATORS: `deskbreak resume --help`. */
     N_("End a pause or a snooze.\n"), false},
    {"break", run_break, "break",
     /* TRANSLATORS: `deskbreak break --help`. */
     N_("Count a break now: sitting time starts again.\n"), false},
    {"reload", run_reload, "reload",
     /* TRANSLATORS: `deskbreak reload --help`. */
     N_("Read the config file again.\n"), false},
    {"stretches", run_stretches, "stretches",
     /* TRANSLATORS: `deskbreak stretches --help`. */
     N_("List the stretches; * marks the ones in the rotation.\n"), false},
    {"stretch", run_stretch, "stretch [NAME]",
     /* TRANSLATORS: `deskbreak stretch --help`. */
     N_("Show a stretch in full (default: the next one suggested).\n"), false},
    {"config", run_config, "config path|check [PATH]|default",
     /* TRANSLATORS: `deskbreak config --help`; see `deskbreak status --help`. */
     N_("  path           the config file in use\n"
        "  check [PATH]   check a config file (default: the one in use)\n"
        "  default        print the default config file\n"),
     false},
};

static void print_help(FILE *out) {
  /* TRANSLATORS: the start of `deskbreak --help`; keep "deskbreak COMMAND [ARGS]". */
  fputs(_("Usage: deskbreak COMMAND [ARGS]\n"
          "\n"
          "Reminds you to get up and stretch after sitting too long.\n"
          "\n"),
        out);
  /* TRANSLATORS: `deskbreak --help`: keep the commands and their arguments as
   * they are, and line up the descriptions as in the English text. */
  fputs(_("Commands:\n"
          "  status [--json] [-v]   sitting time, state, next reminder (the default)\n"
          "  stats [--days N] [--json]\n"
          "                         today and the last N days (default 7)\n"
          "  monitor [--format F]   a line per change for status bars (F: json,\n"
          "                         waybar, i3blocks, polybar)\n"
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
          "\n"),
        out);
  /* TRANSLATORS: `deskbreak --help`: keep the options as they are. */
  fputs(_("Options:\n"
          "  -h, --help             show help (also after a command)\n"
          "  --version              show the version\n"
          "\n"),
        out);
  fputs(_(DURATION_HELP), out);
  fputc('\n', out);
  /* TRANSLATORS: the end of `deskbreak --help`. */
  fputs(_("Exit status: 0 ok, 1 refused by deskbreakd, 2 usage error, 3 deskbreakd\n"
          "not reachable. See deskbreak(1).\n"),
        out);
}

static void print_command_help(const Command *command) {
  /* TRANSLATORS: %s is the command and its arguments, "snooze [DURATION]". */
  printf(_("Usage: deskbreak %s\n"), command->usage);
  fputc('\n', stdout);
  fputs(_(command->help), stdout);
  if (command->duration) {
    fputc('\n', stdout);
    fputs(_(DURATION_HELP), stdout);
  }
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
      return usage_error(NULL, _("help takes at most one command"));
    command = find_command(argv[2]);
    if (!command)
      return usage_error(NULL, _("unknown command '%s'"), argv[2]);
    print_command_help(command);
    return EXIT_OK;
  }
  if (name[0] == '-')
    return usage_error(NULL, _("unknown option '%s'"), name);

  command = find_command(name);
  if (!command)
    return usage_error(NULL, _("unknown command '%s'"), name);
  for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      print_command_help(command);
      return EXIT_OK;
    }
  }
  return command->run(argc - 1, argv + 1);
}

int main(int argc, char **argv) {
  /* The terminal's language, character set and dates, and only those: the
   * other categories cost start-up time and go unused (numbers stay as C
   * writes them, for --json and the status-bar lines). */
  setlocale(LC_CTYPE, "");
  setlocale(LC_MESSAGES, "");
  setlocale(LC_TIME, "");
  dbk_i18n_init();

  int code = dispatch(argc, argv);

  bus_close();
  if (fflush(stdout) != 0 || ferror(stdout)) {
    if (code == EXIT_OK) {
      log_error(_("cannot write the output: %s"), strerror(errno));
      code = EXIT_REFUSED;
    }
  }
  return code;
}
