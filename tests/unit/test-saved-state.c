/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The state file: round trip, fresh start, and broken files moved aside. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

#define BOOT_A "0123456789abcdef0123456789abcdef"
#define BOOT_B "fedcba9876543210fedcba9876543210"

static DbkSavedState full_state(void) {
  return (DbkSavedState){
      .rotation_pos = 2,
      .last_stretch = (char *)"doorway",
      .saved = {.boot_id = BOOT_A, .boottime = 123456789, .realtime = 1790000000000000},
      .engine =
          {
              .in_session = true,
              .sitting = 31 * DBK_USEC_PER_MIN,
              .due = true,
              .times_shown = 2,
              .since_shown = 40 * DBK_USEC_PER_SEC,
              .snooze_left = 0,
              .skip_left = 5 * DBK_USEC_PER_MIN,
              .paused = true,
              .pause_left = DBK_USEC_INFINITY,
          },
      .due_stretch = (char *)"bruegger",
      .notification_id = 42,
  };
}

static void assert_same_engine(const DbkEngineSnapshot *a, const DbkEngineSnapshot *b) {
  assert_int_equal(a->in_session, b->in_session);
  assert_int_equal(a->sitting, b->sitting);
  assert_int_equal(a->due, b->due);
  assert_int_equal(a->times_shown, b->times_shown);
  assert_int_equal(a->since_shown, b->since_shown);
  assert_int_equal(a->snooze_left, b->snooze_left);
  assert_int_equal(a->skip_left, b->skip_left);
  assert_int_equal(a->paused, b->paused);
  assert_int_equal(a->pause_left, b->pause_left);
}

static void test_round_trip(void **state) {
  (void)state;
  DbkSavedState saved = full_state();
  g_autoptr(GError) error = NULL;
  assert_true(dbk_saved_state_save(path, &saved, &error));
  g_auto(DbkSavedState) loaded;
  g_autofree char *warning = NULL;
  assert_true(dbk_saved_state_load(path, &loaded, &warning));
  assert_null(warning);
  assert_int_equal(loaded.rotation_pos, 2);
  assert_string_equal(loaded.last_stretch, "doorway");
  assert_string_equal(loaded.saved.boot_id, BOOT_A);
  assert_int_equal(loaded.saved.boottime, 123456789);
  assert_int_equal(loaded.saved.realtime, 1790000000000000);
  assert_same_engine(&loaded.engine, &saved.engine);
  assert_string_equal(loaded.due_stretch, "bruegger");
  assert_int_equal(loaded.notification_id, 42);
  assert_int_equal(broken_files(), 0);

  /* A pause with an end, a snooze, no session. */
  saved.engine = (DbkEngineSnapshot){.snooze_left = 7, .paused = true, .pause_left = 99};
  saved.due_stretch = NULL;
  assert_true(dbk_saved_state_save(path, &saved, &error));
  dbk_saved_state_clear(&loaded);
  assert_true(dbk_saved_state_load(path, &loaded, &warning));
  assert_same_engine(&loaded.engine, &saved.engine);
  assert_null(loaded.due_stretch);
}

/* Every prefix of a good file cut mid-line is known for what it is. */
static void test_truncated_moved_aside(void **state) {
  (void)state;
  DbkSavedState saved = full_state();
  assert_true(dbk_saved_state_save(path, &saved, NULL));
  g_autofree char *text = NULL;
  gsize len;
  assert_true(g_file_get_contents(path, &text, &len, NULL));
  g_autofree char *aside_dir = g_path_get_dirname(path);
  for (gsize cut = 1; cut < len - 1; cut++) {
    if (text[cut - 1] == '\n')
      continue; /* whole lines: still a file a crash can't leave behind */
    assert_true(g_file_set_contents(path, text, (gssize)cut, NULL));
    g_auto(DbkSavedState) loaded;
    g_autofree char *warning = NULL;
    assert_true(dbk_saved_state_load(path, &loaded, &warning));
    if (!warning)
      fail_msg("cut at %zu of %zu not noticed:\n%.*s", cut, len, (int)cut, text);
    assert_non_null(strstr(warning, "moved"));
  }
}

static void test_tidy(void **state) {
  (void)state;
  g_autofree char *parent = g_path_get_dirname(path);
  g_mkdir_with_parents(parent, 0700);
  static const char *const files[] = {
      "state.AB12Z3", "history.0LY8Y3", "state", "state.broken-20261122T010203",
      "other.ABCDEF", "state.AB12Z",    NULL};
  for (const char *const *f = files; *f; f++) {
    g_autofree char *p = g_build_filename(parent, *f, NULL);
    assert_true(g_file_set_contents(p, "x", -1, NULL));
    g_chmod(p, 0600);
  }
  /* Someone's own file of that shape, not 0600: left alone. */
  g_autofree char *backup = g_build_filename(parent, "history.backup", NULL);
  assert_true(g_file_set_contents(backup, "x", -1, NULL));
  g_chmod(backup, 0644);
  static const char *const names[] = {"state", "history", NULL};
  assert_int_equal(dbk_state_dir_tidy(parent, names), 2);
  assert_true(g_file_test(backup, G_FILE_TEST_EXISTS));
  for (const char *const *f = files + 2; *f; f++) {
    g_autofree char *p = g_build_filename(parent, *f, NULL);
    assert_true(g_file_test(p, G_FILE_TEST_EXISTS));
  }
}

static void test_gap(void **state) {
  (void)state;
  DbkStamp then = {.boot_id = BOOT_A, .boottime = 100, .realtime = 5000};
  DbkStamp now = {.boot_id = BOOT_A, .boottime = 160, .realtime = 1000};
  DbkUsec gap = 0;
  /* Same boot: the boot clock, whatever the wall clock did. */
  assert_true(dbk_stamp_gap(&then, &now, &gap));
  assert_int_equal(gap, 60);
  /* Another boot: the wall clock. */
  DbkStamp later = {.boot_id = BOOT_B, .boottime = 3, .realtime = 9000};
  assert_true(dbk_stamp_gap(&then, &later, &gap));
  assert_int_equal(gap, 4000);
  /* Without a boot id, the wall clock too… */
  assert_true(dbk_stamp_gap(&(DbkStamp){.realtime = 400}, &now, &gap));
  assert_int_equal(gap, 600);
  /* …unless it went back. */
  assert_false(dbk_stamp_gap(&then, &(DbkStamp){.boot_id = BOOT_B, .realtime = 10}, &gap));
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
  write_state("[rotation]\nposition=-4\n[saved]\nboottime=1\ncomplete=true\n");
  expect_moved_aside("a negative position");
}

static void test_bad_id_moved_aside(void **state) {
  (void)state;
  write_state("[rotation]\nposition=1\nlast=../../etc\n[saved]\nboottime=1\ncomplete=true\n");
  expect_moved_aside("a bad id");
}

static void test_empty_moved_aside(void **state) {
  (void)state;
  write_state("");
  expect_moved_aside("an empty file");
}

static void test_no_saved_group_moved_aside(void **state) {
  (void)state;
  write_state("[rotation]\nposition=1\nlast=doorway\n[session]\nin-session=true\n");
  expect_moved_aside("a file without its last group");
}

static void test_nonsense_values_moved_aside(void **state) {
  (void)state;
  write_state(
      "[session]\nin-session=maybe\n[saved]\nboot-id=\nboottime=1\nrealtime=1\ncomplete=true\n");
  expect_moved_aside("a bad boolean");
  g_unlink(path);
  write_state("[session]\nin-session=false\ndue=true\n[saved]\nboottime=1\ncomplete=true\n");
  /* expect_moved_aside() counts one broken file: start that count over. */
  g_autofree char *warning = NULL;
  g_auto(DbkSavedState) loaded;
  assert_true(dbk_saved_state_load(path, &loaded, &warning));
  assert_non_null(warning);
  assert_false(loaded.engine.due);
}

static void test_directory_in_the_way(void **state) {
  (void)state;
  g_mkdir_with_parents(path, 0700);
  expect_moved_aside("a directory");
}

/* A stamp taken with the clock set before 1970 reads back. */
static void test_round_trip_before_1970(void **state) {
  (void)state;
  DbkSavedState saved = full_state();
  saved.saved.realtime = -86400 * (gint64)G_USEC_PER_SEC - 1;
  assert_true(dbk_saved_state_save(path, &saved, NULL));
  g_auto(DbkSavedState) loaded;
  g_autofree char *warning = NULL;
  assert_true(dbk_saved_state_load(path, &loaded, &warning));
  if (warning)
    fail_msg("%s", warning);
  assert_int_equal(loaded.saved.realtime, saved.saved.realtime);
  assert_int_equal(broken_files(), 0);
}

#define SECRET "SECRET-7f3a"

/* What is wrong is said without a byte of what the file holds. */
static void test_warning_quotes_nothing(void **state) {
  (void)state;
  static const char *const texts[] = {
      SECRET " is not a key file\n",
      "[rotation]\nposition=" SECRET "\n[saved]\nboottime=1\ncomplete=true\n",
      "[saved]\nboottime=" SECRET "\ncomplete=true\n",
      "[" SECRET "\n",
      "[session]\nin-session=" SECRET "\n[saved]\nboottime=1\ncomplete=true\n",
      "[rotation]\nlast=" SECRET "\n[saved]\nboottime=1\ncomplete=true\n",
      "[saved]\nboot-id=" SECRET "\ncomplete=true\n",
      "[saved]\ncomplete=" SECRET "\n",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
    g_unlink(path);
    write_state(texts[i]);
    g_auto(DbkSavedState) loaded;
    g_autofree char *warning = NULL;
    assert_true(dbk_saved_state_load(path, &loaded, &warning));
    assert_non_null(warning);
    if (strstr(warning, "SECRET"))
      fail_msg("the warning quotes the file: %s", warning);
  }
}

static char *write_target(const char *text) {
  char *target = g_build_filename(dir, "elsewhere", NULL);
  assert_true(g_file_set_contents(target, text, -1, NULL));
  return target;
}

static void assert_file_is(const char *file, const char *text) {
  g_autofree char *data = NULL;
  assert_true(g_file_get_contents(file, &data, NULL, NULL));
  assert_string_equal(data, text);
}

/* A symbolic link at the state path: not followed, its target neither read
 * nor quoted; the link is moved aside. */
static void test_symlink_moved_aside(void **state) {
  (void)state;
  static const char secret[] = SECRET " someone else's file\n";
  g_autofree char *target = write_target(secret);
  g_autofree char *parent = g_path_get_dirname(path);
  g_mkdir_with_parents(parent, 0700);
  assert_int_equal(symlink(target, path), 0);
  g_auto(DbkSavedState) loaded;
  g_autofree char *warning = NULL;
  assert_true(dbk_saved_state_load(path, &loaded, &warning));
  assert_non_null(warning);
  if (strstr(warning, "SECRET") || !strstr(warning, "symbolic link"))
    fail_msg("%s", warning);
  assert_int_equal(broken_files(), 1);
  assert_file_is(target, secret);

  /* Even a link to a good state file is not taken. */
  g_unlink(target);
  DbkSavedState saved = full_state();
  assert_true(dbk_saved_state_save(target, &saved, NULL));
  assert_int_equal(symlink(target, path), 0);
  dbk_saved_state_clear(&loaded);
  g_clear_pointer(&warning, g_free);
  assert_true(dbk_saved_state_load(path, &loaded, &warning));
  assert_non_null(warning);
  assert_int_equal(loaded.rotation_pos, 0);
}

/* Writes replace a link at the state path, never the file it points to. */
static void test_save_replaces_a_symlink(void **state) {
  (void)state;
  static const char secret[] = SECRET " someone else's file\n";
  g_autofree char *target = write_target(secret);
  g_autofree char *parent = g_path_get_dirname(path);
  g_mkdir_with_parents(parent, 0700);
  DbkSavedState saved = full_state();
  for (int durable = 0; durable < 2; durable++) {
    g_unlink(path);
    assert_int_equal(symlink(target, path), 0);
    g_autoptr(GError) error = NULL;
    assert_true(durable ? dbk_saved_state_save(path, &saved, &error)
                        : dbk_saved_state_refresh(path, &saved, &error));
    assert_file_is(target, secret);
    GStatBuf st;
    assert_int_equal(g_lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    g_auto(DbkSavedState) loaded;
    g_autofree char *warning = NULL;
    assert_true(dbk_saved_state_load(path, &loaded, &warning));
    assert_null(warning);
    assert_int_equal(loaded.rotation_pos, 2);
  }
}

/* A FIFO at the state path neither blocks the start nor is read. */
static void test_fifo_moved_aside(void **state) {
  (void)state;
  g_autofree char *parent = g_path_get_dirname(path);
  g_mkdir_with_parents(parent, 0700);
  assert_int_equal(mkfifo(path, 0600), 0);
  expect_moved_aside("a FIFO");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_is_a_fresh_start, setup, teardown),
      cmocka_unit_test_setup_teardown(test_garbage_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_binary_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_values_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_id_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_empty_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_saved_group_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_nonsense_values_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_truncated_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gap, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tidy, setup, teardown),
      cmocka_unit_test_setup_teardown(test_directory_in_the_way, setup, teardown),
      cmocka_unit_test_setup_teardown(test_round_trip_before_1970, setup, teardown),
      cmocka_unit_test_setup_teardown(test_warning_quotes_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_symlink_moved_aside, setup, teardown),
      cmocka_unit_test_setup_teardown(test_save_replaces_a_symlink, setup, teardown),
      cmocka_unit_test_setup_teardown(test_fifo_moved_aside, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
