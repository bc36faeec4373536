/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the logind idle source and the session watch both need from
 * systemd-logind (org.freedesktop.login1 on the system bus): which login
 * session is the user's desktop, and its clock.
 */
#pragma once

#include <gio/gio.h>

#include "engine.h"

#define DBK_LOGIND_BUS_NAME "org.freedesktop.login1"
#define DBK_LOGIND_MANAGER_PATH "/org/freedesktop/login1"
#define DBK_LOGIND_MANAGER_IFACE "org.freedesktop.login1.Manager"
#define DBK_LOGIND_SESSION_IFACE "org.freedesktop.login1.Session"

/*
 * The concrete object path (never …/session/auto, where logind emits no
 * signals) of this user's graphical login session, found in this order:
 *   1. the session this process belongs to (sd_pid_get_session);
 *   2. the user's display session (sd_uid_get_display), which is the one
 *      that counts for a systemd user service, outside every session;
 *   3. logind's Manager.GetSession("auto");
 *   4. Manager.ListSessions, sessions of our uid, best first: graphical
 *      (x11, wayland, mir) and active, then graphical, then active.
 * Every candidate must exist and belong to our uid. Blocks on a few short
 * D-Bus round trips. Returns NULL and sets `error` when there is none.
 */
char *dbk_logind_find_session(GDBusConnection *system_bus, GError **error);

/*
 * logind's *Monotonic times are CLOCK_MONOTONIC µs; the daemon's clock is
 * CLOCK_BOOTTIME. Converts `monotonic` given both clocks read now, keeping
 * its distance from now. The monotonic clock stops while suspended, so a
 * time from before a suspend comes out later by the time slept; the daemon
 * learns of the sleep itself from PrepareForSleep. 0 ("not known") and
 * times after now map to now. Never returns 0.
 */
DbkUsec dbk_logind_monotonic_to_boottime(uint64_t monotonic, uint64_t now_monotonic,
                                         DbkUsec now_boottime);

/* CLOCK_MONOTONIC now, µs, as logind's *Monotonic properties count. */
uint64_t dbk_logind_now_monotonic(void);
