/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The built-in stretch catalogue (DESIGN §6), in deskbreak's own words.
 * Plain C, no GLib: the CLI links it. The texts are English, as the
 * D-Bus API carries them; dbk_stretch_translated() gives them in the
 * reader's language.
 */
#pragma once

#include <stddef.h>

#define DBK_STRETCH_STEPS_MAX 3

typedef struct {
  const char *id;    /* short name used in the config: "bruegger" */
  const char *title; /* "Bruegger's relief position" */
  /* Two or three short steps, in order; unused ones NULL. */
  const char *steps[DBK_STRETCH_STEPS_MAX];
  const char *hold;   /* "Hold about 30 s, breathing slowly." */
  const char *safety; /* safety line, or NULL where it does not fit */
} DbkStretch;

/* All built-in stretches, in catalogue order. */
const DbkStretch *dbk_stretches_builtin(size_t *ret_n);
/* A built-in stretch by id, or NULL. */
const DbkStretch *dbk_stretch_find(const char *id);

/*
 * `stretch` in the language of the messages: a built-in stretch's texts
 * (known by its id, whoever sent them) through the catalog, the user's own
 * as written. The strings are the catalog's or `stretch`'s own.
 */
DbkStretch dbk_stretch_translated(const DbkStretch *stretch);

/* The default rotation, as the config file spells it. */
#define DBK_DEFAULT_STRETCHES "bruegger;doorway"

/*
 * The rotation: the index in `ids` (NULL-terminated, not empty) of the
 * stretch to suggest next, starting at `pos` and passing over `last` (the
 * one suggested last time) so the same stretch never comes twice in a row —
 * unless it is the only one. The caller continues at the result + 1.
 */
size_t dbk_rotation_next(const char *const *ids, size_t pos, const char *last);
