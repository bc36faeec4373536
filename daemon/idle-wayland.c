/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The `wayland` idle source: being written; until then it reports that it cannot work. */
#include "idle-source.h"

static DbkIdleSource *wayland_new(const DbkIdleContext *ctx, const DbkIdleListener *listener,
                                 void *user_data, GError **error) {
  g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not available yet");
  return NULL;
}

static void wayland_set_threshold(DbkIdleSource *source, DbkUsec threshold) {
}

static void wayland_free(DbkIdleSource *source) {
}

const DbkIdleSourceOps dbk_idle_source_wayland = {
    .name = "wayland",
    .new = wayland_new,
    .set_threshold = wayland_set_threshold,
    .free = wayland_free,
};
