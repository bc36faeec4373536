/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `none` idle source: nothing here can tell when the user is away, so
 * every moment counts as sitting. Breaks then come only from the screen
 * lock, suspend, the notification's Done button and `deskbreak break`.
 */
#include "idle/source.h"

struct DbkIdleSource {
  DbkIdleListener listener;
  void *user_data;
  guint report_id; /* the one report, from the main loop */
};

static gboolean report_active(gpointer data) {
  DbkIdleSource *self = data;

  self->report_id = 0;
  self->listener.active(self->user_data);
  return G_SOURCE_REMOVE;
}

/* Always works: reports active() once, from the main loop, and never idle. */
static DbkIdleSource *none_new(const DbkIdleContext *ctx, const DbkIdleListener *listener,
                               void *user_data, GError **error) {
  DbkIdleSource *self = g_new0(DbkIdleSource, 1);

  self->listener = *listener;
  self->user_data = user_data;
  self->report_id = g_idle_add_full(G_PRIORITY_DEFAULT, report_active, self, NULL);
  return self;
}

/* Nothing to watch: the threshold changes nothing. */
static void none_set_threshold(DbkIdleSource *self, DbkUsec threshold) {
}

/* Drops the pending first report, if any; accepts NULL. */
static void none_free(DbkIdleSource *self) {
  if (self == NULL)
    return;
  g_clear_handle_id(&self->report_id, g_source_remove);
  g_free(self);
}

const DbkIdleSourceOps dbk_idle_source_none = {
    .name = "none",
    .new = none_new,
    .set_threshold = none_set_threshold,
    .free = none_free,
};
