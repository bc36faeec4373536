/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The state file: round trip, fresh start, and broken files moved aside. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>

#include "saved-state.h"

static char *dir;
static char *path;

static int setup(void **state) {
  (void)state;
  dir = g_dir_make_tmp("deskbreak-state-XXXXXX", NULL);
  path = g_build_filename(dir, "deskbreak", "state", NULL);
  return 0;
}

static void remove_tree(const char *p) {
  GDir *d = g_dir_open(p, 0, NULL);
  if (d) {
    const char *name;
    while ((name = g_dir_read_name(d))) {
      g_autofree char *child = g_build_filename(p, name, NULL);
      remove_tree(child);
    }
    g_dir_close(d);
    g_rmdir(p);
  } else {
    g_unlink(p);
  }
}

static int teardown(void **state) {
  (void)state;
  remove_tree(dir);
  g_free(dir);
  g_free(path);
  return 0;
}

/* Files beside the state file whose name starts with "state.broken-". */
static unsigned broken_files(void) {
  g_autofree char *parent = g_path_get_dirname(path);
  GDir *d = g_dir_open(parent, 0, NULL);
  unsigned n = 0;
  const char *name;
  while (d && (name = g_dir_read_name(d)))
    if (g_str_has_prefix(name, "state.broken-"))
      n++;
  if (d)
    g_dir_close(d);
  return n;
}

static void write_state(const char *text) {
  g_autofree char *parent = g_path_get_dirname(path);
  g_mkdir_with_parents(parent, 0700);
  assert_true(g_file_set_contents(path, text, -1, NULL));
}

static void test_round_trip(void **state) {
  (void)state;
  DbkSavedState saved = {.rotation_pos = 2, .last_stretch = (char *)"doorway"};
  g_autoptr(GError) error = NULL;
  assert_true(dbk_saved_state_save(path, &saved, &error));
  DbkSavedState loaded;
  g_autofree char *warning = NULL;
  assert_true(dbk_saved_state_load(path, &loaded, &warning));
  assert_null(warning);
  assert_int_equal(loaded.rotation_pos, 2);
  assert_string_equal(loaded.last_stretch, "doorway");
  dbk_saved_state_clear(&loaded);
  assert_int_equal(broken_files(), 0);
}

static void test_missing_is_a_fresh_start(void **state) {
  (void)state;
  DbkSavedState loaded;
  g_autofree char *warning = NULL;
  assert_true(dbk_saved_state_load(path, &loaded, &warning));
  assert_null(warning);
  assert_int_equal(loaded.rotation_pos, 0);
  assert_null(loaded.last_stretch);
}

static void expect_moved_aside(const char *what) {
  DbkSavedState loaded;
  g_autofree char *warning = NULL;
  assert_true(dbk_saved_state_load(path, &loaded, &warning));
  if (!warning)
    fail_msg("no warning for %s", what);
  assert_non_null(strstr(warning, path));
  assert_non_null(strstr(warning, "moved"));
  assert_int_equal(loaded.rotation_pos, 0);
  assert_null(loaded.last_stretch);
  assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
  assert_int_equal(broken_files(), 1);
  /* And a save works again afterwards. */
  DbkSavedState fresh = {.rotation_pos = 1};
  assert_true(dbk_saved_state_save(path, &fresh, NULL));
}

static void test_garbage_moved_aside(void **state) {
  (void)state;
  write_state("\x01\x02 not a key file\n=\n[");
  expect_moved_aside("garbage");
}

static void test_binary_moved_aside(void **state) {
  (void)state;
  g_autofree char *parent = g_path_get_dirname(path);
  g_mkdir_with_parents(parent, 0700);
  static const char binary[] = "\0\xff garbage [";
  assert_true(g_file_set_contents(path, binary, sizeof(binary) - 1, NULL));
  expect_moved_aside("binary bytes");
}

static void test_bad_values_moved_aside(void **state) {
  (void)state;
  write_state("[rotation]\nposition=-4\n");
  expect_moved_aside("a negative position");
}

static void test_bad_id_moved_aside(void **state) {
  (void)state;
  write_state("[rotation]\nposition=1\nlast=../../etc\n");
  expect_moved_aside("a bad id");
}

static void test_empty_file_is_a_fresh_start(void **state) {
  (void)state;
  write_state("");
  DbkSavedState loaded;
  g_autofree char *warning = NULL;
  assert_true(dbk_saved_state_load(path, &loaded, &warning));
  assert_null(warning);
  assert_int_equal(loaded.rotation_pos, 0);
}

static void test_directory_in_the_way(void **state) {
  (void)state;
  g_mkdir_with_parents(path, 0700);
  expect_moved_aside("a directory");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_is_a_fresh_start, setup, teardown),
      cmocka_unit_test_setup_teardown(test_garbage_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_binary_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_values_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_id_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_empty_file_is_a_fresh_start, setup, teardown),
      cmocka_unit_test_setup_teardown(test_directory_in_the_way, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
