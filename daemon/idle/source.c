/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The registry of idle sources: which ones this deskbreakd was built with,
 * in the order source=auto tries them (DESIGN §5). A source whose library
 * is optional is compiled only when meson found it, so its #if lives here
 * and nowhere else.
 */
#include "idle/source.h"

#include "build-config.h"

#include <string.h>
#include <time.h>

static const DbkIdleSourceOps *const sources[] = {
    /* Event-driven ones first: no polling, exact times. */
    &dbk_idle_source_mutter,
#if HAVE_WAYLAND
    &dbk_idle_source_wayland,
#endif
    &dbk_idle_source_screensaver,
#if HAVE_X11
    &dbk_idle_source_x11,
#endif
    /* Coarse: logind only learns of idleness from the desktop, if at all. */
    &dbk_idle_source_logind,
    /* Always works: every moment counts as sitting. */
    &dbk_idle_source_none,
};

const DbkIdleSourceOps *const *dbk_idle_sources(size_t *ret_n) {
  if (ret_n != NULL)
    *ret_n = G_N_ELEMENTS(sources);
  return sources;
}

const DbkIdleSourceOps *dbk_idle_source_find(const char *name) {
  if (name == NULL)
    return NULL;
  for (size_t i = 0; i < G_N_ELEMENTS(sources); i++)
    if (strcmp(sources[i]->name, name) == 0)
      return sources[i];
  return NULL;
}

DbkUsec dbk_now(void) {
  struct timespec ts;

  /* BOOTTIME keeps counting through suspend: time asleep is time away. */
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return DBK_CLOCK_OFFSET + (DbkUsec)ts.tv_sec * DBK_USEC_PER_SEC + (DbkUsec)ts.tv_nsec / 1000;
}

void dbk_idle_reporter_init(DbkIdleReporter *reporter, const DbkIdleListener *listener,
                            void *user_data) {
  reporter->listener = *listener;
  reporter->user_data = user_data;
  reporter->reported = DBK_REPORTED_NOTHING;
}

void dbk_idle_reporter_idle(DbkIdleReporter *reporter, DbkUsec since) {
  if (reporter->reported == DBK_REPORTED_IDLE)
    return;
  reporter->reported = DBK_REPORTED_IDLE;
  reporter->listener.idle(reporter->user_data, since);
}

void dbk_idle_reporter_active(DbkIdleReporter *reporter) {
  if (reporter->reported == DBK_REPORTED_ACTIVE)
    return;
  reporter->reported = DBK_REPORTED_ACTIVE;
  reporter->listener.active(reporter->user_data);
}

void dbk_idle_reporter_lost(DbkIdleReporter *reporter, const char *why) {
  reporter->listener.lost(reporter->user_data, why);
}
