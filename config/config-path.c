/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config-path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"

#define CONFIG_TAIL "/deskbreak/deskbreak.conf"

static char *join(const char *dir, size_t dir_len) {
  size_t tail = strlen(CONFIG_TAIL);
  char *path = malloc(dir_len + tail + 1);
  if (!path)
    return NULL;
  memcpy(path, dir, dir_len);
  memcpy(path + dir_len, CONFIG_TAIL, tail + 1);
  return path;
}

const char *dbk_file_type_name(unsigned mode) {
  if (S_ISREG(mode))
    /* TRANSLATORS: this and the next ones say what is found where a config
     * file should be: "PATH: a directory, not a regular file: skipped". */
    return _("a regular file");
  if (S_ISDIR(mode))
    return _("a directory");
  if (S_ISFIFO(mode))
    return _("a FIFO");
  if (S_ISSOCK(mode))
    return _("a socket");
  if (S_ISCHR(mode))
    return _("a character device");
  if (S_ISBLK(mode))
    return _("a block device");
  return _("not a file");
}

/* Whether the lookup takes `path`; what exists there but is not a regular
 * file (a FIFO would block the reader) is passed over, and reported. */
static int takes(const char *path, DbkConfigPathSkipped skipped, void *user_data) {
  struct stat st;
  if (stat(path, &st) < 0)
    return 0;
  if (S_ISREG(st.st_mode))
    return 1;
  if (skipped)
    skipped(path, dbk_file_type_name(st.st_mode), user_data);
  return 0;
}

char *dbk_config_path_user(void) {
  const char *config_home = getenv("XDG_CONFIG_HOME");
  /* The base directory spec says relative values are to be ignored. */
  if (config_home && config_home[0] == '/')
    return join(config_home, strlen(config_home));

  const char *home = getenv("HOME");
  if (!home || home[0] != '/')
    return NULL;
  size_t len = strlen(home);
  char *dir = malloc(len + sizeof("/.config"));
  if (!dir)
    return NULL;
  memcpy(dir, home, len);
  memcpy(dir + len, "/.config", sizeof("/.config"));
  char *path = join(dir, strlen(dir));
  free(dir);
  return path;
}

char *dbk_config_path_lookup(void) {
  return dbk_config_path_lookup_report(NULL, NULL);
}

char *dbk_config_path_lookup_report(DbkConfigPathSkipped skipped, void *user_data) {
  char *user = dbk_config_path_user();
  if (user && takes(user, skipped, user_data))
    return user;
  free(user);

  const char *dirs = getenv("XDG_CONFIG_DIRS");
  if (!dirs || dirs[0] == '\0')
    dirs = "/etc/xdg";
  for (const char *p = dirs; *p;) {
    size_t len = strcspn(p, ":");
    if (len > 0 && p[0] == '/') {
      char *path = join(p, len);
      if (path && takes(path, skipped, user_data))
        return path;
      free(path);
    }
    p += len;
    if (*p == ':')
      p++;
  }
  return NULL;
}
