/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The `x11` idle source: being written; until then it reports that it cannot work. */
#include "idle-source.h"

static DbkIdleSource *x11_new(const DbkIdleContext *ctx, const DbkIdleListener *listener,
                                 void *user_data, GError **error) {
  g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not available yet");
  return NULL;
}

static void x11_set_threshold(DbkIdleSource *source, DbkUsec threshold) {
}

static void x11_free(DbkIdleSource *source) {
}

const DbkIdleSourceOps dbk_idle_source_x11 = {
    .name = "x11",
    .new = x11_new,
    .set_threshold = x11_set_threshold,
    .free = x11_free,
};
