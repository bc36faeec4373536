/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where the config file is looked up (DESIGN §2). Plain C, no GLib: the
 * CLI's `deskbreak config path` and the daemon share it.
 */
#pragma once

/*
 * The first existing regular file of $XDG_CONFIG_HOME/deskbreak/deskbreak.conf
 * (default ~/.config) and each $XDG_CONFIG_DIRS/deskbreak/deskbreak.conf
 * (default /etc/xdg); NULL when none exists: the built-in defaults apply.
 * Returns a malloc()ed string.
 */
char *dbk_config_path_lookup(void);

/*
 * Called for a place of the lookup where something exists that is not a
 * regular file (a FIFO, a directory…), which the lookup passes over: its
 * path and what it is, as dbk_file_type_name() names it.
 */
typedef void (*DbkConfigPathSkipped)(const char *path, const char *what, void *user_data);

/* dbk_config_path_lookup(), telling `skipped` (optional) what it passes over. */
char *dbk_config_path_lookup_report(DbkConfigPathSkipped skipped, void *user_data);

/* A stat() st_mode's file type for a message, translated: "a FIFO", "a directory"… */
const char *dbk_file_type_name(unsigned mode);

/* $XDG_CONFIG_HOME/deskbreak/deskbreak.conf whether or not it exists; malloc()ed, NULL without a
 * home. */
char *dbk_config_path_user(void);
