/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "daemon.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <sys/timerfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "build-config.h"

#define BUS_NAME "org.deskbreak.Daemon1"

/* The end of a pause as the API says it: unix µs, 0 = none, -1 = until resume. */
static gint64 paused_until(DbkDaemon *d) {
  if (!d->engine.paused)
    return 0;
  if (d->engine.paused_until == DBK_USEC_INFINITY)
    return -1;
  return dbk_to_unix(d->engine.paused_until);
}

static void settle(DbkDaemon *d, const DbkEffects *effects);
static void publish(DbkDaemon *d);

/* ---- what outlives the daemon (persist.c) ---- */

/* How long a pause lasts before the idle source tells of it; 0 when
 * there is no source that can. */
static DbkUsec telling_threshold(DbkDaemon *d) {
  gboolean can_tell = d->idle && g_strcmp0(dbk_idle_picker_name(d->idle), "none") != 0;
  return can_tell ? dbk_engine_idle_threshold(&d->engine) : 0;
}

static void credit_sitting(DbkDaemon *d, DbkUsec now) {
  dbk_persist_credit(&d->persist, &d->engine, telling_threshold(d), now);
}

static void count(DbkDaemon *d, DbkCounter counter) {
  dbk_persist_count(&d->persist, counter);
}

static DbkPersistView persist_view(DbkDaemon *d) {
  return (DbkPersistView){
      .engine = &d->engine,
      .rotation_pos = d->rotation_pos,
      .last_stretch = d->last_stretch_id,
      .due_stretch = d->due_stretch ? d->due_stretch->id : NULL,
      .notification_id = dbk_notifier_reminder_id(d->notifier),
  };
}

/* Writes what a restart needs before any client hears of the transition. */
static void persist(DbkDaemon *d, gboolean all) {
  DbkPersistView view = persist_view(d);
  dbk_persist_save(&d->persist, &view, all);
}

/*
 * One wake-up for both the watchdog's ping and, while a session goes on,
 * the heartbeat that refreshes the saved state's stamp.
 */
static gboolean on_tick(void *data) {
  DbkDaemon *d = data;
  if (d->watchdog_period)
    sd_notify(0, "WATCHDOG=1");
  if (d->engine.in_session) {
    DbkPersistView view = persist_view(d);
    dbk_persist_heartbeat(&d->persist, &view);
  }
  return G_SOURCE_CONTINUE;
}

static void update_tick(DbkDaemon *d) {
  DbkUsec period = d->watchdog_period;
  DbkUsec heartbeat = dbk_persist_heartbeat_period(&d->engine);
  if (heartbeat && (!period || heartbeat < period))
    period = heartbeat;
  if (period == d->tick_period && (period == 0) == (d->tick_id == 0))
    return;
  g_clear_handle_id(&d->tick_id, g_source_remove);
  d->tick_period = period;
  /* In whole seconds, so GLib can batch the wake-up with others. */
  if (period)
    d->tick_id = g_timeout_add_seconds((guint)MAX(period / DBK_USEC_PER_SEC, 1), on_tick, d);
}

static DbkTimerSettings timer_settings(DbkDaemon *d) {
  DbkTimerSettings settings = {
      .interval = d->config->interval,
      .break_length = d->config->break_length,
      .natural_break = d->config->natural_break,
      .remind_again = d->config->remind_again,
      .wait_for_pause = d->config->wait_for_pause,
  };
  /* Without idle detection no pause in typing can be seen: a reminder
   * would only ever wait the longest. */
  if (!d->idle || g_strcmp0(dbk_idle_picker_name(d->idle), "none") == 0)
    settings.wait_for_pause = 0;
  return settings;
}

/* Where the rotation continues: the next stretch that is not the last one shown. */
static guint upcoming_index(DbkDaemon *d) {
  return (guint)dbk_rotation_next((const char *const *)d->config->stretches, d->rotation_pos,
                                  d->last_stretch_id);
}

/* The stretch the next reminder suggests. The config only lets known ids
 * into the rotation; the fallback is a safety net. */
static const DbkStretch *upcoming_stretch(DbkDaemon *d) {
  const DbkStretch *stretch =
      dbk_config_find_stretch(d->config, d->config->stretches[upcoming_index(d)]);
  return stretch ? stretch : dbk_stretch_find("bruegger");
}

/* ---- carrying out the engine's effects ---- */

static void arm_timer(DbkDaemon *d) {
  DbkUsec deadline = dbk_engine_next_deadline(&d->engine);
  struct itimerspec spec = {0};
  if (deadline != DBK_USEC_INFINITY) {
    /* The timer runs on CLOCK_BOOTTIME itself. */
    deadline = deadline > DBK_CLOCK_OFFSET ? deadline - DBK_CLOCK_OFFSET : 0;
    spec.it_value.tv_sec = (time_t)(deadline / DBK_USEC_PER_SEC);
    spec.it_value.tv_nsec = (long)(deadline % DBK_USEC_PER_SEC) * 1000;
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0)
      spec.it_value.tv_nsec = 1; /* zero would disarm it */
  }
  if (timerfd_settime(d->timer_fd, TFD_TIMER_ABSTIME, &spec, NULL) < 0)
    g_warning("Cannot arm the timer: %s", g_strerror(errno));
}

/* Puts the due reminder on screen, unless do-not-disturb holds it back;
 * on_dnd_changed() shows it when that ends. */
static void present_reminder(DbkDaemon *d) {
  unsigned times_shown = d->engine.times_shown;
  const char *why = NULL;
  /* mako tells nothing of its modes changing: ask it now. Not reported as
   * a change, since this decides on the reminder itself. */
  if (d->config->respect_dnd)
    dbk_notifier_recheck_dnd(d->notifier, FALSE);
  if (d->config->respect_dnd && dbk_notifier_dnd(d->notifier, &why)) {
    if (!d->held)
      g_message("Reminder held while the desktop is in do-not-disturb (%s)", why);
    d->held = TRUE;
    return;
  }
  d->held = FALSE;
  DbkUrgency urgency = times_shown > 1 ? DBK_URGENCY_CRITICAL : d->config->urgency;
  g_message("Reminder: %s (shown %u time%s)", d->due_stretch->title, times_shown,
            times_shown == 1 ? "" : "s");
  dbk_notifier_show(d->notifier, d->due_stretch, times_shown, urgency, d->config->snooze);
  /* Out of settle() the transition is saved already; in it, the signal
   * waits until it is (emit_signals). */
  if (!d->in_settle)
    dbk_daemon1_emit_reminder_shown(d->service, d->due_stretch->id, times_shown);
}

/* Goes on from where the last deskbreakd stopped (persist.c). */
static void restore(DbkDaemon *d) {
  g_auto(DbkSavedState) state;
  dbk_persist_load(&d->persist, &state);
  d->rotation_pos = state.rotation_pos % g_strv_length(d->config->stretches);
  d->last_stretch_id = g_steal_pointer(&state.last_stretch);

  DbkEffects fx = {0};
  dbk_persist_restore(&d->persist, &d->engine, &state, dbk_now(), &fx);
  if (d->engine.due) {
    const DbkStretch *stretch =
        state.due_stretch ? dbk_config_find_stretch(d->config, state.due_stretch) : NULL;
    d->due_stretch = dbk_stretch_dup(stretch ? stretch : upcoming_stretch(d));
    dbk_notifier_adopt(d->notifier, state.notification_id);
  }
  gboolean shown = FALSE;
  for (unsigned i = 0; i < fx.n; i++)
    shown |= fx.items[i].type == DBK_EFFECT_SHOW_REMINDER;
  settle(d, &fx);
  /* The reminder that was up when the last deskbreakd stopped. */
  if (d->engine.due && !shown)
    present_reminder(d);
}

static void show_reminder(DbkDaemon *d, unsigned times_shown) {
  if (times_shown <= 1 || !d->due_stretch) {
    guint i = upcoming_index(d);
    dbk_stretch_free(d->due_stretch);
    d->due_stretch = dbk_stretch_dup(upcoming_stretch(d));
    d->rotation_pos = (i + 1) % g_strv_length(d->config->stretches);
    g_free(d->last_stretch_id);
    d->last_stretch_id = g_strdup(d->due_stretch->id);
    count(d, DBK_COUNT_REMINDER);
  }
  present_reminder(d);
}

static void apply_effects(DbkDaemon *d, const DbkEffects *effects) {
  for (unsigned i = 0; i < effects->n; i++) {
    const DbkEffect *effect = &effects->items[i];
    switch (effect->type) {
    case DBK_EFFECT_SHOW_REMINDER:
      show_reminder(d, effect->times_shown);
      break;
    case DBK_EFFECT_CLOSE_REMINDER:
      dbk_notifier_close(d->notifier);
      g_clear_pointer(&d->due_stretch, dbk_stretch_free);
      d->held = FALSE;
      break;
    case DBK_EFFECT_BREAK_TAKEN:
      /* The session that ended, up to when the user left it. */
      dbk_persist_credit_span(&d->persist, effect->sitting_end - effect->session_length,
                              effect->sitting_end);
      dbk_persist_count_break(&d->persist, effect->sitting_end, effect->how);
      g_message("Break taken (%s)", dbk_break_kind_to_string(effect->how));
      break;
    }
  }
}

/* What clients hear of the effects, once they are saved. */
static void emit_signals(DbkDaemon *d, const DbkEffects *effects) {
  for (unsigned i = 0; i < effects->n; i++) {
    const DbkEffect *effect = &effects->items[i];
    if (effect->type == DBK_EFFECT_SHOW_REMINDER && !d->held && d->due_stretch)
      dbk_daemon1_emit_reminder_shown(d->service, d->due_stretch->id, effect->times_shown);
    else if (effect->type == DBK_EFFECT_BREAK_TAKEN)
      dbk_daemon1_emit_break_taken(d->service, dbk_break_kind_to_string(effect->how));
  }
}

/* After every engine call: do what it says, save it, tell clients, re-arm. */
static void settle(DbkDaemon *d, const DbkEffects *effects) {
  d->in_settle = TRUE;
  apply_effects(d, effects);
  d->in_settle = FALSE;
  credit_sitting(d, dbk_now());
  persist(d, FALSE);
  emit_signals(d, effects);
  update_tick(d);
  /* The engine wants to hear of shorter pauses while a reminder waits for one. */
  if (d->idle)
    dbk_idle_picker_set_threshold(d->idle, dbk_engine_idle_threshold(&d->engine));
  publish(d);
  arm_timer(d);
}

static gboolean on_timer(int fd, GIOCondition condition, void *data) {
  DbkDaemon *d = data;
  uint64_t expirations;
  /* EAGAIN: re-armed between the wake-up and this read; nothing to drain. */
  if (read(fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
    g_warning("Cannot read the timer: %s", g_strerror(errno));
  DbkEffects fx = {0};
  dbk_engine_advance(&d->engine, dbk_now(), &fx);
  settle(d, &fx);
  return G_SOURCE_CONTINUE;
}

/* ---- idle source ---- */

static void on_idle(void *data, DbkUsec idle_since) {
  DbkDaemon *d = data;
  DbkEffects fx = {0};
  g_debug("Idle since %" G_GUINT64_FORMAT " (now %" G_GUINT64_FORMAT ")", idle_since, dbk_now());
  dbk_engine_idle(&d->engine, dbk_now(), idle_since, &fx);
  settle(d, &fx);
}

static void on_active(void *data) {
  DbkDaemon *d = data;
  DbkEffects fx = {0};
  g_debug("Active");
  dbk_engine_activity(&d->engine, dbk_now(), &fx);
  settle(d, &fx);
}

static void log_idle_source(DbkDaemon *d) {
  const char *detail = dbk_idle_picker_detail(d->idle);
  g_message("Idle source: %s%s%s%s", dbk_idle_picker_name(d->idle),
            *detail ? " (passed over: " : "", detail, *detail ? ")" : "");
}

/* The picker moved to another source; the sitting session carries on. */
static void on_source_switched(void *data, const char *why) {
  DbkDaemon *d = data;
  g_message("Changing idle source: %s", why);
  log_idle_source(d);
  /* Gentle timing depends on having a source that sees pauses. */
  DbkTimerSettings settings = timer_settings(d);
  DbkEffects fx = {0};
  dbk_engine_set_settings(&d->engine, dbk_now(), &settings, &fx);
  settle(d, &fx);
}

static const DbkIdleListener idle_listener = {
    .idle = on_idle,
    .active = on_active,
    .lost = on_source_switched,
};

static void start_idle_source(DbkDaemon *d) {
  g_clear_pointer(&d->idle, dbk_idle_picker_free);
  DbkIdleContext ctx = {
      .session_bus = d->session_bus,
      .system_bus = d->system_bus,
      .threshold = dbk_engine_idle_threshold(&d->engine),
      .ignore_inhibitors = d->config->ignore_inhibitors,
  };
  const char *wanted =
      d->config->source == DBK_SOURCE_AUTO ? NULL : dbk_source_kind_to_string(d->config->source);
  d->idle = dbk_idle_picker_new(&ctx, wanted, &idle_listener, d);
  if (wanted && g_strcmp0(dbk_idle_picker_name(d->idle), wanted) != 0)
    g_warning("Idle source %s, as configured, does not work here (%s)", wanted,
              dbk_idle_picker_detail(d->idle));
  log_idle_source(d);
}

/* ---- lock, suspend, notification actions ---- */

static void on_locked(void *data, gboolean locked) {
  DbkDaemon *d = data;
  DbkEffects fx = {0};
  g_debug("Screen %s", locked ? "locked" : "unlocked");
  dbk_engine_lock(&d->engine, dbk_now(), locked, &fx);
  settle(d, &fx);
}

static void on_sleeping(void *data, gboolean sleeping) {
  DbkDaemon *d = data;
  DbkEffects fx = {0};
  g_debug("%s", sleeping ? "Going to sleep" : "Woke up");
  dbk_engine_sleep(&d->engine, dbk_now(), sleeping, &fx);
  settle(d, &fx);
}

static const DbkSessionListener session_listener = {
    .locked = on_locked,
    .sleeping = on_sleeping,
};

static void on_action(void *data, DbkAction action) {
  DbkDaemon *d = data;
  DbkEffects fx = {0};
  switch (action) {
  case DBK_ACTION_DONE:
    g_message("Done pressed");
    dbk_engine_take_break(&d->engine, dbk_now(), DBK_BREAK_ACTION, &fx);
    break;
  case DBK_ACTION_SNOOZE:
    g_message("Snooze pressed");
    count(d, DBK_COUNT_SNOOZE);
    dbk_engine_snooze(&d->engine, dbk_now(), d->config->snooze, &fx);
    break;
  case DBK_ACTION_SKIP:
    g_message("Skip pressed");
    if (dbk_engine_skip(&d->engine, dbk_now(), &fx))
      count(d, DBK_COUNT_SKIP);
    break;
  }
  settle(d, &fx);
}

static void on_server_appeared(void *data) {
  DbkDaemon *d = data;
  /* A reminder that could not be shown, or that the old server took with it. */
  if (d->engine.due && d->due_stretch)
    present_reminder(d);
}

static void on_dnd_changed(void *data, gboolean dnd) {
  DbkDaemon *d = data;
  const char *why = NULL;
  dbk_notifier_dnd(d->notifier, &why);
  g_message("Do-not-disturb %s%s%s%s", dnd ? "on" : "off", why ? " (" : "", why ? why : "",
            why ? ")" : "");
  if (!dnd && d->held && d->engine.due && d->due_stretch)
    present_reminder(d);
  publish(d);
}

static const DbkNotifierListener notifier_listener = {
    .action = on_action,
    .server_appeared = on_server_appeared,
    .dnd_changed = on_dnd_changed,
};

/* ---- config ---- */

/* The error goes into D-Bus strings, which must be UTF-8: the config code
 * quotes the file's text so that it is, and this makes sure. */
static void set_config_error(DbkDaemon *d, const char *message) {
  g_free(d->config_error);
  if (!message)
    message = "";
  if (g_utf8_validate(message, -1, NULL)) {
    d->config_error = g_strdup(message);
  } else {
    g_warning("A config message that is not UTF-8 (a bug): %s", message);
    d->config_error = g_utf8_make_valid(message, -1);
  }
}

static char *lookup_config_path(DbkDaemon *d, GPtrArray *warnings) {
  if (d->options.config_override)
    return g_strdup(d->options.config_override);
  return dbk_config_find_path(warnings);
}

/* A file with thousands of bad lines would put them all into every
 * GetStatus reply and log line: the first few stand for the rest, which
 * `deskbreak config check` lists. */
#define MESSAGES_SHOWN 10

static char *join_messages(GPtrArray *messages) {
  GString *joined = g_string_new(NULL);
  for (guint i = 0; i < MIN(messages->len, MESSAGES_SHOWN); i++)
    g_string_append_printf(joined, "%s%s", i ? "\n" : "", (const char *)messages->pdata[i]);
  if (messages->len > MESSAGES_SHOWN) {
    guint more = messages->len - MESSAGES_SHOWN;
    g_string_append_c(joined, '\n');
    g_string_append_printf(joined,
                           /* TRANSLATORS: after the first ten config errors; keep
                            * the command as it is. */
                           ngettext("… and %u more (deskbreak config check lists them all)",
                                    "… and %u more (deskbreak config check lists them all)", more),
                           more);
  }
  return g_string_free(joined, FALSE);
}

static void log_warnings(GPtrArray *warnings) {
  for (guint i = 0; i < MIN(warnings->len, MESSAGES_SHOWN); i++)
    g_message("%s", (const char *)warnings->pdata[i]);
  if (warnings->len > MESSAGES_SHOWN)
    g_message("… and %u more warnings (deskbreak config check lists them all)",
              warnings->len - MESSAGES_SHOWN);
}

/* Takes `config` and `path`; applies them to the session in progress. */
static void apply_config(DbkDaemon *d, DbkConfig *config, char *path) {
  gboolean new_source = config->source != d->config->source ||
                        config->ignore_inhibitors != d->config->ignore_inhibitors;
  dbk_config_free(d->config);
  d->config = config;
  g_free(d->config_path);
  d->config_path = path;
  d->rotation_pos %= g_strv_length(d->config->stretches);

  if (new_source && d->tracking)
    start_idle_source(d);
  DbkTimerSettings settings = timer_settings(d);
  DbkEffects fx = {0};
  dbk_engine_set_settings(&d->engine, dbk_now(), &settings, &fx);
  settle(d, &fx);
  if (d->held && !config->respect_dnd && d->engine.due && d->due_stretch)
    present_reminder(d);
}

static gboolean reload(DbkDaemon *d, GError **error) {
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *path = lookup_config_path(d, warnings);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(DbkConfig) config = dbk_config_load(path, errors, warnings, &local_error);

  log_warnings(warnings);
  if (!config || errors->len > 0) {
    g_autofree char *message = local_error ? g_strdup(local_error->message) : join_messages(errors);
    g_warning("Config not reloaded, the last good one stays in force: %s", message);
    set_config_error(d, message);
    publish(d);
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, d->config_error);
    return FALSE;
  }

  gboolean changed = !dbk_config_equal(config, d->config) || g_strcmp0(path, d->config_path) != 0;
  set_config_error(d, "");
  if (changed)
    g_message("Config reloaded from %s", path ? path : "built-in defaults");
  apply_config(d, g_steal_pointer(&config), g_steal_pointer(&path));
  return TRUE;
}

static void on_config_changed(void *data) {
  reload(data, NULL);
}

/* At start-up a bad key falls back to its default; the rest is taken. */
static void init_config(DbkDaemon *d) {
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
  d->config_path = lookup_config_path(d, warnings);
  g_autoptr(GError) error = NULL;

  d->config = dbk_config_load(d->config_path, errors, warnings, &error);
  log_warnings(warnings);
  if (!d->config) {
    g_warning("%s; running on the built-in defaults", error->message);
    set_config_error(d, error->message);
    d->config = dbk_config_new_default();
  } else if (errors->len > 0) {
    g_autofree char *message = join_messages(errors);
    g_warning("%s; the default stands in for each bad key", message);
    set_config_error(d, message);
  } else {
    set_config_error(d, "");
  }
  g_message("Config: %s", d->config_path ? d->config_path : "built-in defaults");
}

/* ---- D-Bus name, signals, watchdog ---- */

/*
 * Picks up where the last deskbreakd left off and starts watching input:
 * only once the name is ours, so a deskbreakd refused it (or replacing
 * another) never reads files the other one is still writing.
 */
static void start_tracking(DbkDaemon *d) {
  d->tracking = TRUE;
  d->persist.owner = TRUE;
  restore(d);
  start_idle_source(d);
  DbkTimerSettings settings = timer_settings(d);
  DbkEffects fx = {0};
  dbk_engine_set_settings(&d->engine, dbk_now(), &settings, &fx);
  settle(d, &fx);
}

static void on_name_acquired(GDBusConnection *connection, const char *name, void *data) {
  DbkDaemon *d = data;
  d->name_owned = TRUE;
  if (!d->tracking)
    start_tracking(d);
  g_message("Ready on the session bus as %s", name);
  sd_notify(0, "READY=1\nSTATUS=Watching sitting time");
}

/*
 * The session bus closed under the daemon: the bus-daemon stopped or died.
 * The name went with the connection and nobody took it over, so the files
 * stay ours and dbk_daemon_run() saves the sitting time up to now, as on
 * SIGTERM.
 *
 * The exit status is 1, a failure. At logout a systemd user manager stops
 * deskbreak.service itself, with SIGTERM (exit 0); should the bus close
 * while that stop is under way, the quit that signal asked for stands. A
 * bus that dies while the session goes on is a failure: the unit's
 * Restart=on-failure then starts deskbreakd again on the new bus.
 */
static void session_bus_gone(DbkDaemon *d) {
  if (d->bus_gone)
    return;
  d->bus_gone = TRUE;
  if (d->quitting)
    return;
  g_warning("The session bus went away; %squitting",
            d->persist.owner ? "saving the sitting time and " : "");
  d->exit_code = 1;
  g_main_loop_quit(d->loop);
}

static void on_name_lost(GDBusConnection *connection, const char *name, void *data) {
  DbkDaemon *d = data;
  if (!connection || g_dbus_connection_is_closed(connection)) {
    /* Lost with the connection: no other deskbreakd has it. */
    session_bus_gone(d);
    return;
  }
  if (d->name_owned) {
    g_message("Another deskbreakd took over %s; quitting", name);
    d->exit_code = 0;
    d->replaced = TRUE; /* the state files are the new one's now */
    d->persist.owner = FALSE;
  } else {
    g_warning("Another deskbreakd already runs on this session bus as %s "
              "(deskbreakd --replace takes over)",
              name);
    d->exit_code = 1;
  }
  g_main_loop_quit(d->loop);
}

static gboolean on_reload_signal(void *data) {
  g_message("SIGHUP: reloading the config");
  reload(data, NULL);
  return G_SOURCE_CONTINUE;
}

static gboolean on_quit_signal(void *data) {
  DbkDaemon *d = data;
  g_message("Quitting");
  d->quitting = TRUE;
  g_main_loop_quit(d->loop);
  return G_SOURCE_CONTINUE;
}

/* ---- the API the D-Bus service calls ---- */

static GVariant *get_status(void *data) {
  DbkDaemon *d = data;
  /* A status call is the user asking: find out whether mako's do-not-disturb
   * mode began or ended since it was last asked (the end shows a held
   * reminder through on_dnd_changed()). */
  dbk_notifier_recheck_dnd(d->notifier, TRUE);
  DbkUsec now = dbk_now();
  const DbkEngine *e = &d->engine;
  credit_sitting(d, now);
  DbkDay counts = dbk_persist_today_counts(&d->persist);
  unsigned breaks = 0;
  for (unsigned k = 0; k < DBK_BREAK_KINDS; k++)
    breaks += counts.breaks[k];
  GVariantBuilder b;
  g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);

  const DbkStretch *stretch = d->due_stretch ? d->due_stretch : upcoming_stretch(d);
  const char *server = dbk_notifier_server_name(d->notifier);

  g_variant_builder_add(&b, "{sv}", "state",
                        g_variant_new_string(dbk_state_to_string(dbk_engine_state(e))));
  g_variant_builder_add(&b, "{sv}", "sitting_usec",
                        g_variant_new_uint64(dbk_engine_sitting(e, now)));
  g_variant_builder_add(&b, "{sv}", "sitting_since",
                        g_variant_new_int64(e->in_session ? dbk_to_unix(e->sitting_since) : 0));
  g_variant_builder_add(&b, "{sv}", "interval_usec", g_variant_new_uint64(d->config->interval));
  g_variant_builder_add(&b, "{sv}", "break_length_usec",
                        g_variant_new_uint64(d->config->break_length));
  g_variant_builder_add(&b, "{sv}", "natural_break_usec",
                        g_variant_new_uint64(d->config->natural_break));
  g_variant_builder_add(&b, "{sv}", "snooze_usec", g_variant_new_uint64(d->config->snooze));
  g_variant_builder_add(&b, "{sv}", "remind_again_usec",
                        g_variant_new_uint64(d->config->remind_again));
  g_variant_builder_add(&b, "{sv}", "next_reminder",
                        g_variant_new_int64(dbk_to_unix(dbk_engine_next_reminder(e))));
  g_variant_builder_add(&b, "{sv}", "snoozed_until",
                        g_variant_new_int64(dbk_to_unix(e->snoozed_until)));
  g_variant_builder_add(&b, "{sv}", "paused_until", g_variant_new_int64(paused_until(d)));
  g_variant_builder_add(&b, "{sv}", "idle_source",
                        g_variant_new_string(d->idle ? dbk_idle_picker_name(d->idle) : "none"));
  g_variant_builder_add(&b, "{sv}", "idle_source_detail",
                        g_variant_new_string(d->idle ? dbk_idle_picker_detail(d->idle) : ""));
  g_variant_builder_add(&b, "{sv}", "locked", g_variant_new_boolean(e->locked));
  g_autofree char *config_path = dbk_config_display(d->config_path ? d->config_path : "");
  g_variant_builder_add(&b, "{sv}", "config_path", g_variant_new_string(config_path));
  g_variant_builder_add(&b, "{sv}", "config_error", g_variant_new_string(d->config_error));
  g_variant_builder_add(&b, "{sv}", "notification_server",
                        g_variant_new_string(server ? server : ""));
  g_variant_builder_add(&b, "{sv}", "next_stretch", g_variant_new_string(stretch->id));
  g_variant_builder_add(&b, "{sv}", "next_stretch_title", g_variant_new_string(stretch->title));
  g_variant_builder_add(&b, "{sv}", "stretches",
                        g_variant_new_strv((const char *const *)d->config->stretches, -1));
  const char *dnd_why = NULL;
  gboolean dnd = dbk_notifier_dnd(d->notifier, &dnd_why);
  g_variant_builder_add(&b, "{sv}", "held", g_variant_new_boolean(d->held));
  g_variant_builder_add(&b, "{sv}", "held_reason",
                        g_variant_new_string(d->held && dnd_why ? dnd_why : ""));
  g_variant_builder_add(&b, "{sv}", "dnd", g_variant_new_boolean(dnd));
  g_variant_builder_add(&b, "{sv}", "times_shown",
                        g_variant_new_uint32(e->due ? e->times_shown : 0));
  g_variant_builder_add(&b, "{sv}", "breaks_today", g_variant_new_uint32(breaks));
  g_variant_builder_add(&b, "{sv}", "reminders_today", g_variant_new_uint32(counts.reminders));
  g_variant_builder_add(&b, "{sv}", "snoozes_today", g_variant_new_uint32(counts.snoozes));
  g_variant_builder_add(&b, "{sv}", "skips_today", g_variant_new_uint32(counts.skips));
  g_variant_builder_add(&b, "{sv}", "sitting_today_usec", g_variant_new_uint64(counts.sitting));
  g_variant_builder_add(&b, "{sv}", "longest_today_usec", g_variant_new_uint64(counts.longest));
  g_variant_builder_add(&b, "{sv}", "version", g_variant_new_string(PACKAGE_VERSION));
  return g_variant_builder_end(&b);
}

static GVariant *get_history(void *data, guint days) {
  DbkDaemon *d = data;
  credit_sitting(d, dbk_now());
  guint32 today = dbk_persist_today(&d->persist);
  GVariantBuilder list;
  g_variant_builder_init(&list, G_VARIANT_TYPE("aa{sv}"));
  for (guint i = days; i-- > 0;) {
    guint32 date = dbk_history_date_minus(today, i);
    const DbkDay *found = dbk_history_get(d->persist.history, date);
    DbkDay day = found ? *found : (DbkDay){.date = date};
    GVariantBuilder kinds;
    g_variant_builder_init(&kinds, G_VARIANT_TYPE("a{su}"));
    unsigned breaks = 0;
    for (unsigned k = 0; k < DBK_BREAK_KINDS; k++) {
      breaks += day.breaks[k];
      g_variant_builder_add(&kinds, "{su}", dbk_break_kind_to_string(k), day.breaks[k]);
    }
    g_autofree char *text =
        g_strdup_printf("%04u-%02u-%02u", date / 10000, date / 100 % 100, date % 100);
    GVariantBuilder b;
    g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&b, "{sv}", "date", g_variant_new_string(text));
    g_variant_builder_add(&b, "{sv}", "sitting_usec", g_variant_new_uint64(day.sitting));
    g_variant_builder_add(&b, "{sv}", "longest_usec", g_variant_new_uint64(day.longest));
    g_variant_builder_add(&b, "{sv}", "reminders", g_variant_new_uint32(day.reminders));
    g_variant_builder_add(&b, "{sv}", "breaks", g_variant_new_uint32(breaks));
    g_variant_builder_add(&b, "{sv}", "breaks_by_kind", g_variant_builder_end(&kinds));
    g_variant_builder_add(&b, "{sv}", "snoozes", g_variant_new_uint32(day.snoozes));
    g_variant_builder_add(&b, "{sv}", "skips", g_variant_new_uint32(day.skips));
    g_variant_builder_add_value(&list, g_variant_builder_end(&b));
  }
  return g_variant_builder_end(&list);
}

static const DbkConfig *get_config(void *data) {
  DbkDaemon *d = data;
  return d->config;
}

static gint64 snooze(void *data, DbkUsec duration) {
  DbkDaemon *d = data;
  DbkEffects fx = {0};
  count(d, DBK_COUNT_SNOOZE);
  DbkUsec until = dbk_engine_snooze(&d->engine, dbk_now(), duration, &fx);
  settle(d, &fx);
  return dbk_to_unix(until);
}

static void pause_reminders(void *data, DbkUsec duration) {
  DbkDaemon *d = data;
  DbkEffects fx = {0};
  dbk_engine_pause(&d->engine, dbk_now(), duration, &fx);
  settle(d, &fx);
}

static void resume(void *data) {
  DbkDaemon *d = data;
  DbkEffects fx = {0};
  dbk_engine_resume(&d->engine, dbk_now(), &fx);
  settle(d, &fx);
}

static void take_break(void *data) {
  DbkDaemon *d = data;
  DbkEffects fx = {0};
  dbk_engine_take_break(&d->engine, dbk_now(), DBK_BREAK_COMMAND, &fx);
  settle(d, &fx);
}

static gboolean reload_op(void *data, GError **error) {
  return reload(data, error);
}

static const DbkServiceOps service_ops = {
    .get_status = get_status,
    .get_history = get_history,
    .config = get_config,
    .snooze = snooze,
    .pause = pause_reminders,
    .resume = resume,
    .take_break = take_break,
    .reload = reload_op,
};

/* The daemon's state out as the service's properties. */
static void publish(DbkDaemon *d) {
  const DbkEngine *e = &d->engine;
  DbkServiceProps props = {
      .state = dbk_state_to_string(dbk_engine_state(e)),
      .sitting_since = e->in_session ? dbk_to_unix(e->sitting_since) : 0,
      .next_reminder = dbk_to_unix(dbk_engine_next_reminder(e)),
      .snoozed_until = dbk_to_unix(e->snoozed_until),
      .paused_until = paused_until(d),
      .interval = d->config->interval,
      .idle_source = d->idle ? dbk_idle_picker_name(d->idle) : "none",
      .config_error = d->config_error,
  };
  dbk_dbus_service_publish(d->service, &props);
}

/* ---- set-up and tear-down ---- */

static gboolean init_buses(DbkDaemon *d, GError **error) {
  g_autoptr(GError) local_error = NULL;
  d->session_bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &local_error);
  if (!d->session_bus) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                "Cannot connect to the session bus (%s). Run deskbreakd inside a desktop "
                "session, or in a private bus: dbus-run-session -- deskbreakd",
                local_error->message);
    return FALSE;
  }
  /* When the session ends, quit through the main loop (see
   * on_session_bus_closed) rather than be killed by GDBus. */
  g_dbus_connection_set_exit_on_close(d->session_bus, FALSE);
  g_clear_error(&local_error);
  d->system_bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &local_error);
  if (!d->system_bus)
    g_message("No system bus (%s): lock and suspend come from the session bus only",
              local_error->message);
  return TRUE;
}

static void on_session_bus_closed(GDBusConnection *connection, gboolean remote_peer_vanished,
                                  GError *error, void *data) {
  session_bus_gone(data);
}

static gboolean init_timer(DbkDaemon *d, GError **error) {
  d->timer_fd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC | TFD_NONBLOCK);
  if (d->timer_fd < 0) {
    int errsv = errno;
    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv), "Cannot create a timer: %s",
                g_strerror(errsv));
    return FALSE;
  }
  d->timer_watch_id = g_unix_fd_add(d->timer_fd, G_IO_IN, on_timer, d);
  return TRUE;
}

static void init_signals(DbkDaemon *d) {
  d->signal_ids[0] = g_unix_signal_add(SIGHUP, on_reload_signal, d);
  d->signal_ids[1] = g_unix_signal_add(SIGTERM, on_quit_signal, d);
  d->signal_ids[2] = g_unix_signal_add(SIGINT, on_quit_signal, d);
}

static void init_watchdog(DbkDaemon *d) {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
    return;
  /* Pinged every half of the limit, on the tick (update_tick). */
  d->watchdog_period = usec / 2;
}

static gboolean init_service(DbkDaemon *d, GError **error) {
  d->service = dbk_dbus_service_new(&service_ops, d);
  if (!g_dbus_interface_skeleton_export(G_DBUS_INTERFACE_SKELETON(d->service), d->session_bus,
                                        "/org/deskbreak/Daemon1", error))
    return FALSE;
  GBusNameOwnerFlags flags = G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT;
  if (d->options.replace)
    flags |= G_BUS_NAME_OWNER_FLAGS_REPLACE;
  d->name_id = g_bus_own_name_on_connection(d->session_bus, BUS_NAME, flags, on_name_acquired,
                                            on_name_lost, d, NULL);
  return TRUE;
}

gboolean dbk_daemon_init(DbkDaemon *d, const DbkDaemonOptions *options, GError **error) {
  *d = (DbkDaemon){.options = *options, .timer_fd = -1};
  d->loop = g_main_loop_new(NULL, FALSE);

  if (!init_buses(d, error))
    return FALSE;
  g_signal_connect(d->session_bus, "closed", G_CALLBACK(on_session_bus_closed), d);
  init_config(d);
  dbk_persist_init(&d->persist);
  DbkTimerSettings settings = timer_settings(d);
  dbk_engine_init(&d->engine, &settings);
  if (!init_timer(d, error))
    return FALSE;
  /* Exported before anything can emit on it. */
  if (!init_service(d, error))
    return FALSE;
  d->notifier = dbk_notifier_new(d->session_bus, &notifier_listener, d);
  d->session_watch = dbk_session_watch_new(d->session_bus, d->system_bus, &session_listener, d);
  d->config_watch = dbk_config_watch_new(options->config_override, on_config_changed, d);
  init_signals(d);
  init_watchdog(d);
  update_tick(d);
  publish(d);
  arm_timer(d);
  return TRUE;
}

int dbk_daemon_run(DbkDaemon *d) {
  g_main_loop_run(d->loop);
  sd_notify(0, "STOPPING=1");
  /* The session goes on after a restart: count it up to now. */
  if (!d->replaced) {
    credit_sitting(d, dbk_now());
    persist(d, TRUE);
  }
  return d->exit_code;
}

void dbk_daemon_finish(DbkDaemon *d) {
  for (unsigned i = 0; i < G_N_ELEMENTS(d->signal_ids); i++)
    g_clear_handle_id(&d->signal_ids[i], g_source_remove);
  g_clear_handle_id(&d->tick_id, g_source_remove);
  g_clear_pointer(&d->config_watch, dbk_config_watch_free);
  g_clear_pointer(&d->idle, dbk_idle_picker_free);
  g_clear_pointer(&d->session_watch, dbk_session_watch_free);
  if (d->notifier)
    dbk_notifier_close(d->notifier);
  g_clear_pointer(&d->notifier, dbk_notifier_free);
  g_clear_handle_id(&d->name_id, g_bus_unown_name);
  if (d->service)
    g_dbus_interface_skeleton_unexport(G_DBUS_INTERFACE_SKELETON(d->service));
  g_clear_object(&d->service);
  g_clear_handle_id(&d->timer_watch_id, g_source_remove);
  if (d->timer_fd >= 0)
    close(d->timer_fd);
  d->timer_fd = -1;
  if (d->session_bus) {
    g_signal_handlers_disconnect_by_data(d->session_bus, d);
    g_dbus_connection_flush_sync(d->session_bus, NULL, NULL);
  }
  g_clear_object(&d->system_bus);
  g_clear_object(&d->session_bus);
  g_clear_pointer(&d->config, dbk_config_free);
  g_clear_pointer(&d->config_path, g_free);
  g_clear_pointer(&d->config_error, g_free);
  g_clear_pointer(&d->due_stretch, dbk_stretch_free);
  g_clear_pointer(&d->last_stretch_id, g_free);
  dbk_persist_finish(&d->persist);
  g_clear_pointer(&d->loop, g_main_loop_unref);
}
