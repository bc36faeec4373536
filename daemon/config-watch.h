/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Notices when the config file may have changed: it watches the directories
 * the file can live in (editors replace files rather than write them, so a
 * watch on the file alone would be lost) and calls back once a burst of
 * events has settled. A directory that goes away (removed, replaced by a
 * file) is waited for in its parent, and watched again when it comes back.
 */
#pragma once

#include <gio/gio.h>

typedef struct DbkConfigWatch DbkConfigWatch;

typedef void (*DbkConfigWatchFunc)(void *user_data);

/*
 * `override`: the --config path, or NULL to watch every place of the
 * lookup (the user's config directory is created so it can be watched).
 */
DbkConfigWatch *dbk_config_watch_new(const char *override, DbkConfigWatchFunc changed,
                                     void *user_data);
void dbk_config_watch_free(DbkConfigWatch *watch);
