/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Chooses the idle source and keeps the best one running (DESIGN §5): the
 * configured one, else the first that works in source=auto's order. When
 * the source in use stops working it falls back to the next; when a better
 * one may work again (its service reappears on the bus, its display
 * server's socket is created) it tries that one and switches back. The
 * sitting session is the daemon's and is not touched: the new source's
 * first report just tells the current state.
 */
#pragma once

#include "idle/source.h"

typedef struct DbkIdlePicker DbkIdlePicker;

/*
 * `wanted`: the configured source's name, or NULL for auto. `listener`'s
 * idle and active are forwarded from whichever source is in use; its lost
 * is called (with the reason) each time the picker switches sources, after
 * the switch, so the daemon can publish the new name.
 */
DbkIdlePicker *dbk_idle_picker_new(const DbkIdleContext *ctx, const char *wanted,
                                   const DbkIdleListener *listener, void *user_data);
void dbk_idle_picker_set_threshold(DbkIdlePicker *picker, DbkUsec threshold);
/* The source in use ("none" is always there as the last resort). */
const char *dbk_idle_picker_name(DbkIdlePicker *picker);
/* Why the better sources are not in use: "mutter: …; screensaver: …", or "". */
const char *dbk_idle_picker_detail(DbkIdlePicker *picker);
void dbk_idle_picker_free(DbkIdlePicker *picker);
