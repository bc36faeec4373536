/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The stretch catalogue: ids the config can name, and texts short enough
 * for a notification body.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stretches.h"

/* Longest step, hold or safety line: about one line of a notification. */
#define LINE_MAX_CHARS 90
/* Longest whole body: steps, hold and safety, one a line. */
#define BODY_MAX_CHARS 400

static void assert_sentence(const char *text) {
  assert_non_null(text);
  size_t len = strlen(text);
  assert_true(len > 0);
  if (len > LINE_MAX_CHARS)
    fail_msg("%zu chars, more than %d: \"%s\"", len, LINE_MAX_CHARS, text);
  /* One line each: the notifier lays them out. */
  assert_null(strchr(text, '\n'));
  assert_true(text[0] >= 'A' && text[0] <= 'Z');
  assert_int_equal(text[len - 1], '.');
}

static void test_catalogue_not_empty(void **state) {
  size_t n = 0;
  const DbkStretch *all = dbk_stretches_builtin(&n);
  assert_non_null(all);
  assert_true(n >= 6);
  /* ret_n is optional. */
  assert_ptr_equal(dbk_stretches_builtin(NULL), all);
}

static void test_ids_unique_and_well_formed(void **state) {
  size_t n;
  const DbkStretch *all = dbk_stretches_builtin(&n);

  for (size_t i = 0; i < n; i++) {
    const char *id = all[i].id;
    assert_non_null(id);
    assert_true(strlen(id) > 0);
    /* lowercase words joined by single dashes: "wall-angels" */
    assert_true(id[0] >= 'a' && id[0] <= 'z');
    assert_int_not_equal(id[strlen(id) - 1], '-');
    for (const char *p = id; *p; p++) {
      if (*p == '-')
        assert_int_not_equal(p[1], '-');
      else if (!(*p >= 'a' && *p <= 'z'))
        fail_msg("id \"%s\": '%c' is not a lowercase letter or dash", id, *p);
    }
    /* ';' separates ids in the config's list. */
    assert_null(strchr(id, ';'));
    for (size_t j = i + 1; j < n; j++)
      if (strcmp(id, all[j].id) == 0)
        fail_msg("id \"%s\" appears twice", id);
  }
}

static void test_texts(void **state) {
  size_t n;
  const DbkStretch *all = dbk_stretches_builtin(&n);

  for (size_t i = 0; i < n; i++) {
    const DbkStretch *s = &all[i];
    assert_non_null(s->title);
    assert_true(strlen(s->title) > 0 && strlen(s->title) <= 40);
    assert_null(strchr(s->title, '\n'));

    size_t steps = 0, body = 0;
    for (size_t k = 0; k < DBK_STRETCH_STEPS_MAX; k++) {
      if (!s->steps[k])
        continue;
      /* Steps are packed from the start: no hole before a step. */
      assert_int_equal(k, steps);
      assert_sentence(s->steps[k]);
      body += strlen(s->steps[k]) + 4; /* "1. " and a newline */
      steps++;
    }
    if (steps < 2 || steps > 3)
      fail_msg("\"%s\" has %zu steps; 2 or 3 wanted", s->id, steps);

    assert_sentence(s->hold);
    body += strlen(s->hold) + 1;
    if (s->safety) {
      assert_sentence(s->safety);
      body += strlen(s->safety) + 1;
    }
    if (body > BODY_MAX_CHARS)
      fail_msg("\"%s\": body of %zu chars, more than %d", s->id, body, BODY_MAX_CHARS);
  }
}

static void test_find(void **state) {
  size_t n;
  const DbkStretch *all = dbk_stretches_builtin(&n);

  for (size_t i = 0; i < n; i++)
    assert_ptr_equal(dbk_stretch_find(all[i].id), &all[i]);

  /* The ids DESIGN.md and the man page promise. */
  static const char *const promised[] = {
      "bruegger",           "doorway",      "wall-angels",
      "backrest-extension", "seated-twist", "reach-and-squeeze",
  };
  for (size_t i = 0; i < sizeof(promised) / sizeof(promised[0]); i++)
    assert_non_null(dbk_stretch_find(promised[i]));

  assert_string_equal(dbk_stretch_find("bruegger")->title, "Bruegger's relief position");
  assert_string_equal(dbk_stretch_find("doorway")->title, "Doorway stretch");
}

static void test_find_unknown(void **state) {
  assert_null(dbk_stretch_find(NULL));
  assert_null(dbk_stretch_find(""));
  assert_null(dbk_stretch_find("Bruegger"));
  assert_null(dbk_stretch_find("bruegger "));
  assert_null(dbk_stretch_find("brueg"));
  assert_null(dbk_stretch_find("bruegger;doorway"));
  assert_null(dbk_stretch_find("no-such-stretch"));
}

static void test_default_rotation_exists(void **state) {
  char list[] = DBK_DEFAULT_STRETCHES;
  size_t count = 0;

  for (char *save = NULL, *id = strtok_r(list, ";", &save); id; id = strtok_r(NULL, ";", &save)) {
    if (!dbk_stretch_find(id))
      fail_msg("default stretch \"%s\" is not in the catalogue", id);
    count++;
  }
  assert_int_equal(count, 2);
  assert_string_equal(DBK_DEFAULT_STRETCHES, "bruegger;doorway");
}

/* ---- the rotation ---- */

static void test_rotation_in_turn(void **state) {
  (void)state;
  const char *ids[] = {"bruegger", "doorway", "wall-angels", NULL};
  assert_int_equal(dbk_rotation_next(ids, 0, NULL), 0);
  assert_int_equal(dbk_rotation_next(ids, 1, "bruegger"), 1);
  assert_int_equal(dbk_rotation_next(ids, 2, "doorway"), 2);
  /* Wraps around. */
  assert_int_equal(dbk_rotation_next(ids, 3, "wall-angels"), 0);
  assert_int_equal(dbk_rotation_next(ids, 4, "bruegger"), 1);
}

static void test_rotation_never_twice_in_a_row(void **state) {
  (void)state;
  /* A list that repeats an id back to back, or across the wrap. */
  const char *ids[] = {"doorway", "doorway", "bruegger", "doorway", NULL};
  const char *last = NULL;
  size_t pos = 0;
  for (int i = 0; i < 20; i++) {
    size_t next = dbk_rotation_next(ids, pos, last);
    assert_true(next < 4);
    if (last)
      assert_string_not_equal(ids[next], last);
    last = ids[next];
    pos = next + 1;
  }
}

static void test_rotation_after_the_list_changed(void **state) {
  (void)state;
  /* The last one shown is no longer in the list; a position past the end wraps. */
  const char *ids[] = {"seated-twist", "doorway", NULL};
  assert_int_equal(dbk_rotation_next(ids, 5, "bruegger"), 1);
  assert_int_equal(dbk_rotation_next(ids, 1, "doorway"), 0);
}

static void test_rotation_of_one(void **state) {
  (void)state;
  /* One stretch only: it is the one every time. */
  const char *ids[] = {"doorway", NULL};
  assert_int_equal(dbk_rotation_next(ids, 0, "doorway"), 0);
  assert_int_equal(dbk_rotation_next(ids, 1, "doorway"), 0);
  const char *same[] = {"doorway", "doorway", NULL};
  assert_int_equal(dbk_rotation_next(same, 1, "doorway"), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_catalogue_not_empty),
      cmocka_unit_test(test_ids_unique_and_well_formed),
      cmocka_unit_test(test_texts),
      cmocka_unit_test(test_find),
      cmocka_unit_test(test_find_unknown),
      cmocka_unit_test(test_default_rotation_exists),
      cmocka_unit_test(test_rotation_in_turn),
      cmocka_unit_test(test_rotation_never_twice_in_a_row),
      cmocka_unit_test(test_rotation_after_the_list_changed),
      cmocka_unit_test(test_rotation_of_one),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
