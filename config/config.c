/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "i18n.h"
#include "read-file.h"
#include "stretches.h"

#define SEC UINT64_C(1000000)

#define DEFAULT_INTERVAL (30 * 60 * SEC)
#define DEFAULT_BREAK_LENGTH (30 * SEC)
#define DEFAULT_NATURAL_BREAK (5 * 60 * SEC)
#define DEFAULT_SNOOZE (10 * 60 * SEC)
#define DEFAULT_REMIND_AGAIN (5 * 60 * SEC)
#define DEFAULT_WAIT_FOR_PAUSE (2 * SEC)

/* Every key the file may hold, so that anything else gets a warning. */
static const struct {
  const char *group;
  const char *const keys[8];
} known_keys[] = {
    {"timer",
     {"interval", "break-length", "natural-break", "snooze", "remind-again", "wait-for-pause",
      NULL}},
    {"notify", {"stretches", "urgency", "respect-dnd", NULL}},
    {"idle", {"source", "inhibitors", NULL}},
};

/* [stretch:ID]: the user's own stretches. */
#define STRETCH_GROUP_PREFIX "stretch:"
static const char *const stretch_keys[] = {"title", "steps", "hold", "safety", NULL};

/* The [timer] durations: where each goes and what it may be. */
typedef struct {
  const char *key;
  size_t offset;
  uint64_t min, max;
  const char *zero_means; /* what 0 stands for, N_(), or NULL when 0 is not allowed */
} DurationKey;

static const DurationKey duration_keys[] = {
    {"interval", G_STRUCT_OFFSET(DbkConfig, interval), DBK_INTERVAL_MIN, DBK_INTERVAL_MAX, NULL},
    {"break-length", G_STRUCT_OFFSET(DbkConfig, break_length), DBK_BREAK_LENGTH_MIN,
     DBK_BREAK_LENGTH_MAX, NULL},
    {"natural-break", G_STRUCT_OFFSET(DbkConfig, natural_break), DBK_NATURAL_BREAK_MIN,
     DBK_NATURAL_BREAK_MAX, NULL},
    {"snooze", G_STRUCT_OFFSET(DbkConfig, snooze), DBK_SNOOZE_MIN, DBK_SNOOZE_MAX, NULL},
    {"remind-again", G_STRUCT_OFFSET(DbkConfig, remind_again), DBK_REMIND_AGAIN_MIN,
     /* TRANSLATORS: what 0 means for remind-again, in "0 (never) or 1m .. 24h". */
     DBK_REMIND_AGAIN_MAX, N_("never")},
    {"wait-for-pause", G_STRUCT_OFFSET(DbkConfig, wait_for_pause), DBK_WAIT_FOR_PAUSE_MIN,
     /* TRANSLATORS: what 0 means for wait-for-pause, in "0 (at once) or 1s .. 30s". */
     DBK_WAIT_FOR_PAUSE_MAX_SETTING, N_("at once")},
};

static const char *const source_names[] = {
    [DBK_SOURCE_AUTO] = "auto",       [DBK_SOURCE_MUTTER] = "mutter",
    [DBK_SOURCE_WAYLAND] = "wayland", [DBK_SOURCE_SCREENSAVER] = "screensaver",
    [DBK_SOURCE_X11] = "x11",         [DBK_SOURCE_LOGIND] = "logind",
    [DBK_SOURCE_NONE] = "none",
};

static const char *const urgency_names[] = {
    [DBK_URGENCY_LOW] = "low",
    [DBK_URGENCY_NORMAL] = "normal",
    [DBK_URGENCY_CRITICAL] = "critical",
};

DbkConfig *dbk_config_new_default(void) {
  DbkConfig *config = g_new0(DbkConfig, 1);
  config->interval = DEFAULT_INTERVAL;
  config->break_length = DEFAULT_BREAK_LENGTH;
  config->natural_break = DEFAULT_NATURAL_BREAK;
  config->snooze = DEFAULT_SNOOZE;
  config->remind_again = DEFAULT_REMIND_AGAIN;
  config->wait_for_pause = DEFAULT_WAIT_FOR_PAUSE;
  config->stretches = g_strsplit(DBK_DEFAULT_STRETCHES, ";", -1);
  config->urgency = DBK_URGENCY_NORMAL;
  config->respect_dnd = TRUE;
  config->source = DBK_SOURCE_AUTO;
  return config;
}

static void stretch_copy_into(DbkStretch *to, const DbkStretch *from) {
  to->id = g_strdup(from->id);
  to->title = g_strdup(from->title);
  for (unsigned i = 0; i < DBK_STRETCH_STEPS_MAX; i++)
    to->steps[i] = g_strdup(from->steps[i]);
  to->hold = g_strdup(from->hold);
  to->safety = g_strdup(from->safety);
}

/* The strings of a stretch this code allocated; const only for readers. */
static void stretch_clear(DbkStretch *s) {
  g_free((char *)s->id);
  g_free((char *)s->title);
  for (unsigned i = 0; i < DBK_STRETCH_STEPS_MAX; i++)
    g_free((char *)s->steps[i]);
  g_free((char *)s->hold);
  g_free((char *)s->safety);
  memset(s, 0, sizeof(*s));
}

DbkStretch *dbk_stretch_dup(const DbkStretch *stretch) {
  DbkStretch *copy = g_new0(DbkStretch, 1);
  stretch_copy_into(copy, stretch);
  return copy;
}

void dbk_stretch_free(DbkStretch *stretch) {
  if (!stretch)
    return;
  stretch_clear(stretch);
  g_free(stretch);
}

static gboolean stretch_equal(const DbkStretch *a, const DbkStretch *b) {
  for (unsigned i = 0; i < DBK_STRETCH_STEPS_MAX; i++)
    if (g_strcmp0(a->steps[i], b->steps[i]) != 0)
      return FALSE;
  return g_strcmp0(a->id, b->id) == 0 && g_strcmp0(a->title, b->title) == 0 &&
         g_strcmp0(a->hold, b->hold) == 0 && g_strcmp0(a->safety, b->safety) == 0;
}

DbkConfig *dbk_config_copy(const DbkConfig *config) {
  DbkConfig *copy = g_memdup2(config, sizeof(*config));
  copy->stretches = g_strdupv(config->stretches);
  copy->custom_stretches = g_new0(DbkStretch, MAX(config->n_custom_stretches, 1));
  for (size_t i = 0; i < config->n_custom_stretches; i++)
    stretch_copy_into(&copy->custom_stretches[i], &config->custom_stretches[i]);
  return copy;
}

void dbk_config_free(DbkConfig *config) {
  if (!config)
    return;
  g_strfreev(config->stretches);
  for (size_t i = 0; i < config->n_custom_stretches; i++)
    stretch_clear(&config->custom_stretches[i]);
  g_free(config->custom_stretches);
  g_free(config);
}

const DbkStretch *dbk_config_find_stretch(const DbkConfig *config, const char *id) {
  for (size_t i = 0; i < config->n_custom_stretches; i++)
    if (g_strcmp0(config->custom_stretches[i].id, id) == 0)
      return &config->custom_stretches[i];
  return dbk_stretch_find(id);
}

gboolean dbk_config_equal(const DbkConfig *a, const DbkConfig *b) {
  if (a->n_custom_stretches != b->n_custom_stretches)
    return FALSE;
  for (size_t i = 0; i < a->n_custom_stretches; i++)
    if (!stretch_equal(&a->custom_stretches[i], &b->custom_stretches[i]))
      return FALSE;
  return a->interval == b->interval && a->break_length == b->break_length &&
         a->natural_break == b->natural_break && a->snooze == b->snooze &&
         a->remind_again == b->remind_again && a->wait_for_pause == b->wait_for_pause &&
         a->urgency == b->urgency && a->respect_dnd == b->respect_dnd && a->source == b->source &&
         g_strv_equal((const char *const *)a->stretches, (const char *const *)b->stretches);
}

const char *dbk_source_kind_to_string(DbkSourceKind source) {
  if ((unsigned)source >= G_N_ELEMENTS(source_names))
    return "unknown";
  return source_names[source];
}

gboolean dbk_source_kind_from_string(const char *text, DbkSourceKind *ret_source) {
  for (unsigned i = 0; i < G_N_ELEMENTS(source_names); i++) {
    if (g_strcmp0(text, source_names[i]) == 0) {
      *ret_source = (DbkSourceKind)i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *dbk_urgency_to_string(DbkUrgency urgency) {
  if ((unsigned)urgency >= G_N_ELEMENTS(urgency_names))
    return "unknown";
  return urgency_names[urgency];
}

static gboolean urgency_from_string(const char *text, DbkUrgency *ret_urgency) {
  for (unsigned i = 0; i < G_N_ELEMENTS(urgency_names); i++) {
    if (g_strcmp0(text, urgency_names[i]) == 0) {
      *ret_urgency = (DbkUrgency)i;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean parse_boolean(const char *text, gboolean *ret_value) {
  if (g_strcmp0(text, "true") == 0)
    *ret_value = TRUE;
  else if (g_strcmp0(text, "false") == 0)
    *ret_value = FALSE;
  else
    return FALSE;
  return TRUE;
}

/* A message quotes at most this many characters of a group, key or value. */
#define QUOTE_MAX 64
/* GLib's message about a file it cannot parse quotes the line: it keeps
 * this many characters of its start and end. */
#define MESSAGE_HEAD 100
#define MESSAGE_TAIL 60

/* dbk_config_display(), up to `max` characters (an escape counts as one),
 * then "…" when there is more. */
static char *display(const char *text, size_t max) {
  const char *p = text, *stop = text + strlen(text);
  GString *out = g_string_sized_new(MIN((size_t)(stop - p), max * 4) + 8);
  for (size_t n = 0; p < stop && n < max; n++) {
    gunichar c = g_utf8_get_char_validated(p, stop - p);
    if (c == (gunichar)-1 || c == (gunichar)-2 || c < 0x20 || c == 0x7f) {
      g_string_append_printf(out, "\\x%02x", (guchar)*p++);
    } else {
      const char *next = g_utf8_next_char(p);
      g_string_append_len(out, p, next - p);
      p = next;
    }
  }
  if (p < stop)
    g_string_append(out, "…");
  return g_string_free(out, FALSE);
}

char *dbk_config_display(const char *text) {
  return display(text, G_MAXSIZE);
}

/* User text as a message quotes it: displayable and short. */
static char *quote(const char *text) {
  return display(text, QUOTE_MAX);
}

/* A message of GLib's, which may quote a whole line of the file:
 * displayable, and its middle left out when it is long. */
static char *shorten_message(const char *message) {
  g_autofree char *shown = dbk_config_display(message);
  glong length = g_utf8_strlen(shown, -1);
  if (length <= MESSAGE_HEAD + MESSAGE_TAIL + 1)
    return g_steal_pointer(&shown);
  const char *head_end = g_utf8_offset_to_pointer(shown, MESSAGE_HEAD);
  const char *tail = g_utf8_offset_to_pointer(shown, length - MESSAGE_TAIL);
  return g_strdup_printf("%.*s…%s", (int)(head_end - shown), shown, tail);
}

/* Messages name the file, the key and the value, then what is allowed.
 * Whatever comes from the file (group, key, value and any argument that
 * quotes it) is shown through quote(): valid UTF-8, and short. What is
 * allowed is in the language of the messages; file, keys and values are
 * as written. */
G_GNUC_PRINTF(6, 7)
static void add_problem(GPtrArray *list, const char *path, const char *group, const char *key,
                        const char *value, const char *format, ...) {
  if (!list)
    return;
  va_list args;
  va_start(args, format);
  g_autofree char *what = g_strdup_vprintf(format, args);
  va_end(args);
  g_autofree char *file = dbk_config_display(path);
  g_autofree char *g = quote(group);
  g_autofree char *k = key ? quote(key) : NULL;
  g_autofree char *v = value ? quote(value) : NULL;
  if (v)
    g_ptr_array_add(list, g_strdup_printf("%s: [%s] %s=%s: %s", file, g, k, v, what));
  else if (k)
    g_ptr_array_add(list, g_strdup_printf("%s: [%s] %s: %s", file, g, k, what));
  else
    g_ptr_array_add(list, g_strdup_printf("%s: [%s]: %s", file, g, what));
}

static gboolean is_known_key(unsigned group, const char *key) {
  for (const char *const *k = known_keys[group].keys; *k; k++)
    if (strcmp(*k, key) == 0)
      return TRUE;
  return FALSE;
}

static void warn_unknown(GKeyFile *file, const char *path, GPtrArray *warnings) {
  g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
  for (char **g = groups; *g; g++) {
    unsigned group = G_N_ELEMENTS(known_keys);
    for (unsigned i = 0; i < G_N_ELEMENTS(known_keys); i++)
      if (strcmp(known_keys[i].group, *g) == 0)
        group = i;
    if (g_str_has_prefix(*g, STRETCH_GROUP_PREFIX)) {
      g_auto(GStrv) keys = g_key_file_get_keys(file, *g, NULL, NULL);
      for (char **k = keys; k && *k; k++)
        if (!g_strv_contains(stretch_keys, *k))
          add_problem(warnings, path, *g, *k, NULL, "%s",
                      /* TRANSLATORS: keep the key names title, steps, hold and
                       * safety as they are. */
                      _("unknown key, ignoring (a stretch has title, steps, hold, safety)"));
      continue;
    }
    if (group == G_N_ELEMENTS(known_keys)) {
      add_problem(warnings, path, *g, NULL, NULL, "%s", _("unknown group, ignoring"));
      continue;
    }
    g_auto(GStrv) keys = g_key_file_get_keys(file, *g, NULL, NULL);
    for (char **k = keys; k && *k; k++)
      if (!is_known_key(group, *k))
        add_problem(warnings, path, *g, *k, NULL, "%s", _("unknown key, ignoring"));
  }
}

/*
 * The text of a key, trimmed; NULL when absent. A value that is not UTF-8
 * is an error for its key (added to `errors`): NULL as well, with
 * `ret_bad` (optional) set, so that the key keeps its default rather than
 * pass for missing.
 */
static char *get_value(GKeyFile *file, const char *path, const char *group, const char *key,
                       GPtrArray *errors, gboolean *ret_bad) {
  g_autoptr(GError) error = NULL;
  char *value = g_key_file_get_string(file, group, key, &error);
  if (ret_bad)
    *ret_bad = FALSE;
  if (value)
    return g_strstrip(value);
  if (g_error_matches(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_UNKNOWN_ENCODING)) {
    g_autofree char *raw = g_key_file_get_value(file, group, key, NULL);
    add_problem(errors, path, group, key, raw ? g_strstrip(raw) : "", "%s",
                _("not valid UTF-8; save the file as UTF-8 text"));
    if (ret_bad)
      *ret_bad = TRUE;
  }
  return NULL;
}

static void describe_range(const DurationKey *spec, char *buf, size_t size) {
  char lo[DBK_DURATION_BUF], hi[DBK_DURATION_BUF];
  dbk_duration_format(spec->min, lo, sizeof(lo));
  dbk_duration_format(spec->max, hi, sizeof(hi));
  if (spec->zero_means)
    /* TRANSLATORS: the values a duration may have: 0 and what it means
     * ("never"), or the shortest to the longest, as the config file writes
     * them: "0 (never) or 1m .. 24h". */
    g_snprintf(buf, size, _("0 (%s) or %s .. %s"), _(spec->zero_means), lo, hi);
  else
    g_snprintf(buf, size, "%s .. %s", lo, hi);
}

/* Reads one [timer] duration; returns TRUE when the key was present and valid. */
static gboolean load_duration(GKeyFile *file, const char *path, const DurationKey *spec,
                              DbkConfig *config, GPtrArray *errors) {
  g_autofree char *value = get_value(file, path, "timer", spec->key, errors, NULL);
  if (!value)
    return FALSE;

  char range[256];
  describe_range(spec, range, sizeof(range));
  uint64_t usec;
  int r = dbk_duration_parse(value, &usec);
  if (r == -EINVAL) {
    add_problem(errors, path, "timer", spec->key, value,
                /* TRANSLATORS: keep 45s, 30m and 1h30m as they are: that is how
                 * a duration is written in the config file; %s is what is
                 * allowed, "1m .. 24h". */
                _("not a duration; write it like 45s, 30m, 1h30m (a bare number is minutes), %s"),
                range);
    return FALSE;
  }
  if (r < 0 || (usec < spec->min && !(usec == 0 && spec->zero_means)) || usec > spec->max) {
    /* TRANSLATORS: %s is what is allowed, "1m .. 24h". */
    add_problem(errors, path, "timer", spec->key, value, _("out of range; allowed %s"), range);
    return FALSE;
  }
  *(uint64_t *)((char *)config + spec->offset) = usec;
  return TRUE;
}

static void load_timer(GKeyFile *file, const char *path, DbkConfig *config, GPtrArray *errors) {
  gboolean have_break_length = FALSE;
  for (unsigned i = 0; i < G_N_ELEMENTS(duration_keys); i++) {
    gboolean ok = load_duration(file, path, &duration_keys[i], config, errors);
    if (strcmp(duration_keys[i].key, "break-length") == 0)
      have_break_length = ok;
  }

  char interval[DBK_DURATION_BUF], length[DBK_DURATION_BUF];
  dbk_duration_format(config->interval, interval, sizeof(interval));
  if (have_break_length && config->break_length >= config->interval) {
    g_autofree char *value = get_value(file, path, "timer", "break-length", NULL, NULL);
    /* TRANSLATORS: keep "interval", the config key, as it is; %s is its value, "30m". */
    add_problem(errors, path, "timer", "break-length", value, _("must be less than interval (%s)"),
                interval);
    have_break_length = FALSE;
  }
  if (!have_break_length) {
    /* Without a break-length of their own, a user who sets a short interval
     * gets a break that fits in it rather than an error. */
    config->break_length = MIN(DEFAULT_BREAK_LENGTH, config->interval / 2);
    config->break_length = MAX(config->break_length, DBK_BREAK_LENGTH_MIN);
    if (config->break_length >= config->interval) {
      g_autofree char *value = get_value(file, path, "timer", "interval", NULL, NULL);
      dbk_duration_format(config->break_length, length, sizeof(length));
      add_problem(errors, path, "timer", "interval", value,
                  /* TRANSLATORS: keep "break-length", the config key, as it is;
                   * %s is its value, "30s". */
                  _("must be longer than break-length (%s)"), length);
      config->interval = DEFAULT_INTERVAL;
      config->break_length = DEFAULT_BREAK_LENGTH;
    }
  }
}

static gboolean valid_stretch_id(const char *id) {
  size_t len = strlen(id);
  if (len == 0 || len > DBK_STRETCH_ID_MAX || id[0] == '-' || id[len - 1] == '-')
    return FALSE;
  for (const char *c = id; *c; c++)
    if (!g_ascii_islower(*c) && !g_ascii_isdigit(*c) && *c != '-')
      return FALSE;
  return TRUE;
}

/* A required or optional line of text, at most DBK_STRETCH_LINE_MAX long. */
static gboolean stretch_line(GKeyFile *file, const char *path, const char *group, const char *key,
                             gboolean required, size_t max, char **ret_value, GPtrArray *errors) {
  gboolean bad;
  g_autofree char *value = get_value(file, path, group, key, errors, &bad);
  if (bad) {
    *ret_value = NULL;
    return FALSE;
  }
  if (!value || !*value) {
    if (required)
      add_problem(errors, path, group, key, NULL, "%s",
                  /* TRANSLATORS: keep the key names title, steps and hold as
                   * they are. */
                  _("missing; a stretch needs a title, steps (separated by ';') and hold"));
    *ret_value = NULL;
    return !required;
  }
  if (g_utf8_strlen(value, -1) > (glong)max) {
    add_problem(errors, path, group, key, value,
                ngettext("too long; at most %lu character", "too long; at most %lu characters",
                         (unsigned long)max),
                (unsigned long)max);
    return FALSE;
  }
  *ret_value = g_steal_pointer(&value);
  return TRUE;
}

static gboolean load_stretch(GKeyFile *file, const char *path, const char *group, const char *id,
                             DbkStretch *ret_stretch, GPtrArray *errors) {
  DbkStretch s = {0};
  if (!valid_stretch_id(id)) {
    g_autofree char *shown = quote(id);
    add_problem(errors, path, group, NULL, NULL,
                /* TRANSLATORS: %s is what was written in the config file, then
                 * the most characters an id may have. */
                ngettext("'%s' is not a stretch id; use lowercase letters, digits and '-', "
                         "at most %d character",
                         "'%s' is not a stretch id; use lowercase letters, digits and '-', "
                         "at most %d characters",
                         DBK_STRETCH_ID_MAX),
                shown, DBK_STRETCH_ID_MAX);
    return FALSE;
  }
  if (dbk_stretch_find(id)) {
    add_problem(errors, path, group, NULL, NULL,
                _("'%s' is a built-in stretch; give yours another id"), id);
    return FALSE;
  }

  char *title = NULL, *hold = NULL, *safety = NULL;
  gboolean ok =
      stretch_line(file, path, group, "title", TRUE, DBK_STRETCH_TITLE_MAX, &title, errors);
  ok = stretch_line(file, path, group, "hold", TRUE, DBK_STRETCH_LINE_MAX, &hold, errors) && ok;
  ok =
      stretch_line(file, path, group, "safety", FALSE, DBK_STRETCH_LINE_MAX, &safety, errors) && ok;

  gboolean steps_bad;
  g_autofree char *steps_value = get_value(file, path, group, "steps", errors, &steps_bad);
  g_auto(GStrv) list = g_key_file_get_string_list(file, group, "steps", NULL, NULL);
  unsigned n = 0;
  for (char **step = list; step && *step; step++) {
    g_strstrip(*step);
    if (!**step)
      continue;
    if (n == DBK_STRETCH_STEPS_MAX) {
      add_problem(errors, path, group, "steps", steps_value,
                  ngettext("at most %d step, separated by ';'",
                           "at most %d steps, separated by ';'", DBK_STRETCH_STEPS_MAX),
                  DBK_STRETCH_STEPS_MAX);
      ok = FALSE;
      break;
    }
    if (g_utf8_strlen(*step, -1) > DBK_STRETCH_LINE_MAX) {
      add_problem(errors, path, group, "steps", steps_value,
                  /* TRANSLATORS: the step's number, then the most characters a
                   * step may have. */
                  ngettext("step %u is too long; at most %d character",
                           "step %u is too long; at most %d characters", DBK_STRETCH_LINE_MAX),
                  n + 1, DBK_STRETCH_LINE_MAX);
      ok = FALSE;
      break;
    }
    s.steps[n++] = g_strdup(*step);
  }
  if (steps_bad) {
    ok = FALSE;
  } else if (n == 0 && !steps_value) {
    add_problem(errors, path, group, "steps", NULL, "%s",
                _("missing; a stretch needs a title, steps (separated by ';') and hold"));
    ok = FALSE;
  } else if (n == 0 && ok) {
    add_problem(errors, path, group, "steps", steps_value,
                ngettext("needs one to %d step, separated by ';'",
                         "needs one to %d steps, separated by ';'", DBK_STRETCH_STEPS_MAX),
                DBK_STRETCH_STEPS_MAX);
    ok = FALSE;
  }

  s.id = g_strdup(id);
  s.title = title;
  s.hold = hold;
  s.safety = safety;
  if (!ok) {
    stretch_clear(&s);
    return FALSE;
  }
  *ret_stretch = s;
  return TRUE;
}

static void load_stretches(GKeyFile *file, const char *path, DbkConfig *config, GPtrArray *errors) {
  g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
  g_autoptr(GArray) found = g_array_new(FALSE, TRUE, sizeof(DbkStretch));
  for (char **g = groups; *g; g++) {
    if (!g_str_has_prefix(*g, STRETCH_GROUP_PREFIX))
      continue;
    DbkStretch stretch;
    if (load_stretch(file, path, *g, *g + strlen(STRETCH_GROUP_PREFIX), &stretch, errors))
      g_array_append_val(found, stretch);
  }
  config->n_custom_stretches = found->len;
  g_free(config->custom_stretches);
  config->custom_stretches = (DbkStretch *)(void *)g_array_free(g_steal_pointer(&found), FALSE);
}

/* An unknown stretch lists the known ones, and this many of the user's own. */
#define KNOWN_CUSTOM_SHOWN 10

static void load_notify(GKeyFile *file, const char *path, DbkConfig *config, GPtrArray *errors) {
  g_autofree char *value = get_value(file, path, "notify", "stretches", errors, NULL);
  if (value) {
    g_auto(GStrv) list = g_key_file_get_string_list(file, "notify", "stretches", NULL, NULL);
    g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
    /* The user's own ids, so that a long rotation of many stretches is
     * checked in linear time, not one search of them all per id. */
    g_autoptr(GHashTable) custom = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < config->n_custom_stretches; i++)
      g_hash_table_add(custom, (char *)config->custom_stretches[i].id);
    gboolean ok = TRUE;
    for (char **id = list; id && *id; id++) {
      g_strstrip(*id);
      if (**id == '\0')
        continue;
      if (!g_hash_table_contains(custom, *id) && !dbk_stretch_find(*id)) {
        size_t n;
        const DbkStretch *all = dbk_stretches_builtin(&n);
        g_autoptr(GString) known = g_string_new(NULL);
        for (size_t i = 0; i < n; i++)
          g_string_append_printf(known, "%s%s", i ? ", " : "", all[i].id);
        size_t n_custom = config->n_custom_stretches;
        for (size_t i = 0; i < MIN(n_custom, KNOWN_CUSTOM_SHOWN); i++)
          g_string_append_printf(known, ", %s", config->custom_stretches[i].id);
        if (n_custom > KNOWN_CUSTOM_SHOWN) {
          unsigned long more = n_custom - KNOWN_CUSTOM_SHOWN;
          g_string_append_c(known, ' ');
          g_string_append_printf(known,
                                 /* TRANSLATORS: after the list of stretch ids: how
                                  * many more of the user's own stretches there are. */
                                 ngettext("and %lu more of yours", "and %lu more of yours", more),
                                 more);
        }
        g_autofree char *shown = quote(*id);
        add_problem(errors, path, "notify", "stretches", value,
                    /* TRANSLATORS: %s is the id written, then the ids there
                     * are; keep the command as it is. */
                    _("unknown stretch '%s'; known: %s (see `deskbreak stretches`)"), shown,
                    known->str);
        ok = FALSE;
        break;
      }
      g_ptr_array_add(ids, g_strdup(*id));
    }
    if (ok && ids->len == 0) {
      add_problem(errors, path, "notify", "stretches", value, "%s",
                  _("needs at least one stretch id, separated by ';'"));
      ok = FALSE;
    }
    if (ok) {
      g_ptr_array_add(ids, NULL);
      g_strfreev(config->stretches);
      config->stretches = (char **)g_ptr_array_steal(ids, NULL);
    }
  }

  g_autofree char *urgency = get_value(file, path, "notify", "urgency", errors, NULL);
  if (urgency && !urgency_from_string(urgency, &config->urgency))
    /* TRANSLATORS: the values a key may have, as the config file writes them:
     * "allowed: low, normal, critical". */
    add_problem(errors, path, "notify", "urgency", urgency, _("allowed: %s"),
                "low, normal, critical");

  g_autofree char *dnd = get_value(file, path, "notify", "respect-dnd", errors, NULL);
  if (dnd && !parse_boolean(dnd, &config->respect_dnd))
    add_problem(errors, path, "notify", "respect-dnd", dnd, _("allowed: %s"), "true, false");
}

static void load_idle(GKeyFile *file, const char *path, DbkConfig *config, GPtrArray *errors) {
  g_autofree char *source = get_value(file, path, "idle", "source", errors, NULL);
  if (source && !dbk_source_kind_from_string(source, &config->source))
    add_problem(errors, path, "idle", "source", source, _("allowed: %s"),
                "auto, mutter, wayland, screensaver, x11, logind, none");

  g_autofree char *inhibitors = get_value(file, path, "idle", "inhibitors", errors, NULL);
  if (g_strcmp0(inhibitors, "ignore") == 0)
    config->ignore_inhibitors = TRUE;
  else if (inhibitors && g_strcmp0(inhibitors, "count-as-present") != 0)
    add_problem(errors, path, "idle", "inhibitors", inhibitors, _("allowed: %s"),
                "count-as-present, ignore");
}

static void on_skipped(const char *path, const char *what, void *data) {
  g_autofree char *shown = dbk_config_display(path);
  if (data)
    /* TRANSLATORS: a file name, then what is there instead: "a directory", "a FIFO"… */
    g_ptr_array_add(data, g_strdup_printf(_("%s: %s, not a regular file: skipped"), shown, what));
}

char *dbk_config_find_path(GPtrArray *warnings) {
  char *found = dbk_config_path_lookup_report(on_skipped, warnings);
  char *path = g_strdup(found);
  free(found);
  return path;
}

static void set_error_from_errno(GError **error, int errsv) {
  g_set_error_literal(error, G_FILE_ERROR, g_file_error_from_errno(errsv), g_strerror(errsv));
}

static void set_too_large(GError **error, goffset size) {
  g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
              ngettext("too large (%lld byte); a config file may be at most 1 MiB",
                       "too large (%lld bytes); a config file may be at most 1 MiB",
                       (unsigned long)MIN(size, G_MAXLONG)),
              (long long)size);
}

static void set_not_regular(GError **error, unsigned mode) {
  g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
              /* TRANSLATORS: %s is what is there instead: "a directory", "a FIFO"… */
              _("not a regular file but %s; the config must be a regular file"),
              dbk_file_type_name(mode));
}

/* The whole file, at most DBK_CONFIG_FILE_MAX bytes and only a regular
 * file (read-file.h); messages without the path. */
static gboolean read_file(const char *path, char **ret_data, gsize *ret_length, GError **error) {
  DbkReadError why;
  char *data;
  size_t length;
  if (dbk_read_regular_file(path, DBK_CONFIG_FILE_MAX, true, &data, &length, &why)) {
    *ret_data = g_memdup2(data, length + 1); /* with its NUL, and any inside */
    *ret_length = length;
    free(data);
    return TRUE;
  }
  switch (why.what) {
  case DBK_READ_TOO_LARGE:
    set_too_large(error, why.size);
    break;
  case DBK_READ_NOT_REGULAR:
  case DBK_READ_SYMLINK: /* links are followed: not seen */
    set_not_regular(error, why.mode);
    break;
  case DBK_READ_FAILED:
  default:
    set_error_from_errno(error, why.errsv);
    break;
  }
  return FALSE;
}

DbkConfig *dbk_config_load(const char *path, GPtrArray *errors, GPtrArray *warnings,
                           GError **error) {
  g_autoptr(DbkConfig) config = dbk_config_new_default();
  if (!path)
    return g_steal_pointer(&config);

  g_autoptr(GKeyFile) file = g_key_file_new();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  if (!read_file(path, &data, &length, &local_error) ||
      !g_key_file_load_from_data(file, data, length, G_KEY_FILE_NONE, &local_error)) {
    /* GLib's message may quote a line of the file as it is. */
    g_autofree char *file_shown = dbk_config_display(path);
    g_autofree char *message = shorten_message(local_error->message);
    g_set_error(error, local_error->domain, local_error->code, "%s: %s", file_shown, message);
    return NULL;
  }

  warn_unknown(file, path, warnings);
  load_timer(file, path, config, errors);
  load_stretches(file, path, config, errors);
  load_notify(file, path, config, errors);
  load_idle(file, path, config, errors);
  return g_steal_pointer(&config);
}
