/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The config file (DESIGN §2, config/config.h, config/config-path.h):
 * defaults, every key, every error path, warnings, the lookup order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config-path.h"
#include "config.h"

#define SEC UINT64_C(1000000)
#define MINUTE (60 * SEC)
#define HOUR (60 * MINUTE)

/* ---- fixture: a scratch directory and one load ------------------------- */

typedef struct {
  char *dir;
  char *path; /* dir/deskbreak.conf */
  GPtrArray *errors;
  GPtrArray *warnings;
  GError *error;
  DbkConfig *config;
} Fixture;

static Fixture fx;

static int setup(void **state) {
  (void)state;
  memset(&fx, 0, sizeof fx);
  GError *error = NULL;
  fx.dir = g_dir_make_tmp("deskbreak-test-config-XXXXXX", &error);
  if (!fx.dir)
    fail_msg("g_dir_make_tmp: %s", error->message);
  fx.path = g_build_filename(fx.dir, "deskbreak.conf", NULL);
  fx.errors = g_ptr_array_new_with_free_func(g_free);
  fx.warnings = g_ptr_array_new_with_free_func(g_free);
  return 0;
}

static void remove_tree(const char *path) {
  if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
    GDir *d = g_dir_open(path, 0, NULL);
    if (d) {
      const char *name;
      while ((name = g_dir_read_name(d))) {
        g_autofree char *child = g_build_filename(path, name, NULL);
        remove_tree(child);
      }
      g_dir_close(d);
    }
    g_rmdir(path);
  } else {
    g_unlink(path);
  }
}

static int teardown(void **state) {
  (void)state;
  g_clear_pointer(&fx.config, dbk_config_free);
  g_clear_error(&fx.error);
  g_ptr_array_unref(fx.errors);
  g_ptr_array_unref(fx.warnings);
  remove_tree(fx.dir);
  g_free(fx.path);
  g_free(fx.dir);
  return 0;
}

static void write_file(const char *path, const char *text, gssize len) {
  GError *error = NULL;
  if (!g_file_set_contents(path, text, len, &error))
    fail_msg("writing %s: %s", path, error->message);
}

static void dump_messages(void) {
  for (guint i = 0; i < fx.errors->len; i++)
    print_message("#   error: %s\n", (const char *)g_ptr_array_index(fx.errors, i));
  for (guint i = 0; i < fx.warnings->len; i++)
    print_message("#   warning: %s\n", (const char *)g_ptr_array_index(fx.warnings, i));
  if (fx.error)
    print_message("#   GError: %s\n", fx.error->message);
}

/* Loads `text` as fx.path; the file must load (config non-NULL). */
static DbkConfig *load_text(const char *text) {
  g_clear_pointer(&fx.config, dbk_config_free);
  g_clear_error(&fx.error);
  g_ptr_array_set_size(fx.errors, 0);
  g_ptr_array_set_size(fx.warnings, 0);
  write_file(fx.path, text, -1);
  fx.config = dbk_config_load(fx.path, fx.errors, fx.warnings, &fx.error);
  if (!fx.config) {
    dump_messages();
    fail_msg("dbk_config_load returned NULL for a key file");
  }
  if (fx.error)
    fail_msg("error set although the config loaded: %s", fx.error->message);
  return fx.config;
}

static void expect_clean(void) {
  if (fx.errors->len || fx.warnings->len) {
    dump_messages();
    fail_msg("expected no errors and no warnings");
  }
}

/* Exactly one error, which contains every one of the NULL-terminated substrings. */
static void expect_one_error(const char *first, ...) {
  if (fx.errors->len != 1) {
    dump_messages();
    fail_msg("expected exactly 1 error, got %u", fx.errors->len);
  }
  const char *msg = g_ptr_array_index(fx.errors, 0);
  va_list ap;
  va_start(ap, first);
  for (const char *want = first; want; want = va_arg(ap, const char *)) {
    if (!strstr(msg, want)) {
      va_end(ap);
      fail_msg("error \"%s\" does not mention \"%s\"", msg, want);
    }
  }
  va_end(ap);
}

static void expect_warning_about(const char *what) {
  if (fx.errors->len != 0) {
    dump_messages();
    fail_msg("expected no errors");
  }
  for (guint i = 0; i < fx.warnings->len; i++) {
    const char *msg = g_ptr_array_index(fx.warnings, i);
    if (strstr(msg, what))
      return;
  }
  dump_messages();
  fail_msg("no warning mentions \"%s\"", what);
}

static void expect_stretches(const DbkConfig *c, const char *const *want) {
  size_t n = 0;
  assert_non_null(c->stretches);
  for (; want[n]; n++) {
    assert_non_null(c->stretches[n]);
    assert_string_equal(c->stretches[n], want[n]);
  }
  assert_null(c->stretches[n]);
}

static const char *const default_stretches[] = {"bruegger", "doorway", NULL};

static void expect_defaults(const DbkConfig *c) {
  assert_int_equal(c->interval, 30 * MINUTE);
  assert_int_equal(c->break_length, 30 * SEC);
  assert_int_equal(c->natural_break, 5 * MINUTE);
  assert_int_equal(c->snooze, 10 * MINUTE);
  assert_int_equal(c->remind_again, 5 * MINUTE);
  expect_stretches(c, default_stretches);
  assert_int_equal(c->urgency, DBK_URGENCY_NORMAL);
  assert_int_equal(c->source, DBK_SOURCE_AUTO);
  assert_false(c->ignore_inhibitors);
  assert_true(c->respect_dnd);
}

/* ---- defaults and good files -------------------------------------------- */

static void test_defaults(void **state) {
  (void)state;
  g_autoptr(DbkConfig) c = dbk_config_new_default();
  assert_non_null(c);
  expect_defaults(c);
}

static void test_null_path_gives_defaults(void **state) {
  (void)state;
  fx.config = dbk_config_load(NULL, fx.errors, fx.warnings, &fx.error);
  assert_non_null(fx.config);
  assert_null(fx.error);
  expect_clean();
  expect_defaults(fx.config);
}

static void test_empty_file_gives_defaults(void **state) {
  (void)state;
  expect_defaults(load_text(""));
  expect_clean();
  expect_defaults(load_text("# nothing but a comment\n\n"));
  expect_clean();
  expect_defaults(load_text("[timer]\n[notify]\n[idle]\n"));
  expect_clean();
}

/* The installed default file is the documentation: it loads to the defaults. */
static void test_installed_default_file(void **state) {
  (void)state;
  /* Compiled from the build root: __FILE__ is relative to it or absolute. */
  static const char *const candidates[] = {
      "config/deskbreak.conf",
      "../config/deskbreak.conf",
      "../../config/deskbreak.conf",
      "../../../config/deskbreak.conf",
  };
  g_autofree char *here = g_path_get_dirname(__FILE__);
  g_autofree char *from_file = g_build_filename(here, "..", "..", "config", "deskbreak.conf", NULL);
  const char *path = NULL;
  if (g_file_test(from_file, G_FILE_TEST_IS_REGULAR))
    path = from_file;
  for (size_t i = 0; !path && i < G_N_ELEMENTS(candidates); i++)
    if (g_file_test(candidates[i], G_FILE_TEST_IS_REGULAR))
      path = candidates[i];
  if (!path) {
    print_message("# config/deskbreak.conf not found from here; skipped\n");
    skip();
  }
  fx.config = dbk_config_load(path, fx.errors, fx.warnings, &fx.error);
  assert_non_null(fx.config);
  expect_clean();
  expect_defaults(fx.config);
}

static void test_every_key(void **state) {
  (void)state;
  DbkConfig *c = load_text("# my settings\n"
                           "[timer]\n"
                           "interval=45m\n"
                           "break-length=1m\n"
                           "natural-break=10m\n"
                           "snooze=15m\n"
                           "remind-again=2m\n"
                           "[notify]\n"
                           "stretches=doorway;bruegger\n"
                           "urgency=critical\n"
                           "[idle]\n"
                           "source=logind\n");
  expect_clean();
  assert_int_equal(c->interval, 45 * MINUTE);
  assert_int_equal(c->break_length, 1 * MINUTE);
  assert_int_equal(c->natural_break, 10 * MINUTE);
  assert_int_equal(c->snooze, 15 * MINUTE);
  assert_int_equal(c->remind_again, 2 * MINUTE);
  static const char *const want[] = {"doorway", "bruegger", NULL};
  expect_stretches(c, want);
  assert_int_equal(c->urgency, DBK_URGENCY_CRITICAL);
  assert_int_equal(c->source, DBK_SOURCE_LOGIND);
}

static void test_duration_spellings(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\n"
                           "interval=1h30m\n"
                           "break-length=45s\n"
                           "natural-break = 2h 15m\n"
                           "snooze=90min\n"
                           "remind-again=10\n");
  expect_clean();
  assert_int_equal(c->interval, 90 * MINUTE);
  assert_int_equal(c->break_length, 45 * SEC);
  assert_int_equal(c->natural_break, 2 * HOUR + 15 * MINUTE);
  assert_int_equal(c->snooze, 90 * MINUTE);
  assert_int_equal(c->remind_again, 10 * MINUTE); /* a bare number is minutes */
}

/* Editors leave trailing blanks; GKeyFile keeps them in the value. */
static void test_trailing_blanks_accepted(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\ninterval=45m  \nsnooze=15m\t\n"
                           "[notify]\nurgency=low \nstretches=doorway \n[idle]\nsource=none \n");
  expect_clean();
  assert_int_equal(c->interval, 45 * MINUTE);
  assert_int_equal(c->snooze, 15 * MINUTE);
  assert_int_equal(c->urgency, DBK_URGENCY_LOW);
  assert_int_equal(c->source, DBK_SOURCE_NONE);
  static const char *const want[] = {"doorway", NULL};
  expect_stretches(c, want);
}

static void test_keys_missing_keep_defaults(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\ninterval=20m\n");
  expect_clean();
  assert_int_equal(c->interval, 20 * MINUTE);
  assert_int_equal(c->break_length, 30 * SEC);
  assert_int_equal(c->natural_break, 5 * MINUTE);
  assert_int_equal(c->snooze, 10 * MINUTE);
  assert_int_equal(c->remind_again, 5 * MINUTE);
  expect_stretches(c, default_stretches);
  assert_int_equal(c->urgency, DBK_URGENCY_NORMAL);
  assert_int_equal(c->source, DBK_SOURCE_AUTO);
}

static void test_remind_again_zero_is_never(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\nremind-again=0\n");
  expect_clean();
  assert_int_equal(c->remind_again, 0);
}

static void test_every_urgency(void **state) {
  (void)state;
  static const struct {
    const char *text;
    DbkUrgency urgency;
  } cases[] = {
      {"low", DBK_URGENCY_LOW},
      {"normal", DBK_URGENCY_NORMAL},
      {"critical", DBK_URGENCY_CRITICAL},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = g_strdup_printf("[notify]\nurgency=%s\n", cases[i].text);
    DbkConfig *c = load_text(text);
    expect_clean();
    assert_int_equal(c->urgency, cases[i].urgency);
    assert_string_equal(dbk_urgency_to_string(cases[i].urgency), cases[i].text);
  }
}

static const struct {
  const char *text;
  DbkSourceKind source;
} sources[] = {
    {"auto", DBK_SOURCE_AUTO},       {"mutter", DBK_SOURCE_MUTTER},
    {"wayland", DBK_SOURCE_WAYLAND}, {"screensaver", DBK_SOURCE_SCREENSAVER},
    {"x11", DBK_SOURCE_X11},         {"logind", DBK_SOURCE_LOGIND},
    {"none", DBK_SOURCE_NONE},
};

static void test_every_source(void **state) {
  (void)state;
  for (size_t i = 0; i < G_N_ELEMENTS(sources); i++) {
    g_autofree char *text = g_strdup_printf("[idle]\nsource=%s\n", sources[i].text);
    DbkConfig *c = load_text(text);
    expect_clean();
    assert_int_equal(c->source, sources[i].source);
  }
}

static void test_source_and_urgency_strings(void **state) {
  (void)state;
  for (size_t i = 0; i < G_N_ELEMENTS(sources); i++) {
    assert_string_equal(dbk_source_kind_to_string(sources[i].source), sources[i].text);
    DbkSourceKind back = DBK_SOURCE_NONE + 1;
    assert_true(dbk_source_kind_from_string(sources[i].text, &back));
    assert_int_equal(back, sources[i].source);
  }
  static const char *const bad[] = {"", "Auto", "xorg", "mutter ", "gnome", "x11x"};
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    DbkSourceKind untouched = DBK_SOURCE_LOGIND;
    assert_false(dbk_source_kind_from_string(bad[i], &untouched));
    assert_int_equal(untouched, DBK_SOURCE_LOGIND);
  }
  assert_string_equal(dbk_urgency_to_string(DBK_URGENCY_LOW), "low");
  assert_string_equal(dbk_urgency_to_string(DBK_URGENCY_NORMAL), "normal");
  assert_string_equal(dbk_urgency_to_string(DBK_URGENCY_CRITICAL), "critical");
}

/* ---- bad values: an error, that key's default, the rest taken ----------- */

typedef struct {
  const char *key;
  const char *value;
  const char *allowed[3]; /* substrings the message must show as allowed */
} BadDuration;

static uint64_t duration_field(const DbkConfig *c, const char *key) {
  if (strcmp(key, "interval") == 0)
    return c->interval;
  if (strcmp(key, "break-length") == 0)
    return c->break_length;
  if (strcmp(key, "natural-break") == 0)
    return c->natural_break;
  if (strcmp(key, "snooze") == 0)
    return c->snooze;
  if (strcmp(key, "remind-again") == 0)
    return c->remind_again;
  fail_msg("test bug: key %s", key);
  return 0;
}

/* Each bad [timer] value next to a good urgency, which must still be taken. */
static void check_bad_timer_value(const char *key, const char *value, const char *allowed_a,
                                  const char *allowed_b) {
  g_autoptr(DbkConfig) defaults = dbk_config_new_default();
  g_autofree char *text =
      g_strdup_printf("[timer]\n%s=%s\n[notify]\nurgency=low\n[idle]\nsource=none\n", key, value);
  DbkConfig *c = load_text(text);
  if (duration_field(c, key) != duration_field(defaults, key)) {
    dump_messages();
    fail_msg("%s=%s: value %" G_GUINT64_FORMAT " us taken, expected the default", key, value,
             duration_field(c, key));
  }
  expect_one_error(fx.path, key, value, allowed_a, allowed_b, NULL);
  assert_int_equal(c->urgency, DBK_URGENCY_LOW);
  assert_int_equal(c->source, DBK_SOURCE_NONE);
  /* The other [timer] keys keep their defaults. */
  static const char *const keys[] = {"interval", "break-length", "natural-break", "snooze",
                                     "remind-again"};
  for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
    assert_int_equal(duration_field(c, keys[i]), duration_field(defaults, keys[i]));
}

static void test_bad_duration_syntax(void **state) {
  (void)state;
  static const char *const keys[] = {"interval", "break-length", "natural-break", "snooze",
                                     "remind-again"};
  static const char *const values[] = {"abc", "1.5h", "-5m", "10x", "1h30", "m"};
  for (size_t k = 0; k < G_N_ELEMENTS(keys); k++)
    for (size_t v = 0; v < G_N_ELEMENTS(values); v++)
      check_bad_timer_value(keys[k], values[v], "", "");
}

static void test_empty_duration(void **state) {
  (void)state;
  check_bad_timer_value("interval", "", "", "");
  check_bad_timer_value("snooze", "", "", "");
}

static void test_duration_out_of_range(void **state) {
  (void)state;
  /* Both ends of every range; the message names the range as the file does. */
  check_bad_timer_value("interval", "4s", "5s", "24h");
  check_bad_timer_value("interval", "0", "5s", "24h");
  check_bad_timer_value("interval", "24h1s", "5s", "24h");
  check_bad_timer_value("interval", "25h", "5s", "24h");
  check_bad_timer_value("break-length", "4s", "5s", "30m");
  check_bad_timer_value("break-length", "0", "5s", "30m");
  check_bad_timer_value("break-length", "30m1s", "5s", "30m");
  check_bad_timer_value("natural-break", "9s", "10s", "4h");
  check_bad_timer_value("natural-break", "4h1s", "10s", "4h");
  check_bad_timer_value("snooze", "59s", "1m", "24h");
  check_bad_timer_value("snooze", "0", "1m", "24h");
  check_bad_timer_value("snooze", "24h1s", "1m", "24h");
  check_bad_timer_value("remind-again", "59s", "1m", "24h");
  check_bad_timer_value("remind-again", "30s", "1m", "24h");
  check_bad_timer_value("remind-again", "24h1s", "1m", "24h");
  /* Beyond what a duration can be at all. */
  check_bad_timer_value("interval", "99999999999999999999", "5s", "24h");
  check_bad_timer_value("snooze", "9000h", "1m", "24h");
}

static void test_duration_range_limits_accepted(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\n"
                           "interval=6s\n"
                           "break-length=5s\n"
                           "natural-break=10s\n"
                           "snooze=1m\n"
                           "remind-again=1m\n");
  expect_clean();
  assert_int_equal(c->interval, 6 * SEC);
  assert_int_equal(c->break_length, 5 * SEC);
  assert_int_equal(c->natural_break, 10 * SEC);
  assert_int_equal(c->snooze, MINUTE);
  assert_int_equal(c->remind_again, MINUTE);

  c = load_text("[timer]\n"
                "interval=24h\n"
                "break-length=30m\n"
                "natural-break=4h\n"
                "snooze=24h\n"
                "remind-again=24h\n");
  expect_clean();
  assert_int_equal(c->interval, 24 * HOUR);
  assert_int_equal(c->break_length, 30 * MINUTE);
  assert_int_equal(c->natural_break, 4 * HOUR);
  assert_int_equal(c->snooze, 24 * HOUR);
  assert_int_equal(c->remind_again, 24 * HOUR);
}

static void test_break_length_not_below_interval(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\ninterval=10m\nbreak-length=15m\n");
  assert_int_equal(c->interval, 10 * MINUTE);
  assert_int_equal(c->break_length, 30 * SEC); /* break-length's default */
  expect_one_error(fx.path, "break-length", "15m", "interval", NULL);

  /* Equal is not less. */
  c = load_text("[timer]\ninterval=20m\nbreak-length=20m\n");
  assert_int_equal(c->interval, 20 * MINUTE);
  assert_int_equal(c->break_length, 30 * SEC);
  expect_one_error(fx.path, "break-length", "20m", "interval", NULL);
}

/* Whatever the file says, a loaded config keeps break-length < interval. */
static void test_short_interval_against_default_break_length(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\ninterval=20s\n");
  if (!(c->break_length < c->interval)) {
    dump_messages();
    fail_msg("interval=20s with the default break-length 30s gave break-length %" G_GUINT64_FORMAT
             " us >= interval %" G_GUINT64_FORMAT " us",
             c->break_length, c->interval);
  }
  /* Whether that is an error or a break-length fitted to the interval is
   * the loader's choice; an interval that short is in range. */
  assert_int_equal(c->interval, 20 * SEC);
}

static void test_unknown_stretch(void **state) {
  (void)state;
  DbkConfig *c = load_text("[notify]\nstretches=bruegger;yoga-flow\nurgency=low\n");
  expect_stretches(c, default_stretches);
  assert_int_equal(c->urgency, DBK_URGENCY_LOW);
  /* The known ids are what is allowed. */
  expect_one_error(fx.path, "stretches", "yoga-flow", "bruegger", "doorway", NULL);
}

static void test_empty_stretches(void **state) {
  (void)state;
  DbkConfig *c = load_text("[notify]\nstretches=\nurgency=critical\n");
  expect_stretches(c, default_stretches);
  assert_int_equal(c->urgency, DBK_URGENCY_CRITICAL);
  expect_one_error(fx.path, "stretches", NULL);
}

static void test_single_stretch(void **state) {
  (void)state;
  static const char *const want[] = {"doorway", NULL};
  DbkConfig *c = load_text("[notify]\nstretches=doorway\n");
  expect_clean();
  expect_stretches(c, want);
}

static void test_bad_urgency(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\ninterval=20m\n[notify]\nurgency=urgent\n");
  assert_int_equal(c->urgency, DBK_URGENCY_NORMAL);
  assert_int_equal(c->interval, 20 * MINUTE);
  expect_one_error(fx.path, "urgency", "urgent", "low", "normal", "critical", NULL);
}

static void test_bad_source(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\ninterval=20m\n[idle]\nsource=xorg\n");
  assert_int_equal(c->source, DBK_SOURCE_AUTO);
  assert_int_equal(c->interval, 20 * MINUTE);
  expect_one_error(fx.path, "source", "xorg", "auto", "mutter", "logind", "none", NULL);
}

static void test_inhibitors(void **state) {
  (void)state;
  DbkConfig *c = load_text("[idle]\ninhibitors=ignore\n");
  expect_clean();
  assert_true(c->ignore_inhibitors);
  c = load_text("[idle]\ninhibitors=count-as-present\n");
  expect_clean();
  assert_false(c->ignore_inhibitors);
  c = load_text("[timer]\ninterval=20m\n[idle]\ninhibitors=sometimes\n");
  assert_false(c->ignore_inhibitors);
  assert_int_equal(c->interval, 20 * MINUTE);
  expect_one_error(fx.path, "inhibitors", "sometimes", "count-as-present", "ignore", NULL);
}

static void test_respect_dnd(void **state) {
  (void)state;
  DbkConfig *c = load_text("[notify]\nrespect-dnd=false\n");
  expect_clean();
  assert_false(c->respect_dnd);
  c = load_text("[notify]\nrespect-dnd=true\n");
  expect_clean();
  assert_true(c->respect_dnd);
  c = load_text("[notify]\nrespect-dnd=maybe\n");
  assert_true(c->respect_dnd);
  expect_one_error(fx.path, "respect-dnd", "maybe", "true", "false", NULL);
}

/* ---- the user's own stretches ------------------------------------------ */

#define NECK_ROLL                                                                                  \
  "[stretch:neck-roll]\n"                                                                         \
  "title=Neck roll\n"                                                                             \
  "steps=Let your chin drop.;Roll your head to one side, then the other.\n"                       \
  "hold=Five slow rolls each way.\n"

static void test_custom_stretch(void **state) {
  (void)state;
  DbkConfig *c = load_text("[notify]\nstretches=neck-roll;bruegger\n" NECK_ROLL
                           "safety=Stop if you feel dizzy.\n");
  expect_clean();
  assert_int_equal(c->n_custom_stretches, 1);
  const DbkStretch *s = dbk_config_find_stretch(c, "neck-roll");
  assert_non_null(s);
  assert_string_equal(s->title, "Neck roll");
  assert_string_equal(s->steps[0], "Let your chin drop.");
  assert_string_equal(s->steps[1], "Roll your head to one side, then the other.");
  assert_null(s->steps[2]);
  assert_string_equal(s->hold, "Five slow rolls each way.");
  assert_string_equal(s->safety, "Stop if you feel dizzy.");
  assert_string_equal(c->stretches[0], "neck-roll");
  /* Built-in ones are still found through the config. */
  assert_non_null(dbk_config_find_stretch(c, "doorway"));
  assert_null(dbk_config_find_stretch(c, "nope"));

  /* A copy owns its own strings and compares equal. */
  DbkConfig *copy = dbk_config_copy(c);
  assert_true(dbk_config_equal(c, copy));
  assert_ptr_not_equal(dbk_config_find_stretch(copy, "neck-roll")->title, s->title);
  dbk_config_free(copy);

  /* A stretch outlives its config. */
  DbkStretch *dup = dbk_stretch_dup(s);
  load_text("");
  assert_string_equal(dup->title, "Neck roll");
  dbk_stretch_free(dup);
}

static void test_custom_stretch_changes_equality(void **state) {
  (void)state;
  DbkConfig *a = dbk_config_copy(load_text(NECK_ROLL));
  DbkConfig *b = load_text("[stretch:neck-roll]\ntitle=Neck roll\nsteps=One.\nhold=Five.\n");
  assert_false(dbk_config_equal(a, b));
  dbk_config_free(a);
}

static void expect_bad_stretch(const char *text, const char *first, ...) {
  DbkConfig *c = load_text(text);
  assert_int_equal(c->n_custom_stretches, 0);
  if (fx.errors->len < 1) {
    dump_messages();
    fail_msg("expected an error for:\n%s", text);
  }
  const char *msg = g_ptr_array_index(fx.errors, 0);
  va_list ap;
  va_start(ap, first);
  for (const char *want = first; want; want = va_arg(ap, const char *))
    if (!strstr(msg, want)) {
      va_end(ap);
      fail_msg("error \"%s\" does not mention \"%s\"", msg, want);
    }
  va_end(ap);
  assert_non_null(strstr(msg, fx.path));
}

static void test_custom_stretch_errors(void **state) {
  (void)state;
  expect_bad_stretch("[stretch:Neck]\ntitle=T\nsteps=A\nhold=H\n", "[stretch:Neck]", "Neck",
                     "lowercase", NULL);
  expect_bad_stretch("[stretch:]\ntitle=T\nsteps=A\nhold=H\n", "stretch id", NULL);
  expect_bad_stretch("[stretch:doorway]\ntitle=T\nsteps=A\nhold=H\n", "doorway", "built-in",
                     NULL);
  expect_bad_stretch("[stretch:a]\nsteps=A\nhold=H\n", "[stretch:a]", "title", "missing", NULL);
  expect_bad_stretch("[stretch:a]\ntitle=T\nhold=H\n", "steps", "missing", NULL);
  expect_bad_stretch("[stretch:a]\ntitle=T\nsteps=A\n", "hold", "missing", NULL);
  expect_bad_stretch("[stretch:a]\ntitle=T\nsteps=;;\nhold=H\n", "steps", "one to 3", NULL);
  expect_bad_stretch("[stretch:a]\ntitle=T\nsteps=A;B;C;D\nhold=H\n", "steps", "A;B;C;D",
                     "at most 3", NULL);
  expect_bad_stretch("[stretch:a]\ntitle=This title is far too long to fit in a notification "
                     "summary line\nsteps=A\nhold=H\n",
                     "title", "too long", "60", NULL);
  g_autofree char *long_step = g_strnfill(121, 'x');
  g_autofree char *text = g_strdup_printf("[stretch:a]\ntitle=T\nsteps=A;%s\nhold=H\n", long_step);
  expect_bad_stretch(text, "steps", "step 2", "too long", NULL);
}

static void test_rotation_naming_a_bad_custom_stretch(void **state) {
  (void)state;
  /* The stretch is left out, so the rotation that names it is an error too
   * and keeps its default. */
  DbkConfig *c = load_text("[notify]\nstretches=neck-roll\n[stretch:neck-roll]\ntitle=T\n");
  /* steps and hold missing, then the rotation. */
  assert_int_equal(fx.errors->len, 3);
  assert_non_null(strstr(g_ptr_array_index(fx.errors, 2), "unknown stretch 'neck-roll'"));
  expect_stretches(c, default_stretches);
}

static void test_unknown_stretch_key_warns(void **state) {
  (void)state;
  load_text(NECK_ROLL "colour=blue\n");
  assert_int_equal(fx.errors->len, 0);
  expect_warning_about("colour");
}

static void test_several_errors_each_reported(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\n"
                           "interval=soon\n"
                           "snooze=15m\n"
                           "natural-break=1s\n"
                           "[notify]\n"
                           "urgency=loud\n"
                           "stretches=doorway\n");
  assert_int_equal(fx.errors->len, 3);
  assert_int_equal(c->interval, 30 * MINUTE);
  assert_int_equal(c->natural_break, 5 * MINUTE);
  assert_int_equal(c->urgency, DBK_URGENCY_NORMAL);
  assert_int_equal(c->snooze, 15 * MINUTE);
  static const char *const want[] = {"doorway", NULL};
  expect_stretches(c, want);
}

/* ---- warnings ------------------------------------------------------------ */

static void test_unknown_key_warns(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\ninterval=20m\nintervall=25m\n");
  expect_warning_about("intervall");
  assert_int_equal(c->interval, 20 * MINUTE);
}

static void test_unknown_group_warns(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\ninterval=20m\n[sound]\nbeep=true\n");
  expect_warning_about("sound");
  assert_int_equal(c->interval, 20 * MINUTE);
}

/* A key in the wrong group is unknown there. */
static void test_key_in_wrong_group_warns(void **state) {
  (void)state;
  DbkConfig *c = load_text("[notify]\ninterval=20m\n");
  expect_warning_about("interval");
  assert_int_equal(c->interval, 30 * MINUTE);
}

/* ---- files that cannot be read ------------------------------------------ */

static void expect_load_fails(const char *path, bool names_file) {
  g_ptr_array_set_size(fx.errors, 0);
  g_ptr_array_set_size(fx.warnings, 0);
  g_clear_error(&fx.error);
  DbkConfig *c = dbk_config_load(path, fx.errors, fx.warnings, &fx.error);
  if (c) {
    dbk_config_free(c);
    fail_msg("%s: loaded although it is not a readable key file", path);
  }
  assert_non_null(fx.error);
  assert_non_null(fx.error->message);
  if (names_file && !strstr(fx.error->message, path))
    fail_msg("error \"%s\" does not name the file %s", fx.error->message, path);
}

static void test_not_a_key_file(void **state) {
  (void)state;
  static const char garbage[] = {0x7f,       'E',        'L',  'F',  2,    1,   1, 0,   0,   0,
                                 (char)0xff, (char)0xfe, '\n', 0x01, 0x02, '[', 0, ']', '\n'};
  write_file(fx.path, garbage, sizeof garbage);
  expect_load_fails(fx.path, true);

  write_file(fx.path, "[timer]\ninterval 30m\n", -1);
  expect_load_fails(fx.path, true);

  write_file(fx.path, "interval=30m\n", -1); /* a key before any group */
  expect_load_fails(fx.path, true);

  write_file(fx.path, "[timer\ninterval=30m\n", -1);
  expect_load_fails(fx.path, true);
}

static void test_missing_file(void **state) {
  (void)state;
  g_autofree char *missing = g_build_filename(fx.dir, "no-such.conf", NULL);
  expect_load_fails(missing, false);
}

static void test_directory_is_not_a_file(void **state) {
  (void)state;
  expect_load_fails(fx.dir, false);
}

/* ---- text that is not UTF-8 --------------------------------------------- */

/* Every message is valid UTF-8 without control characters: the daemon puts
 * them into D-Bus strings, which must be. */
static void expect_messages_displayable(void) {
  GPtrArray *lists[] = {fx.errors, fx.warnings};
  for (size_t l = 0; l < G_N_ELEMENTS(lists); l++)
    for (guint i = 0; i < lists[l]->len; i++) {
      const char *msg = g_ptr_array_index(lists[l], i);
      bool control = false;
      for (const char *c = msg; *c; c++)
        control = control || (guchar)*c < 0x20 || *c == 0x7f;
      if (!g_utf8_validate(msg, -1, NULL) || control) {
        g_autofree char *shown = g_strescape(msg, NULL);
        fail_msg("message is not valid UTF-8 or has control characters: \"%s\"", shown);
      }
    }
  if (fx.error && !g_utf8_validate(fx.error->message, -1, NULL)) {
    g_autofree char *shown = g_strescape(fx.error->message, NULL);
    fail_msg("GError message is not valid UTF-8: \"%s\"", shown);
  }
}

static void test_group_not_utf8(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\ninterval=20m\n"
                           "[stretch:\xff\xfe"
                           "way]\ntitle=T\nsteps=A\nhold=H\n");
  expect_messages_displayable();
  expect_one_error(fx.path, "[stretch:\\xff\\xfeway]", "'\\xff\\xfeway' is not a stretch id", NULL);
  assert_int_equal(c->n_custom_stretches, 0);
  assert_int_equal(c->interval, 20 * MINUTE);

  load_text("[timer]\ninterval=20m\n[so\xc3und]\nbeep=true\n");
  expect_messages_displayable();
  expect_warning_about("[so\\xc3und]");
}

static void test_key_not_utf8(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\ninterval=20m\n\xff\xfe=1\n");
  expect_messages_displayable();
  expect_warning_about("[timer] \\xff\\xfe:");
  assert_int_equal(c->interval, 20 * MINUTE);

  /* GLib refuses this key name outright, quoting it: the file does not load. */
  write_file(fx.path, "[timer]\ninterval=20m\na[\xff]=1\n", -1);
  expect_load_fails(fx.path, true);
  expect_messages_displayable();
  if (!strstr(fx.error->message, "a[\\xff]"))
    fail_msg("error \"%s\" does not show the key as a[\\xff]", fx.error->message);
}

/* Control characters a value may hold through GKeyFile's escapes. */
static void test_control_characters_escaped(void **state) {
  (void)state;
  load_text("[notify]\nurgency=loud\\nand\\tclear\n");
  expect_messages_displayable();
  expect_one_error("urgency=loud\\x0aand\\x09clear", "allowed", NULL);
}

/* A value that is not UTF-8 is an error for its key, which keeps its
 * default, like any bad value; it is not taken for a missing key. */
static void test_value_not_utf8(void **state) {
  (void)state;
  DbkConfig *c = load_text("[timer]\ninterval=5m\xff\nsnooze=15m\n");
  expect_messages_displayable();
  expect_one_error(fx.path, "[timer] interval=5m\\xff:", "not valid UTF-8", NULL);
  assert_int_equal(c->interval, 30 * MINUTE);
  assert_int_equal(c->snooze, 15 * MINUTE);

  static const struct {
    const char *text, *want;
  } cases[] = {
      {"[timer]\nbreak-length=1m\xff\n", "[timer] break-length=1m\\xff:"},
      {"[timer]\nremind-again=\xc3\n", "[timer] remind-again=\\xc3:"},
      {"[notify]\nstretches=doorway;\xff\n", "[notify] stretches=doorway;\\xff:"},
      {"[notify]\nurgency=low\xff\n", "[notify] urgency=low\\xff:"},
      {"[notify]\nrespect-dnd=true\xff\n", "[notify] respect-dnd=true\\xff:"},
      {"[idle]\nsource=none\xff\n", "[idle] source=none\\xff:"},
      {"[idle]\ninhibitors=ignore\xff\n", "[idle] inhibitors=ignore\\xff:"},
      {"[stretch:a]\ntitle=T\xff\nsteps=A\nhold=H\n", "[stretch:a] title=T\\xff:"},
      {"[stretch:a]\ntitle=T\nsteps=A;\xff\nhold=H\n", "[stretch:a] steps=A;\\xff:"},
      {"[stretch:a]\ntitle=T\nsteps=A\nhold=H\xff\n", "[stretch:a] hold=H\\xff:"},
      {"[stretch:a]\ntitle=T\nsteps=A\nhold=H\nsafety=S\xff\n", "[stretch:a] safety=S\\xff:"},
  };
  g_autoptr(DbkConfig) defaults = dbk_config_new_default();
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    c = load_text(cases[i].text);
    expect_messages_displayable();
    expect_one_error(fx.path, cases[i].want, "not valid UTF-8", NULL);
    assert_int_equal(c->n_custom_stretches, 0);
    if (!dbk_config_equal(c, defaults))
      fail_msg("%s: not all defaults", cases[i].want);
    assert_false(c->ignore_inhibitors);
  }
}

/* A path that is not UTF-8 is shown with the same escapes. */
static void test_path_not_utf8(void **state) {
  (void)state;
  g_autofree char *path = g_build_filename(fx.dir, "bad-\xff.conf", NULL);
  write_file(path, "[timer]\ninterval=soon\n", -1);
  fx.config = dbk_config_load(path, fx.errors, fx.warnings, &fx.error);
  assert_non_null(fx.config);
  expect_messages_displayable();
  expect_one_error("bad-\\xff.conf: [timer] interval=soon", NULL);
}

/* Only regular files are read: a FIFO without a writer, a device, a
 * directory are each a named error at once, never a wait or an endless read. */
static void expect_not_regular(const char *path, const char *what) {
  alarm(10); /* a load that blocks ends the test here */
  DbkConfig *c = dbk_config_load(path, fx.errors, fx.warnings, &fx.error);
  alarm(0);
  if (c) {
    dbk_config_free(c);
    fail_msg("%s: loaded although it is %s", path, what);
  }
  assert_non_null(fx.error);
  if (!strstr(fx.error->message, path))
    fail_msg("error \"%s\" does not name the file %s", fx.error->message, path);
  expect_messages_displayable();
  if (!strstr(fx.error->message, "not a regular file") || !strstr(fx.error->message, what))
    fail_msg("error \"%s\" does not say it is %s, not a regular file", fx.error->message, what);
}

static void test_fifo_is_not_read(void **state) {
  (void)state;
  if (mkfifo(fx.path, 0600) < 0)
    fail_msg("mkfifo: %s", g_strerror(errno));
  expect_not_regular(fx.path, "a FIFO");
}

static void test_symlink_to_device_is_not_read(void **state) {
  (void)state;
  if (symlink("/dev/zero", fx.path) < 0)
    fail_msg("symlink: %s", g_strerror(errno));
  expect_not_regular(fx.path, "a character device");
}

static void test_directory_is_named(void **state) {
  (void)state;
  expect_not_regular(fx.dir, "a directory");
}

/* ---- text too long to quote, files too large to read -------------------- */

/* Messages quote at most this many characters of a group, key or value. */
#define QUOTE_MAX 64
/* A message may be this long besides the path and the quoted text. */
#define MESSAGE_REST 200

static void expect_messages_short(size_t quoted) {
  size_t max = strlen(fx.path) + quoted * (QUOTE_MAX + 1) * 4 + MESSAGE_REST;
  GPtrArray *lists[] = {fx.errors, fx.warnings};
  for (size_t l = 0; l < G_N_ELEMENTS(lists); l++)
    for (guint i = 0; i < lists[l]->len; i++) {
      const char *msg = g_ptr_array_index(lists[l], i);
      if (strlen(msg) > max)
        fail_msg("a message of %zu bytes (at most %zu expected): %.300s...", strlen(msg), max, msg);
    }
  if (fx.error && strlen(fx.error->message) > max)
    fail_msg("a GError message of %zu bytes (at most %zu expected): %.300s...",
             strlen(fx.error->message), max, fx.error->message);
}

/* `c` repeated `n` times, `c` a character of any length in bytes. */
static char *repeat(const char *c, size_t n) {
  GString *s = g_string_new(NULL);
  for (size_t i = 0; i < n; i++)
    g_string_append(s, c);
  return g_string_free(s, FALSE);
}

static void test_long_value_quoted_short(void **state) {
  (void)state;
  g_autofree char *xs = repeat("x", 100000);
  g_autofree char *text = g_strdup_printf("[timer]\ninterval=%s\nsnooze=15m\n", xs);
  DbkConfig *c = load_text(text);
  expect_messages_short(1);
  g_autofree char *shown = g_strdup_printf("interval=%.*s…: not a duration", QUOTE_MAX, xs);
  expect_one_error(fx.path, shown, NULL);
  assert_int_equal(c->interval, 30 * MINUTE);
  assert_int_equal(c->snooze, 15 * MINUTE);

  /* Cut between characters, not inside one; escapes count as one. */
  g_autofree char *es = repeat("é", 1000);
  g_free(text);
  text = g_strdup_printf("[notify]\nurgency=\xff%s\n", es);
  load_text(text);
  expect_messages_displayable();
  expect_messages_short(1);
  g_autofree char *es_shown = repeat("é", QUOTE_MAX - 1);
  g_free(shown);
  shown = g_strdup_printf("urgency=\\xff%s…: not valid UTF-8", es_shown);
  expect_one_error(shown, NULL);

  /* Exactly QUOTE_MAX characters are quoted whole. */
  g_autofree char *fits = repeat("y", QUOTE_MAX);
  g_free(text);
  text = g_strdup_printf("[idle]\nsource=%s\n", fits);
  load_text(text);
  g_free(shown);
  shown = g_strdup_printf("source=%s: allowed", fits);
  expect_one_error(shown, NULL);
}

static void test_long_names_quoted_short(void **state) {
  (void)state;
  g_autofree char *long_id = repeat("a", 100000);
  g_autofree char *text =
      g_strdup_printf("[stretch:%s]\ntitle=T\nsteps=A\nhold=H\n[timer]\n%s=1\n[%s]\nk=v\n"
                      "[notify]\nstretches=doorway;%s\n",
                      long_id, long_id, long_id, long_id);
  load_text(text);
  expect_messages_short(2);
  g_autofree char *cut = g_strdup_printf("%.*s…", QUOTE_MAX, long_id);
  g_autofree char *group = g_strdup_printf("[stretch:%.*s…]", QUOTE_MAX - 8, long_id);
  g_autofree char *id = g_strdup_printf("'%s' is not a stretch id", cut);
  g_autofree char *stretch = g_strdup_printf("unknown stretch '%s'", cut);
  /* The bad stretch and the rotation naming an unknown one. */
  assert_int_equal(fx.errors->len, 2);
  assert_non_null(strstr(g_ptr_array_index(fx.errors, 0), group));
  assert_non_null(strstr(g_ptr_array_index(fx.errors, 0), id));
  assert_non_null(strstr(g_ptr_array_index(fx.errors, 1), stretch));
  /* The unknown key and the unknown group. */
  assert_int_equal(fx.warnings->len, 2);
}

/* GLib's own message quotes a line of the file; it is shortened too. */
static void test_long_line_quoted_short(void **state) {
  (void)state;
  g_autofree char *xs = repeat("x", 100000);
  g_autofree char *text = g_strdup_printf("[timer]\n%s\n", xs);
  write_file(fx.path, text, -1);
  expect_load_fails(fx.path, true);
  expect_messages_short(1);
  assert_non_null(strstr(fx.error->message, "…"));
  g_free(text);
  text = g_strdup_printf("[timer]\na[\xff%s]=1\n", xs);
  write_file(fx.path, text, -1);
  expect_load_fails(fx.path, true);
  expect_messages_displayable();
  expect_messages_short(1);
  assert_non_null(strstr(fx.error->message, "a[\\xffxxx"));
}

/* An unknown stretch lists the known ones, but not thousands of them. */
static void test_unknown_stretch_among_many(void **state) {
  (void)state;
  GString *text = g_string_new("[notify]\nstretches=nope\n");
  for (int i = 0; i < 1000; i++)
    g_string_append_printf(text, "[stretch:s%d]\ntitle=T\nsteps=A\nhold=H\n", i);
  DbkConfig *c = load_text(text->str);
  g_string_free(text, TRUE);
  assert_int_equal(c->n_custom_stretches, 1000);
  expect_messages_short(1);
  expect_one_error("unknown stretch 'nope'", "bruegger", "doorway", "s0", NULL);
  expect_stretches(c, default_stretches);
}

/* A config file is small: a larger one is not read at all. */
static void test_file_too_large(void **state) {
  (void)state;
  /* At the limit, it loads. */
  static const char head[] = "[timer]\ninterval=20m\n#";
  size_t size = 1024 * 1024; /* 1 MiB, as deskbreak.conf(5) says */
  char *data = g_malloc(size + 1);
  memcpy(data, head, strlen(head));
  memset(data + strlen(head), 'x', size - strlen(head) - 1);
  data[size - 1] = '\n';
  write_file(fx.path, data, (gssize)size);
  DbkConfig *c = dbk_config_load(fx.path, fx.errors, fx.warnings, &fx.error);
  assert_non_null(c);
  assert_int_equal(c->interval, 20 * MINUTE);
  dbk_config_free(c);
  expect_clean();

  /* One byte more, and it is an error that names the file and the limit. */
  data[size] = '\n';
  write_file(fx.path, data, (gssize)size + 1);
  g_free(data);
  expect_load_fails(fx.path, true);
  expect_messages_short(0);
  if (!strstr(fx.error->message, "too large") || !strstr(fx.error->message, "1 MiB"))
    fail_msg("error \"%s\" does not say the file is too large for 1 MiB", fx.error->message);
}

/* ---- many stretches ------------------------------------------------------ */

/* n stretches of the user's own, all in the rotation. */
static char *many_stretches(unsigned n) {
  GString *text = g_string_new("[notify]\nstretches=");
  for (unsigned i = 0; i < n; i++)
    g_string_append_printf(text, "%ss%u", i ? ";" : "", i);
  g_string_append_c(text, '\n');
  for (unsigned i = 0; i < n; i++)
    g_string_append_printf(text, "[stretch:s%u]\ntitle=T\nsteps=A\nhold=H\n", i);
  return g_string_free(text, FALSE);
}

/* CPU time of one load of `text`, the best of three. */
static double load_seconds(const char *text, unsigned n) {
  write_file(fx.path, text, -1);
  double best = G_MAXDOUBLE;
  for (int round = 0; round < 3; round++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    DbkConfig *c = dbk_config_load(fx.path, fx.errors, fx.warnings, &fx.error);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    assert_non_null(c);
    expect_clean();
    assert_int_equal(c->n_custom_stretches, n);
    assert_int_equal(g_strv_length(c->stretches), n);
    dbk_config_free(c);
    best = MIN(best, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
  }
  return best;
}

/* As many stretches of the user's own as fit the file's limit load, each
 * in the rotation. How long that takes is a figure, printed, not a check:
 * timings have no place in a test a busy machine runs. */
static void test_many_stretches_load(void **state) {
  (void)state;
  enum { SMALL = 4000, LARGE = 4 * SMALL };
  g_autofree char *small = many_stretches(SMALL);
  g_autofree char *large = many_stretches(LARGE);
  assert_true(strlen(large) <= 1024 * 1024); /* within the limit on the file's size */
  double t_small = load_seconds(small, SMALL);
  double t_large = load_seconds(large, LARGE);
  print_message("# %d stretches: %.3f s, %d: %.3f s (%.1f times)\n", SMALL, t_small, LARGE, t_large,
                t_large / t_small);
}

/* ---- copy and equal ------------------------------------------------------ */

static void test_copy_and_equal(void **state) {
  (void)state;
  g_autoptr(DbkConfig) a = dbk_config_new_default();
  g_autoptr(DbkConfig) b = dbk_config_copy(a);
  assert_non_null(b);
  assert_true(dbk_config_equal(a, b));
  assert_true(dbk_config_equal(a, a));
  assert_true(a->stretches != b->stretches); /* a deep copy */

  /* Each field makes a difference. */
  b->interval += SEC;
  assert_false(dbk_config_equal(a, b));
  b->interval = a->interval;
  b->break_length += SEC;
  assert_false(dbk_config_equal(a, b));
  b->break_length = a->break_length;
  b->natural_break += SEC;
  assert_false(dbk_config_equal(a, b));
  b->natural_break = a->natural_break;
  b->snooze += SEC;
  assert_false(dbk_config_equal(a, b));
  b->snooze = a->snooze;
  b->remind_again = 0;
  assert_false(dbk_config_equal(a, b));
  b->remind_again = a->remind_again;
  b->urgency = DBK_URGENCY_CRITICAL;
  assert_false(dbk_config_equal(a, b));
  b->urgency = a->urgency;
  b->source = DBK_SOURCE_X11;
  assert_false(dbk_config_equal(a, b));
  b->source = a->source;
  assert_true(dbk_config_equal(a, b));

  /* Stretch lists: same content in a new array is equal; order, length, content differ. */
  g_strfreev(b->stretches);
  b->stretches = g_strsplit("bruegger;doorway", ";", -1);
  assert_true(dbk_config_equal(a, b));
  g_strfreev(b->stretches);
  b->stretches = g_strsplit("doorway;bruegger", ";", -1);
  assert_false(dbk_config_equal(a, b));
  g_strfreev(b->stretches);
  b->stretches = g_strsplit("bruegger", ";", -1);
  assert_false(dbk_config_equal(a, b));
  assert_false(dbk_config_equal(b, a));
  g_strfreev(b->stretches);
  b->stretches = g_strsplit("bruegger;doorway;bruegger", ";", -1);
  assert_false(dbk_config_equal(a, b));

  /* The copy outlives its original. */
  g_autoptr(DbkConfig) c = dbk_config_copy(b);
  g_clear_pointer(&b, dbk_config_free);
  assert_string_equal(c->stretches[2], "bruegger");
  assert_null(c->stretches[3]);

  dbk_config_free(NULL);
}

static void test_loaded_equals_default(void **state) {
  (void)state;
  g_autoptr(DbkConfig) d = dbk_config_new_default();
  DbkConfig *c = load_text("[timer]\ninterval=30m\n");
  assert_true(dbk_config_equal(c, d));
  c = load_text("[timer]\ninterval=31m\n");
  assert_false(dbk_config_equal(c, d));
}

/* ---- lookup order ------------------------------------------------------- */

static char *make_conf(const char *base) {
  g_autofree char *dir = g_build_filename(base, "deskbreak", NULL);
  g_mkdir_with_parents(dir, 0700);
  char *path = g_build_filename(dir, "deskbreak.conf", NULL);
  write_file(path, "[timer]\n", -1);
  return path;
}

static void expect_lookup(const char *want) {
  char *got = dbk_config_path_lookup();
  if (!want && got)
    fail_msg("lookup found %s, expected none", got);
  if (want && !got)
    fail_msg("lookup found nothing, expected %s", want);
  if (want && strcmp(got, want) != 0)
    fail_msg("lookup found %s, expected %s", got, want);
  free(got);
}

static void test_lookup_order(void **state) {
  (void)state;
  g_autofree char *home = g_build_filename(fx.dir, "home", NULL);
  g_autofree char *user = g_build_filename(fx.dir, "user-config", NULL);
  g_autofree char *sys1 = g_build_filename(fx.dir, "sys1", NULL);
  g_autofree char *sys2 = g_build_filename(fx.dir, "sys2", NULL);
  g_autofree char *dirs = g_strjoin(":", sys1, sys2, NULL);
  g_mkdir_with_parents(home, 0700);
  g_setenv("HOME", home, TRUE);
  g_setenv("XDG_CONFIG_HOME", user, TRUE);
  g_setenv("XDG_CONFIG_DIRS", dirs, TRUE);

  /* Nothing anywhere: NULL, the built-in defaults apply. */
  expect_lookup(NULL);

  /* Only the second system dir has one. */
  g_autofree char *in_sys2 = make_conf(sys2);
  expect_lookup(in_sys2);

  /* The first system dir that has one wins. */
  g_autofree char *in_sys1 = make_conf(sys1);
  expect_lookup(in_sys1);

  /* The user's file wins over all. */
  g_autofree char *in_user = make_conf(user);
  expect_lookup(in_user);

  /* Only regular files count: a directory in the user's place is skipped. */
  g_unlink(in_user);
  g_mkdir(in_user, 0700);
  expect_lookup(in_sys1);
  g_rmdir(in_user);
  expect_lookup(in_sys1);

  /* The user path, whether or not the file exists. */
  char *u = dbk_config_path_user();
  assert_non_null(u);
  assert_string_equal(u, in_user);
  free(u);
}

static void test_lookup_default_dirs(void **state) {
  (void)state;
  g_autofree char *home = g_build_filename(fx.dir, "home", NULL);
  g_mkdir_with_parents(home, 0700);
  g_setenv("HOME", home, TRUE);
  g_unsetenv("XDG_CONFIG_HOME");
  g_autofree char *sys = g_build_filename(fx.dir, "sys", NULL);
  g_setenv("XDG_CONFIG_DIRS", sys, TRUE);

  /* Without XDG_CONFIG_HOME: ~/.config. */
  g_autofree char *dotconfig = g_build_filename(home, ".config", NULL);
  g_autofree char *want_user = g_build_filename(dotconfig, "deskbreak", "deskbreak.conf", NULL);
  char *u = dbk_config_path_user();
  assert_non_null(u);
  assert_string_equal(u, want_user);
  free(u);

  expect_lookup(NULL);
  g_autofree char *in_sys = make_conf(sys);
  expect_lookup(in_sys);
  g_autofree char *in_home = make_conf(dotconfig);
  expect_lookup(in_home);
  assert_string_equal(in_home, want_user);

  /* An empty XDG_CONFIG_HOME counts as unset. */
  g_setenv("XDG_CONFIG_HOME", "", TRUE);
  expect_lookup(in_home);
}

static void on_skipped(const char *path, const char *what, void *data) {
  g_ptr_array_add(data, g_strdup_printf("%s is %s", path, what));
}

/* What is not a regular file is passed over, and the lookup says so. */
static void test_lookup_reports_skipped(void **state) {
  (void)state;
  g_autofree char *home = g_build_filename(fx.dir, "home", NULL);
  g_autofree char *user = g_build_filename(fx.dir, "user-config", NULL);
  g_autofree char *sys = g_build_filename(fx.dir, "sys", NULL);
  g_mkdir_with_parents(home, 0700);
  g_setenv("HOME", home, TRUE);
  g_setenv("XDG_CONFIG_HOME", user, TRUE);
  g_setenv("XDG_CONFIG_DIRS", sys, TRUE);
  g_autofree char *in_sys = make_conf(sys);
  g_autofree char *in_user = make_conf(user);
  g_unlink(in_user);
  if (mkfifo(in_user, 0600) < 0)
    fail_msg("mkfifo: %s", g_strerror(errno));

  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func(g_free);
  char *found = dbk_config_path_lookup_report(on_skipped, skipped);
  assert_non_null(found);
  assert_string_equal(found, in_sys);
  free(found);
  assert_int_equal(skipped->len, 1);
  g_autofree char *want = g_strdup_printf("%s is a FIFO", in_user);
  assert_string_equal(g_ptr_array_index(skipped, 0), want);

  /* The GLib wrapper turns it into a warning naming the path. */
  g_autofree char *path = dbk_config_find_path(fx.warnings);
  assert_string_equal(path, in_sys);
  assert_int_equal(fx.warnings->len, 1);
  const char *warning = g_ptr_array_index(fx.warnings, 0);
  if (!strstr(warning, in_user) || !strstr(warning, "a FIFO") || !strstr(warning, "skipped"))
    fail_msg("warning \"%s\" does not name %s, a FIFO, skipped", warning, in_user);

  /* Missing files are no news. */
  g_unlink(in_user);
  g_ptr_array_set_size(skipped, 0);
  found = dbk_config_path_lookup_report(on_skipped, skipped);
  assert_string_equal(found, in_sys);
  free(found);
  assert_int_equal(skipped->len, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(test_defaults),
      T(test_null_path_gives_defaults),
      T(test_empty_file_gives_defaults),
      T(test_installed_default_file),
      T(test_every_key),
      T(test_duration_spellings),
      T(test_trailing_blanks_accepted),
      T(test_keys_missing_keep_defaults),
      T(test_remind_again_zero_is_never),
      T(test_every_urgency),
      T(test_every_source),
      T(test_source_and_urgency_strings),
      T(test_bad_duration_syntax),
      T(test_empty_duration),
      T(test_duration_out_of_range),
      T(test_duration_range_limits_accepted),
      T(test_break_length_not_below_interval),
      T(test_short_interval_against_default_break_length),
      T(test_unknown_stretch),
      T(test_empty_stretches),
      T(test_single_stretch),
      T(test_bad_urgency),
      T(test_bad_source),
      T(test_inhibitors),
      T(test_respect_dnd),
      T(test_custom_stretch),
      T(test_custom_stretch_changes_equality),
      T(test_custom_stretch_errors),
      T(test_rotation_naming_a_bad_custom_stretch),
      T(test_unknown_stretch_key_warns),
      T(test_several_errors_each_reported),
      T(test_unknown_key_warns),
      T(test_unknown_group_warns),
      T(test_key_in_wrong_group_warns),
      T(test_not_a_key_file),
      T(test_missing_file),
      T(test_directory_is_not_a_file),
      T(test_fifo_is_not_read),
      T(test_symlink_to_device_is_not_read),
      T(test_directory_is_named),
      T(test_group_not_utf8),
      T(test_key_not_utf8),
      T(test_control_characters_escaped),
      T(test_value_not_utf8),
      T(test_path_not_utf8),
      T(test_long_value_quoted_short),
      T(test_long_names_quoted_short),
      T(test_long_line_quoted_short),
      T(test_unknown_stretch_among_many),
      T(test_file_too_large),
      T(test_many_stretches_load),
      T(test_copy_and_equal),
      T(test_loaded_equals_default),
      T(test_lookup_order),
      T(test_lookup_default_dirs),
      T(test_lookup_reports_skipped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
