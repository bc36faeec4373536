/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading a file of the user's whole, safely: only a regular file, never
 * waiting for a FIFO's writer nor reading a device that never ends, and
 * never more than a limit. Plain C: the config (read by the daemon and
 * `deskbreak config check` through it) and the state files share it; each
 * words its own messages from a DbkReadError.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  DBK_READ_FAILED,      /* a call failed: errsv, while opening or reading */
  DBK_READ_SYMLINK,     /* a symbolic link, and links were not to be followed */
  DBK_READ_NOT_REGULAR, /* mode is what is there instead */
  DBK_READ_TOO_LARGE,   /* at least size bytes, more than allowed */
} DbkReadFailure;

typedef struct {
  DbkReadFailure what;
  int errsv;     /* DBK_READ_FAILED */
  bool opening;  /* DBK_READ_FAILED: while finding or opening it, not reading */
  unsigned mode; /* DBK_READ_NOT_REGULAR: a stat() st_mode */
  long long size;
} DbkReadError;

/*
 * Reads `path` whole into a malloc()ed buffer with a NUL after its `len`
 * bytes, if it is a regular file of at most `max` bytes. It is checked
 * before opening (opening some devices does something) and again on what
 * was opened. With `follow_links` false a symbolic link is refused, not
 * followed. Returns false with `ret_error` filled in otherwise.
 */
bool dbk_read_regular_file(const char *path, size_t max, bool follow_links, char **ret_data,
                           size_t *ret_len, DbkReadError *ret_error);
