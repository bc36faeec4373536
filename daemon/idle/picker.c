/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "idle/picker.h"

#include <string.h>

/* A service or socket that has just appeared may not answer yet: retry a
 * few times, further apart each time, then wait for the next appearance. */
#define RETRY_FIRST_MS 300
#define RETRY_TRIES 5

/* Watches one better-ranked source for signs that it may work again. */
typedef struct {
  DbkIdlePicker *picker;
  guint session_name_id;
  guint system_name_id;
  GFileMonitor *monitor;
  char *socket_name;
} Watch;

struct DbkIdlePicker {
  DbkIdleContext ctx;
  DbkIdleListener listener;
  void *user_data;

  GPtrArray *ranked; /* const DbkIdleSourceOps*: the wanted one first, then auto order */
  GPtrArray *reasons; /* char*, parallel to ranked: why it does not work, or NULL */
  GPtrArray *watches; /* Watch*, parallel to ranked; only for those better than current */
  guint current;      /* index into ranked of the source in use */
  DbkIdleSource *source;
  char *detail;

  guint lost_id;
  char *lost_why;
  guint retry_id;
  unsigned retry_tries;
  guint retry_delay_ms;
};

static const DbkIdleSourceOps *ranked_ops(DbkIdlePicker *p, guint i) {
  return p->ranked->pdata[i];
}

/* ---- forwarding from the source in use ---- */

static gboolean handle_lost(void *data);

static void on_idle(void *data, DbkUsec idle_since) {
  DbkIdlePicker *p = data;
  p->listener.idle(p->user_data, idle_since);
}

static void on_active(void *data) {
  DbkIdlePicker *p = data;
  p->listener.active(p->user_data);
}

static void on_lost(void *data, const char *why) {
  DbkIdlePicker *p = data;
  g_free(p->lost_why);
  p->lost_why = g_strdup_printf("%s: %s", ranked_ops(p, p->current)->name, why);
  /* The source is in the middle of its own callback: switch from the loop. */
  if (!p->lost_id)
    p->lost_id = g_idle_add(handle_lost, p);
}

static const DbkIdleListener forward = {
    .idle = on_idle,
    .active = on_active,
    .lost = on_lost,
};

/* ---- starting sources ---- */

static DbkIdleSource *try_start(DbkIdlePicker *p, guint i) {
  const DbkIdleSourceOps *ops = ranked_ops(p, i);
  g_autoptr(GError) error = NULL;
  /* clang-format would take the `new` member for C++'s operator. */
  /* clang-format off */
  DbkIdleSource *source = ops->new(&p->ctx, &forward, p, &error);
  /* clang-format on */
  g_free(p->reasons->pdata[i]);
  p->reasons->pdata[i] = source ? NULL : g_strdup(error ? error->message : "unavailable");
  return source;
}

static void update_detail(DbkIdlePicker *p) {
  g_autoptr(GString) detail = g_string_new(NULL);
  for (guint i = 0; i < p->current; i++) {
    const char *reason = p->reasons->pdata[i];
    g_string_append_printf(detail, "%s%s: %s", detail->len ? "; " : "", ranked_ops(p, i)->name,
                           reason ? reason : "unavailable");
  }
  g_free(p->detail);
  p->detail = g_string_free(g_steal_pointer(&detail), FALSE);
}

/* ---- noticing that a better source may work again ---- */

static void schedule_retry(DbkIdlePicker *p);

/* Also called when the watch starts and the name is already there: it may
 * have come back between the failed start and the watch; the retries are
 * few and bounded if the source fails for another reason. */
static void on_name_appeared(GDBusConnection *bus, const char *name, const char *owner,
                             void *data) {
  Watch *w = data;
  g_debug("%s is on the bus", name);
  schedule_retry(w->picker);
}

static void on_socket_dir_changed(GFileMonitor *monitor, GFile *file, GFile *other_file,
                                  GFileMonitorEvent event, void *data) {
  Watch *w = data;
  if (event != G_FILE_MONITOR_EVENT_CREATED && event != G_FILE_MONITOR_EVENT_MOVED_IN)
    return;
  g_autofree char *name = g_file_get_basename(file);
  if (g_strcmp0(name, w->socket_name) != 0)
    return;
  g_debug("%s was created", name);
  schedule_retry(w->picker);
}

static void watch_free(Watch *w) {
  if (!w)
    return;
  g_clear_handle_id(&w->session_name_id, g_bus_unwatch_name);
  g_clear_handle_id(&w->system_name_id, g_bus_unwatch_name);
  if (w->monitor) {
    g_signal_handlers_disconnect_by_data(w->monitor, w);
    g_file_monitor_cancel(w->monitor);
    g_clear_object(&w->monitor);
  }
  g_free(w->socket_name);
  g_free(w);
}

static Watch *watch_new(DbkIdlePicker *p, const DbkIdleSourceOps *ops) {
  Watch *w = g_new0(Watch, 1);
  w->picker = p;
  if (ops->session_bus_name && p->ctx.session_bus)
    w->session_name_id = g_bus_watch_name_on_connection(
        p->ctx.session_bus, ops->session_bus_name, G_BUS_NAME_WATCHER_FLAGS_NONE, on_name_appeared,
        NULL, w, NULL);
  if (ops->system_bus_name && p->ctx.system_bus)
    w->system_name_id = g_bus_watch_name_on_connection(
        p->ctx.system_bus, ops->system_bus_name, G_BUS_NAME_WATCHER_FLAGS_NONE, on_name_appeared,
        NULL, w, NULL);

  char *path = ops->socket_path ? ops->socket_path() : NULL;
  if (path) {
    g_autofree char *dir = g_path_get_dirname(path);
    /* A directory that is not there would be polled for: skip it. */
    if (g_file_test(dir, G_FILE_TEST_IS_DIR)) {
      g_autoptr(GFile) file = g_file_new_for_path(dir);
      w->monitor = g_file_monitor_directory(file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
      if (w->monitor) {
        w->socket_name = g_path_get_basename(path);
        g_signal_connect(w->monitor, "changed", G_CALLBACK(on_socket_dir_changed), w);
      }
    }
    free(path);
  }
  return w;
}

/* Watches exactly the sources ranked above the one in use. */
static void update_watches(DbkIdlePicker *p) {
  for (guint i = 0; i < p->ranked->len; i++) {
    Watch *w = p->watches->pdata[i];
    if (i < p->current && !w)
      p->watches->pdata[i] = watch_new(p, ranked_ops(p, i));
    else if (i >= p->current && w) {
      watch_free(w);
      p->watches->pdata[i] = NULL;
    }
  }
}

/* ---- switching ---- */

static void use(DbkIdlePicker *p, guint i, DbkIdleSource *source) {
  if (p->source)
    ranked_ops(p, p->current)->free(p->source);
  p->source = source;
  p->current = i;
  update_detail(p);
  update_watches(p);
}

/* The best source that works, trying from the top. `none` always does. */
static void pick(DbkIdlePicker *p) {
  if (p->source) {
    ranked_ops(p, p->current)->free(p->source);
    p->source = NULL;
  }
  for (guint i = 0; i < p->ranked->len; i++) {
    DbkIdleSource *source = try_start(p, i);
    if (source) {
      use(p, i, source);
      return;
    }
  }
  /* Only a build without `none` could get here. */
  p->current = p->ranked->len - 1;
  update_detail(p);
  update_watches(p);
}

static gboolean handle_lost(void *data) {
  DbkIdlePicker *p = data;
  p->lost_id = 0;
  pick(p);
  p->listener.lost(p->user_data, p->lost_why);
  return G_SOURCE_REMOVE;
}

static gboolean retry_better(void *data) {
  DbkIdlePicker *p = data;
  p->retry_id = 0;
  for (guint i = 0; i < p->current; i++) {
    DbkIdleSource *source = try_start(p, i);
    if (source) {
      g_autofree char *why = g_strdup_printf("%s works again", ranked_ops(p, i)->name);
      use(p, i, source);
      p->listener.lost(p->user_data, why);
      return G_SOURCE_REMOVE;
    }
  }
  update_detail(p);
  if (++p->retry_tries < RETRY_TRIES) {
    p->retry_delay_ms *= 2;
    p->retry_id = g_timeout_add(p->retry_delay_ms, retry_better, p);
  }
  return G_SOURCE_REMOVE;
}

static void schedule_retry(DbkIdlePicker *p) {
  g_clear_handle_id(&p->retry_id, g_source_remove);
  p->retry_tries = 0;
  p->retry_delay_ms = RETRY_FIRST_MS;
  p->retry_id = g_timeout_add(p->retry_delay_ms, retry_better, p);
}

/* ---- the public side ---- */

DbkIdlePicker *dbk_idle_picker_new(const DbkIdleContext *ctx, const char *wanted,
                                   const DbkIdleListener *listener, void *user_data) {
  DbkIdlePicker *p = g_new0(DbkIdlePicker, 1);
  p->ctx = *ctx;
  if (p->ctx.session_bus)
    g_object_ref(p->ctx.session_bus);
  if (p->ctx.system_bus)
    g_object_ref(p->ctx.system_bus);
  p->listener = *listener;
  p->user_data = user_data;
  p->ranked = g_ptr_array_new();
  p->reasons = g_ptr_array_new_with_free_func(g_free);
  p->watches = g_ptr_array_new_with_free_func((GDestroyNotify)watch_free);

  const DbkIdleSourceOps *wanted_ops = wanted ? dbk_idle_source_find(wanted) : NULL;
  if (wanted_ops)
    g_ptr_array_add(p->ranked, (void *)wanted_ops);
  size_t n;
  const DbkIdleSourceOps *const *all = dbk_idle_sources(&n);
  for (size_t i = 0; i < n; i++)
    if (all[i] != wanted_ops)
      g_ptr_array_add(p->ranked, (void *)all[i]);
  g_ptr_array_set_size(p->reasons, p->ranked->len);
  g_ptr_array_set_size(p->watches, p->ranked->len);

  pick(p);
  if (wanted && !wanted_ops) {
    /* A valid name this build lacks (wayland, x11 without their libraries). */
    g_autofree char *detail = g_strdup_printf("%s: not built into this deskbreakd%s%s", wanted,
                                              *p->detail ? "; " : "", p->detail);
    g_free(p->detail);
    p->detail = g_steal_pointer(&detail);
  }
  return p;
}

void dbk_idle_picker_set_threshold(DbkIdlePicker *p, DbkUsec threshold) {
  /* Called after every event: only a change is worth a round trip. */
  if (threshold == p->ctx.threshold)
    return;
  p->ctx.threshold = threshold;
  if (p->source)
    ranked_ops(p, p->current)->set_threshold(p->source, threshold);
}

const char *dbk_idle_picker_name(DbkIdlePicker *p) {
  return p->source ? ranked_ops(p, p->current)->name : "none";
}

const char *dbk_idle_picker_detail(DbkIdlePicker *p) {
  return p->detail ? p->detail : "";
}

void dbk_idle_picker_free(DbkIdlePicker *p) {
  if (!p)
    return;
  g_clear_handle_id(&p->lost_id, g_source_remove);
  g_clear_handle_id(&p->retry_id, g_source_remove);
  if (p->source)
    ranked_ops(p, p->current)->free(p->source);
  g_ptr_array_unref(p->watches);
  g_ptr_array_unref(p->reasons);
  g_ptr_array_unref(p->ranked);
  g_clear_object(&p->ctx.session_bus);
  g_clear_object(&p->ctx.system_bus);
  g_free(p->detail);
  g_free(p->lost_why);
  g_free(p);
}
