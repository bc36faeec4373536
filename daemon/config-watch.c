/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config-watch.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "config.h"

/* Long enough to cover an editor's write-rename-chmod burst. */
#define SETTLE_MS 150

/*
 * A directory the config file may live in. While it is a directory, it is
 * watched; while it is not (removed, replaced by a file), its parent is
 * watched for it to come back. Either way the watch is inotify's, through
 * GIO: GLib would poll for a directory that is missing, so no monitor is
 * ever left on one.
 */
typedef struct {
  DbkConfigWatch *watch;
  char *dir;
  GFile *dir_file;
  char *name;   /* the directory's name in its parent */
  char *parent; /* NULL for "/" */
  GFileMonitor *monitor;
  gboolean on_parent; /* `monitor` watches `parent`, waiting for `dir` */
  gboolean rearm;     /* `dir` went away or came back: set the watch anew */
} WatchedDir;

struct DbkConfigWatch {
  GPtrArray *dirs; /* WatchedDir */
  char *basename;
  guint settle_id;
  DbkConfigWatchFunc changed;
  void *user_data;
};

static void arm(WatchedDir *wd);

static gboolean settled(void *data) {
  DbkConfigWatch *watch = data;
  watch->settle_id = 0;
  /* Before the reload, so that nothing written into a directory that came
   * back is missed: what came before the watch, the reload reads. */
  for (guint i = 0; i < watch->dirs->len; i++) {
    WatchedDir *wd = watch->dirs->pdata[i];
    if (wd->rearm)
      arm(wd);
  }
  watch->changed(watch->user_data);
  return G_SOURCE_REMOVE;
}

static void schedule(DbkConfigWatch *watch) {
  g_clear_handle_id(&watch->settle_id, g_source_remove);
  watch->settle_id = g_timeout_add(SETTLE_MS, settled, watch);
}

static gboolean has_name(GFile *file, const char *name) {
  if (!file)
    return FALSE;
  g_autofree char *basename = g_file_get_basename(file);
  return g_strcmp0(basename, name) == 0;
}

static gboolean ignored(GFileMonitorEvent event) {
  return event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED ||
         event == G_FILE_MONITOR_EVENT_PRE_UNMOUNT;
}

static void on_dir_changed(GFileMonitor *monitor, GFile *file, GFile *other_file,
                           GFileMonitorEvent event, void *data) {
  WatchedDir *wd = data;
  if (ignored(event))
    return;
  if (g_file_equal(file, wd->dir_file)) {
    /* The directory itself was removed or moved away: its parent is
     * watched from now on (at the settled moment). */
    if (event == G_FILE_MONITOR_EVENT_DELETED || event == G_FILE_MONITOR_EVENT_MOVED_OUT ||
        event == G_FILE_MONITOR_EVENT_RENAMED || event == G_FILE_MONITOR_EVENT_UNMOUNTED) {
      wd->rearm = TRUE;
      schedule(wd->watch);
    }
    return;
  }
  if (has_name(file, wd->watch->basename) || has_name(other_file, wd->watch->basename))
    schedule(wd->watch);
}

static void on_parent_changed(GFileMonitor *monitor, GFile *file, GFile *other_file,
                              GFileMonitorEvent event, void *data) {
  WatchedDir *wd = data;
  if (ignored(event))
    return;
  if (has_name(file, wd->name) || has_name(other_file, wd->name)) {
    wd->rearm = TRUE;
    schedule(wd->watch);
  }
}

static void disarm(WatchedDir *wd) {
  if (!wd->monitor)
    return;
  g_signal_handlers_disconnect_by_data(wd->monitor, wd);
  g_file_monitor_cancel(wd->monitor);
  g_clear_object(&wd->monitor);
}

static GFileMonitor *monitor_dir(WatchedDir *wd, const char *dir, GCallback on_changed) {
  g_autoptr(GFile) file = g_file_new_for_path(dir);
  g_autoptr(GError) error = NULL;
  GFileMonitor *monitor = g_file_monitor_directory(file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (!monitor) {
    g_message("Cannot watch %s for config changes: %s, ignoring", dir, error->message);
    return NULL;
  }
  g_signal_connect(monitor, "changed", on_changed, wd);
  return monitor;
}

/* Watches the directory, or else its parent; a few tries in case it comes
 * or goes meanwhile. */
static void arm(WatchedDir *wd) {
  wd->rearm = FALSE;
  for (int tries = 0; tries < 3; tries++) {
    disarm(wd);
    if (g_file_test(wd->dir, G_FILE_TEST_IS_DIR)) {
      wd->on_parent = FALSE;
      wd->monitor = monitor_dir(wd, wd->dir, G_CALLBACK(on_dir_changed));
      if (!wd->monitor || g_file_test(wd->dir, G_FILE_TEST_IS_DIR))
        return;
    } else if (wd->parent && g_file_test(wd->parent, G_FILE_TEST_IS_DIR)) {
      g_debug("%s is not a directory; watching %s for it", wd->dir, wd->parent);
      wd->on_parent = TRUE;
      wd->monitor = monitor_dir(wd, wd->parent, G_CALLBACK(on_parent_changed));
      if (!wd->monitor || !g_file_test(wd->dir, G_FILE_TEST_IS_DIR))
        return;
    } else {
      g_message("Neither %s nor its parent is a directory: a config there is read only at "
                "the next reload",
                wd->dir);
      return;
    }
  }
}

static void watch_dir(DbkConfigWatch *watch, const char *dir) {
  WatchedDir *wd = g_new0(WatchedDir, 1);
  wd->watch = watch;
  wd->dir = g_strdup(dir);
  wd->dir_file = g_file_new_for_path(dir);
  wd->name = g_path_get_basename(dir);
  g_autoptr(GFile) parent = g_file_get_parent(wd->dir_file);
  wd->parent = parent ? g_file_get_path(parent) : NULL;
  g_ptr_array_add(watch->dirs, wd);
  arm(wd);
}

static void watched_dir_free(void *data) {
  WatchedDir *wd = data;
  disarm(wd);
  g_object_unref(wd->dir_file);
  g_free(wd->dir);
  g_free(wd->name);
  g_free(wd->parent);
  g_free(wd);
}

DbkConfigWatch *dbk_config_watch_new(const char *override, DbkConfigWatchFunc changed,
                                     void *user_data) {
  DbkConfigWatch *watch = g_new0(DbkConfigWatch, 1);
  watch->dirs = g_ptr_array_new_with_free_func(watched_dir_free);
  watch->changed = changed;
  watch->user_data = user_data;

  if (override) {
    g_autofree char *dir = g_path_get_dirname(override);
    watch->basename = g_path_get_basename(override);
    watch_dir(watch, dir);
    return watch;
  }

  watch->basename = g_strdup("deskbreak.conf");
  /* Created so that the file has a place to appear that is watched
   * directly, not through its parent. */
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
  g_ptr_array_unref(watch->dirs);
  g_free(watch->basename);
  g_free(watch);
}
