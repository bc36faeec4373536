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

/* $XDG_CONFIG_HOME/deskbreak/deskbreak.conf whether or not it exists; malloc()ed, NULL without a
 * home. */
char *dbk_config_path_user(void);
