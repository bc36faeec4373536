/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * org.deskbreak.Daemon1 on the session bus: method calls into the daemon,
 * the daemon's state out as properties. The interface itself is generated
 * from org.deskbreak.Daemon1.xml.
 */
#include "daemon.h"

#include <systemd/sd-daemon.h>

#include "build-config.h"

static void return_out_of_range(GDBusMethodInvocation *invocation, const char *what, DbkUsec value,
                                DbkUsec min, DbkUsec max, const char *zero) {
  char v[DBK_DURATION_BUF], lo[DBK_DURATION_BUF], hi[DBK_DURATION_BUF];
  dbk_duration_format(min, lo, sizeof(lo));
  dbk_duration_format(max, hi, sizeof(hi));
  if (value > DBK_DURATION_MAX)
    g_snprintf(v, sizeof(v), "%" G_GUINT64_FORMAT "µs", value);
  else
    dbk_duration_format(value, v, sizeof(v));
  g_dbus_method_invocation_return_error(invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                        "%s of %s is out of range: allowed %s .. %s (0 = %s)", what,
                                        v, lo, hi, zero);
}

static gboolean handle_get_status(DbkDaemon1 *service, GDBusMethodInvocation *invocation,
                                  DbkDaemon *d) {
  dbk_daemon1_complete_get_status(service, invocation, dbk_daemon_get_status(d));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void add_stretch(GVariantBuilder *b, const DbkStretch *s) {
  const char *steps[DBK_STRETCH_STEPS_MAX + 1] = {0};
  for (unsigned i = 0, n = 0; i < DBK_STRETCH_STEPS_MAX; i++)
    if (s->steps[i])
      steps[n++] = s->steps[i];
  g_variant_builder_add(b, "(ss^asss)", s->id, s->title, steps, s->hold,
                        s->safety ? s->safety : "");
}

static gboolean handle_get_stretches(DbkDaemon1 *service, GDBusMethodInvocation *invocation,
                                     DbkDaemon *d) {
  GVariantBuilder b;
  g_variant_builder_init(&b, G_VARIANT_TYPE("a(ssasss)"));
  size_t n;
  const DbkStretch *builtin = dbk_stretches_builtin(&n);
  for (size_t i = 0; i < n; i++)
    add_stretch(&b, &builtin[i]);
  for (size_t i = 0; i < d->config->n_custom_stretches; i++)
    add_stretch(&b, &d->config->custom_stretches[i]);
  dbk_daemon1_complete_get_stretches(service, invocation, g_variant_builder_end(&b));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The most days GetHistory gives at once. */
#define HISTORY_DAYS_MAX 1000

static gboolean handle_get_history(DbkDaemon1 *service, GDBusMethodInvocation *invocation,
                                   guint days, DbkDaemon *d) {
  if (days < 1 || days > HISTORY_DAYS_MAX) {
    g_dbus_method_invocation_return_error(invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                          "GetHistory: %u days is out of range (1 to %u)", days,
                                          HISTORY_DAYS_MAX);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  dbk_daemon1_complete_get_history(service, invocation, dbk_daemon_get_history(d, days));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean handle_snooze(DbkDaemon1 *service, GDBusMethodInvocation *invocation, guint64 usec,
                              DbkDaemon *d) {
  if (usec == 0)
    usec = d->config->snooze;
  else if (usec < DBK_SNOOZE_MIN || usec > DBK_SNOOZE_MAX) {
    return_out_of_range(invocation, "A snooze", usec, DBK_SNOOZE_MIN, DBK_SNOOZE_MAX,
                        "the configured default");
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  DbkUsec until = dbk_daemon_snooze(d, usec);
  dbk_daemon1_complete_snooze(service, invocation, dbk_daemon_to_unix(until));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean handle_pause(DbkDaemon1 *service, GDBusMethodInvocation *invocation, guint64 usec,
                             DbkDaemon *d) {
  if (usec != 0 && (usec < DBK_PAUSE_MIN || usec > DBK_PAUSE_MAX)) {
    return_out_of_range(invocation, "A pause", usec, DBK_PAUSE_MIN, DBK_PAUSE_MAX, "until Resume");
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  dbk_daemon_pause(d, usec);
  dbk_daemon1_complete_pause(service, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean handle_resume(DbkDaemon1 *service, GDBusMethodInvocation *invocation,
                              DbkDaemon *d) {
  dbk_daemon_resume(d);
  dbk_daemon1_complete_resume(service, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean handle_take_break(DbkDaemon1 *service, GDBusMethodInvocation *invocation,
                                  DbkDaemon *d) {
  dbk_daemon_take_break(d, DBK_BREAK_COMMAND);
  dbk_daemon1_complete_take_break(service, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean handle_reload(DbkDaemon1 *service, GDBusMethodInvocation *invocation,
                              DbkDaemon *d) {
  g_autoptr(GError) error = NULL;
  if (!dbk_daemon_reload(d, &error))
    g_dbus_method_invocation_return_dbus_error(invocation, DBK_ERROR_INVALID_CONFIG,
                                               error->message);
  else
    dbk_daemon1_complete_reload(service, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

DbkDaemon1 *dbk_dbus_service_new(DbkDaemon *d) {
  DbkDaemon1 *service = dbk_daemon1_skeleton_new();
  g_signal_connect(service, "handle-get-status", G_CALLBACK(handle_get_status), d);
  g_signal_connect(service, "handle-get-stretches", G_CALLBACK(handle_get_stretches), d);
  g_signal_connect(service, "handle-get-history", G_CALLBACK(handle_get_history), d);
  g_signal_connect(service, "handle-snooze", G_CALLBACK(handle_snooze), d);
  g_signal_connect(service, "handle-pause", G_CALLBACK(handle_pause), d);
  g_signal_connect(service, "handle-resume", G_CALLBACK(handle_resume), d);
  g_signal_connect(service, "handle-take-break", G_CALLBACK(handle_take_break), d);
  g_signal_connect(service, "handle-reload", G_CALLBACK(handle_reload), d);
  dbk_daemon1_set_version(service, PACKAGE_VERSION);
  return service;
}

/* The skeleton sends PropertiesChanged only for values that changed. */
void dbk_dbus_service_publish(DbkDaemon *d) {
  const DbkEngine *e = &d->engine;
  DbkDaemon1 *service = d->service;
  if (!service)
    return;

  const char *state = dbk_state_to_string(dbk_engine_state(e));
  if (g_strcmp0(dbk_daemon1_get_state(service), state) != 0) {
    g_debug("State: %s", state);
    sd_notifyf(0, "STATUS=%s", state);
  }
  dbk_daemon1_set_state(service, state);
  dbk_daemon1_set_sitting_since(service, e->in_session ? dbk_daemon_to_unix(e->sitting_since) : 0);
  dbk_daemon1_set_next_reminder(service, dbk_daemon_to_unix(dbk_engine_next_reminder(e)));
  dbk_daemon1_set_snoozed_until(service, dbk_daemon_to_unix(e->snoozed_until));
  dbk_daemon1_set_paused_until(service, dbk_daemon_paused_until(d));
  dbk_daemon1_set_interval(service, d->config->interval);
  dbk_daemon1_set_idle_source(service, d->idle ? dbk_idle_picker_name(d->idle) : "none");
  dbk_daemon1_set_config_error(service, d->config_error);
}
