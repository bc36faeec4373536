/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config-watch.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "config.h"

/* Long enough to cover an editor's write-rename-chmod burst. */
#define SETTLE_MS 150

struct DbkConfigWatch {
  GPtrArray *monitors; /* GFileMonitor, one per directory */
  char *basename;
  guint settle_id;
  DbkConfigWatchFunc changed;
  void *user_data;
};

static gboolean settled(void *data) {
  DbkConfigWatch *watch = data;
  watch->settle_id = 0;
  watch->changed(watch->user_data);
  return G_SOURCE_REMOVE;
}

static gboolean names_config(DbkConfigWatch *watch, GFile *file) {
  if (!file)
    return FALSE;
  g_autofree char *name = g_file_get_basename(file);
  return g_strcmp0(name, watch->basename) == 0;
}

static void on_dir_changed(GFileMonitor *monitor, GFile *file, GFile *other_file,
                           GFileMonitorEvent event, void *data) {
  DbkConfigWatch *watch = data;
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED || event == G_FILE_MONITOR_EVENT_PRE_UNMOUNT)
    return;
  if (!names_config(watch, file) && !names_config(watch, other_file))
    return;
  g_clear_handle_id(&watch->settle_id, g_source_remove);
  watch->settle_id = g_timeout_add(SETTLE_MS, settled, watch);
}

static void watch_dir(DbkConfigWatch *watch, const char *dir) {
  g_autoptr(GFile) file = g_file_new_for_path(dir);
  g_autoptr(GError) error = NULL;
  GFileMonitor *monitor = g_file_monitor_directory(file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (!monitor) {
    g_message("Cannot watch %s for config changes: %s, ignoring", dir, error->message);
    return;
  }
  g_signal_connect(monitor, "changed", G_CALLBACK(on_dir_changed), watch);
  g_ptr_array_add(watch->monitors, monitor);
}

DbkConfigWatch *dbk_config_watch_new(const char *override, DbkConfigWatchFunc changed,
                                     void *user_data) {
  DbkConfigWatch *watch = g_new0(DbkConfigWatch, 1);
  watch->monitors = g_ptr_array_new_with_free_func(g_object_unref);
  watch->changed = changed;
  watch->user_data = user_data;

  if (override) {
    g_autofree char *dir = g_path_get_dirname(override);
    watch->basename = g_path_get_basename(override);
    watch_dir(watch, dir);
    return watch;
  }

  watch->basename = g_strdup("deskbreak.conf");
  /* Watching a directory that does not exist would make GLib poll for it;
   * creating the user's one is cheaper and is where the file belongs. */
  g_autofree char *user_dir = g_build_filename(g_get_user_config_dir(), "deskbreak", NULL);
  if (g_mkdir_with_parents(user_dir, 0700) < 0)
    g_message("Cannot create %s: %s, ignoring", user_dir, g_strerror(errno));
  watch_dir(watch, user_dir);
  for (const char *const *d = g_get_system_config_dirs(); *d; d++) {
    g_autofree char *dir = g_build_filename(*d, "deskbreak", NULL);
    if (g_file_test(dir, G_FILE_TEST_IS_DIR))
      watch_dir(watch, dir);
  }
  return watch;
}

void dbk_config_watch_free(DbkConfigWatch *watch) {
  if (!watch)
    return;
  g_clear_handle_id(&watch->settle_id, g_source_remove);
  for (guint i = 0; i < watch->monitors->len; i++) {
    GFileMonitor *monitor = watch->monitors->pdata[i];
    g_signal_handlers_disconnect_by_data(monitor, watch);
    g_file_monitor_cancel(monitor);
  }
  g_ptr_array_unref(watch->monitors);
  g_free(watch->basename);
  g_free(watch);
}
