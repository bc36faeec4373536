/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "dbus-service.h"

#include <glib/gi18n.h>
#include <systemd/sd-daemon.h>

#include "build-config.h"
#include "duration.h"
#include "stretches.h"

/* The daemon behind the skeleton's handlers. */
typedef struct {
  const DbkServiceOps *ops;
  void *data;
} Target;

/*
 * The messages of InvalidArgs are for a person (deskbreak prints them):
 * in the daemon's language, the durations as the config file writes them.
 */
typedef enum {
  RANGE_SNOOZE,
  RANGE_PAUSE,
} RangeKind;

static void return_out_of_range(GDBusMethodInvocation *invocation, RangeKind kind, DbkUsec value,
                                DbkUsec min, DbkUsec max) {
  char v[DBK_DURATION_BUF], lo[DBK_DURATION_BUF], hi[DBK_DURATION_BUF];
  dbk_duration_format(min, lo, sizeof(lo));
  dbk_duration_format(max, hi, sizeof(hi));
  if (value > DBK_DURATION_MAX)
    g_snprintf(v, sizeof(v), "%" G_GUINT64_FORMAT "µs", value);
  else
    dbk_duration_format_usec(value, v, sizeof(v)); /* the value given, to the µs */
  if (kind == RANGE_SNOOZE)
    g_dbus_method_invocation_return_error(
        invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
        /* TRANSLATORS: the durations are written as in the config file ("30s",
         * "1m", "24h"): the one asked for, then the shortest and the longest. */
        _("A snooze of %s is out of range: allowed %s .. %s (0 = the configured default)"), v, lo,
        hi);
  else
    g_dbus_method_invocation_return_error(
        invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
        /* TRANSLATORS: the durations are written as in the config file
         * ("500ms", "1s", "168h"): the one asked for, then the shortest and
         * the longest. */
        _("A pause of %s is out of range: allowed %s .. %s (0 = until Resume)"), v, lo, hi);
}

static gboolean handle_get_status(DbkDaemon1 *service, GDBusMethodInvocation *invocation,
                                  Target *t) {
  dbk_daemon1_complete_get_status(service, invocation, t->ops->get_status(t->data));
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
                                     Target *t) {
  GVariantBuilder b;
  g_variant_builder_init(&b, G_VARIANT_TYPE("a(ssasss)"));
  size_t n;
  const DbkStretch *builtin = dbk_stretches_builtin(&n);
  for (size_t i = 0; i < n; i++)
    add_stretch(&b, &builtin[i]);
  const DbkConfig *config = t->ops->config(t->data);
  for (size_t i = 0; i < config->n_custom_stretches; i++)
    add_stretch(&b, &config->custom_stretches[i]);
  dbk_daemon1_complete_get_stretches(service, invocation, g_variant_builder_end(&b));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The most days GetHistory gives at once. */
#define HISTORY_DAYS_MAX 1000

static gboolean handle_get_history(DbkDaemon1 *service, GDBusMethodInvocation *invocation,
                                   guint days, Target *t) {
  if (days < 1 || days > HISTORY_DAYS_MAX) {
    g_dbus_method_invocation_return_error(invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                          ngettext("GetHistory: %u day is out of range (1 to %u)",
                                                   "GetHistory: %u days is out of range (1 to %u)",
                                                   days),
                                          days, HISTORY_DAYS_MAX);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  dbk_daemon1_complete_get_history(service, invocation, t->ops->get_history(t->data, days));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean handle_snooze(DbkDaemon1 *service, GDBusMethodInvocation *invocation, guint64 usec,
                              Target *t) {
  if (usec == 0)
    usec = t->ops->config(t->data)->snooze;
  else if (usec < DBK_SNOOZE_MIN || usec > DBK_SNOOZE_MAX) {
    return_out_of_range(invocation, RANGE_SNOOZE, usec, DBK_SNOOZE_MIN, DBK_SNOOZE_MAX);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  dbk_daemon1_complete_snooze(service, invocation, t->ops->snooze(t->data, usec));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean handle_pause(DbkDaemon1 *service, GDBusMethodInvocation *invocation, guint64 usec,
                             Target *t) {
  if (usec != 0 && (usec < DBK_PAUSE_MIN || usec > DBK_PAUSE_MAX)) {
    return_out_of_range(invocation, RANGE_PAUSE, usec, DBK_PAUSE_MIN, DBK_PAUSE_MAX);
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  }
  t->ops->pause(t->data, usec);
  dbk_daemon1_complete_pause(service, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean handle_resume(DbkDaemon1 *service, GDBusMethodInvocation *invocation, Target *t) {
  t->ops->resume(t->data);
  dbk_daemon1_complete_resume(service, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean handle_take_break(DbkDaemon1 *service, GDBusMethodInvocation *invocation,
                                  Target *t) {
  t->ops->take_break(t->data);
  dbk_daemon1_complete_take_break(service, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean handle_reload(DbkDaemon1 *service, GDBusMethodInvocation *invocation, Target *t) {
  g_autoptr(GError) error = NULL;
  if (!t->ops->reload(t->data, &error))
    g_dbus_method_invocation_return_dbus_error(invocation, DBK_ERROR_INVALID_CONFIG,
                                               error->message);
  else
    dbk_daemon1_complete_reload(service, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

DbkDaemon1 *dbk_dbus_service_new(const DbkServiceOps *ops, void *data) {
  DbkDaemon1 *service = dbk_daemon1_skeleton_new();
  Target *t = g_new(Target, 1);
  *t = (Target){.ops = ops, .data = data};
  g_object_set_data_full(G_OBJECT(service), "deskbreak-target", t, g_free);
  g_signal_connect(service, "handle-get-status", G_CALLBACK(handle_get_status), t);
  g_signal_connect(service, "handle-get-stretches", G_CALLBACK(handle_get_stretches), t);
  g_signal_connect(service, "handle-get-history", G_CALLBACK(handle_get_history), t);
  g_signal_connect(service, "handle-snooze", G_CALLBACK(handle_snooze), t);
  g_signal_connect(service, "handle-pause", G_CALLBACK(handle_pause), t);
  g_signal_connect(service, "handle-resume", G_CALLBACK(handle_resume), t);
  g_signal_connect(service, "handle-take-break", G_CALLBACK(handle_take_break), t);
  g_signal_connect(service, "handle-reload", G_CALLBACK(handle_reload), t);
  dbk_daemon1_set_version(service, PACKAGE_VERSION);
  return service;
}

/* The skeleton sends PropertiesChanged only for values that changed. */
void dbk_dbus_service_publish(DbkDaemon1 *service, const DbkServiceProps *props) {
  if (!service)
    return;
  if (g_strcmp0(dbk_daemon1_get_state(service), props->state) != 0) {
    g_debug("State: %s", props->state);
    sd_notifyf(0, "STATUS=%s", props->state);
  }
  dbk_daemon1_set_state(service, props->state);
  dbk_daemon1_set_sitting_since(service, props->sitting_since);
  dbk_daemon1_set_next_reminder(service, props->next_reminder);
  dbk_daemon1_set_snoozed_until(service, props->snoozed_until);
  dbk_daemon1_set_paused_until(service, props->paused_until);
  dbk_daemon1_set_interval(service, props->interval);
  dbk_daemon1_set_idle_source(service, props->idle_source);
  dbk_daemon1_set_config_error(service, props->config_error);
}
