/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "read-file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool fail(DbkReadError *ret_error, DbkReadError error) {
  *ret_error = error;
  return false;
}

static bool fail_errno(DbkReadError *ret_error, bool opening) {
  return fail(ret_error,
              (DbkReadError){.what = DBK_READ_FAILED, .errsv = errno, .opening = opening});
}

/* Whether what is at `st` cannot be read as a regular file of at most
 * `max` bytes; `ret_error` says why. */
static bool refuse(const struct stat *st, size_t max, DbkReadError *ret_error) {
  if (S_ISLNK(st->st_mode))
    *ret_error = (DbkReadError){.what = DBK_READ_SYMLINK};
  else if (!S_ISREG(st->st_mode))
    *ret_error = (DbkReadError){.what = DBK_READ_NOT_REGULAR, .mode = st->st_mode};
  else if ((unsigned long long)st->st_size > max)
    *ret_error = (DbkReadError){.what = DBK_READ_TOO_LARGE, .size = st->st_size};
  else
    return false;
  return true;
}

bool dbk_read_regular_file(const char *path, size_t max, bool follow_links, char **ret_data,
                           size_t *ret_len, DbkReadError *ret_error) {
  struct stat st;
  if ((follow_links ? stat(path, &st) : lstat(path, &st)) < 0)
    return fail_errno(ret_error, true);
  if (refuse(&st, max, ret_error))
    return false;

  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (follow_links ? 0 : O_NOFOLLOW);
  int fd = open(path, flags);
  if (fd < 0) {
    /* Replaced by a link since the lstat(). */
    if (errno == ELOOP && !follow_links)
      return fail(ret_error, (DbkReadError){.what = DBK_READ_SYMLINK});
    return fail_errno(ret_error, true);
  }
  char *data = NULL;
  size_t len = 0;
  if (fstat(fd, &st) < 0) {
    fail_errno(ret_error, true);
    goto fail;
  }
  if (refuse(&st, max, ret_error))
    goto fail;
  /* The size is a hint: the file may grow as it is read (or say 0, as
   * some do). Never more than `max` bytes, and one more to tell. */
  size_t size = (size_t)st.st_size + 1;
  if (size < 4096)
    size = 4096 < max + 2 ? 4096 : max + 2;
  data = malloc(size);
  for (;;) {
    if (data && len + 1 == size) {
      size = size * 2 < max + 2 ? size * 2 : max + 2;
      char *more = realloc(data, size);
      if (!more)
        free(data);
      data = more;
    }
    if (!data) {
      fail(ret_error, (DbkReadError){.what = DBK_READ_FAILED, .errsv = ENOMEM});
      goto fail;
    }
    ssize_t n = read(fd, data + len, size - len - 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      fail_errno(ret_error, false);
      goto fail;
    }
    if (n == 0)
      break;
    len += (size_t)n;
    if (len > max) {
      fail(ret_error, (DbkReadError){.what = DBK_READ_TOO_LARGE, .size = (long long)len});
      goto fail;
    }
  }
  close(fd);
  data[len] = '\0';
  *ret_data = data;
  *ret_len = len;
  return true;

fail:
  free(data);
  close(fd);
  return false;
}
