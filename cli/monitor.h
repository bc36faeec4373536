/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `deskbreak monitor`: an sd-event loop that prints a status-bar line now,
 * at every PropertiesChanged of deskbreakd and at every minute of the
 * countdown in between, and says "off" while the daemon is gone.
 */
#pragma once

#include "format.h"

/*
 * Follows deskbreakd, printing lines in `format`, until SIGINT or SIGTERM,
 * stdout or the session bus goes away. Returns the exit code.
 */
int monitor_run(DbkMonitorFormat format);
