/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * deskbreakd: options, logging, and the daemon's life cycle. Everything
 * else lives in the modules main() wires together.
 */
#include <glib.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "build-config.h"
#include "config.h"
#include "daemon.h"
#include "i18n.h"

static gboolean verbose;

static GLogWriterOutput write_log(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                                  void *data) {
  const char *domain = NULL;
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0)
      domain = fields[i].value;
  /* Our own debug lines with --verbose; the libraries' only where
   * G_MESSAGES_DEBUG asks for them. */
  if ((level & G_LOG_LEVEL_DEBUG) && g_log_writer_default_would_drop(level, domain) &&
      !(verbose && g_strcmp0(domain, G_LOG_DOMAIN) == 0))
    return G_LOG_WRITER_HANDLED;

  /* Under systemd, stderr is the journal: keep the priorities. */
  if (g_log_writer_is_journald(fileno(stderr)))
    return g_log_writer_journald(level, fields, n_fields, data);

  const char *message = "";
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0(fields[i].key, "MESSAGE") == 0)
      message = fields[i].value;
  const char *kind = "";
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    kind = "error: ";
  else if (level & G_LOG_LEVEL_WARNING)
    kind = "warning: ";
  fprintf(stderr, "deskbreakd: %s%s\n", kind, message);
  fflush(stderr);
  return G_LOG_WRITER_HANDLED;
}

/* --check-config: what `deskbreak config check` runs. 0 valid, 1 invalid, 2 unreadable. */
static int check_config(const char *path) {
  g_autofree char *owned = NULL;
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
  if (!path || !*path)
    path = owned = dbk_config_find_path(warnings);
  if (!path) {
    for (guint i = 0; i < warnings->len; i++)
      fprintf(stderr, "%s\n", (const char *)warnings->pdata[i]);
    fputs(_("No config file: the built-in defaults apply.\n"), stdout);
    return 0;
  }

  g_autoptr(GError) error = NULL;
  g_autoptr(DbkConfig) config = dbk_config_load(path, errors, warnings, &error);
  for (guint i = 0; i < warnings->len; i++)
    fprintf(stderr, "%s\n", (const char *)warnings->pdata[i]);
  if (!config) {
    fprintf(stderr, "%s\n", error->message);
    return 2;
  }
  for (guint i = 0; i < errors->len; i++)
    fprintf(stderr, "%s\n", (const char *)errors->pdata[i]);
  if (errors->len > 0)
    return 1;
  /* TRANSLATORS: %s is the config file that `deskbreak config check` found valid. */
  printf(_("%s: ok\n"), path);
  return 0;
}

int main(int argc, char **argv) {
  g_autofree char *config_path = NULL;
  g_autofree char *check_path = NULL;
  gboolean check = FALSE, replace = FALSE, version = FALSE;
  const GOptionEntry entries[] = {
      {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
       /* TRANSLATORS: deskbreakd --help; keep PATH as it is. */
       N_("Read settings from PATH instead of the usual places"), "PATH"},
      {"check-config", 0, 0, G_OPTION_ARG_NONE, &check,
       N_("Check the config file (or PATH) and exit: 0 valid, 1 invalid, 2 unreadable"), NULL},
      {"replace", 'r', 0, G_OPTION_ARG_NONE, &replace,
       N_("Take over from a deskbreakd already running"), NULL},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Log every event"), NULL},
      {"version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL},
      {NULL},
  };

  /* The session's language for what a person reads (notifications,
   * config errors); the journal's lines stay English. */
  setlocale(LC_ALL, "");
  dbk_i18n_init();
  /* A write to a peer that has just gone (the X server, a compositor)
   * must be an error to handle, not the end of the daemon. */
  signal(SIGPIPE, SIG_IGN);
  /* TRANSLATORS: deskbreakd --help, after "Usage: deskbreakd [OPTION…]". */
  g_autoptr(GOptionContext) context = g_option_context_new(N_("— the desk-break reminder daemon"));
  g_option_context_set_translation_domain(context, GETTEXT_PACKAGE);
  g_option_context_set_summary(
      context, N_("Measures how long you have been sitting at the computer and "
                  "suggests a stretch\nafter each interval. Control it with deskbreak(1)."));
  g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(context, &argc, &argv, &error)) {
    fputs("deskbreakd: ", stderr);
    /* TRANSLATORS: %s says what is wrong with the options given. */
    fprintf(stderr, _("%s (see deskbreakd --help)\n"), error->message);
    return 2;
  }
  if (version) {
    printf("deskbreakd %s\n", PACKAGE_VERSION);
    return 0;
  }
  if (check) {
    if (argc > 2) {
      fputs("deskbreakd: ", stderr);
      fputs(_("--check-config takes at most one PATH\n"), stderr);
      return 2;
    }
    return check_config(argc == 2 ? argv[1] : config_path);
  }
  if (argc > 1) {
    fputs("deskbreakd: ", stderr);
    fprintf(stderr, _("unexpected argument '%s' (see deskbreakd --help)\n"), argv[1]);
    return 2;
  }

  g_log_set_writer_func(write_log, NULL, NULL);
  DbkDaemonOptions options = {.config_override = config_path, .replace = replace};
  DbkDaemon daemon;
  if (!dbk_daemon_init(&daemon, &options, &error)) {
    g_warning("%s", error->message);
    dbk_daemon_finish(&daemon);
    return 1;
  }
  int code = dbk_daemon_run(&daemon);
  dbk_daemon_finish(&daemon);
  return code;
}
