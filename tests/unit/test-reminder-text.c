/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reminder's words, and their escaping for servers that read markup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "reminder-text.h"

static const DbkStretch tricky = {
    .id = "tricky",
    .title = "Tom & Jerry's <reach>",
    .steps = {"Reach up & out.", "Hold <gently>, then \"let go\"."},
    .hold = "Hold 5 s > 3 s.",
    .safety = "Stop at pain.",
};

static void test_summary(void **state) {
  (void)state;
  g_autofree char *first = dbk_reminder_summary(dbk_stretch_find("doorway"), 1);
  g_autofree char *again = dbk_reminder_summary(dbk_stretch_find("doorway"), 2);
  assert_string_equal(first, "Time to stretch: Doorway stretch");
  assert_string_equal(again, "Still sitting — Doorway stretch");
}

static void test_body_plain(void **state) {
  (void)state;
  g_autofree char *body = dbk_reminder_body(&tricky, FALSE, FALSE);
  assert_string_equal(body, "1. Reach up & out.\n"
                            "2. Hold <gently>, then \"let go\".\n"
                            "Hold 5 s > 3 s.\n"
                            "Stop at pain.");
}

static void test_body_markup_escaped(void **state) {
  (void)state;
  g_autofree char *body = dbk_reminder_body(&tricky, TRUE, FALSE);
  assert_string_equal(body, "1. Reach up &amp; out.\n"
                            "2. Hold &lt;gently&gt;, then &quot;let go&quot;.\n"
                            "Hold 5 s &gt; 3 s.\n"
                            "Stop at pain.");
  /* It parses as markup (inside an element, as servers wrap it). */
  g_autofree char *doc = g_strdup_printf("<b>%s</b>", body);
  GMarkupParser parser = {0};
  g_autoptr(GMarkupParseContext) ctx = g_markup_parse_context_new(&parser, 0, NULL, NULL);
  assert_true(g_markup_parse_context_parse(ctx, doc, -1, NULL));
  assert_true(g_markup_parse_context_end_parse(ctx, NULL));
}

static void test_body_without_actions(void **state) {
  (void)state;
  g_autofree char *body = dbk_reminder_body(dbk_stretch_find("bruegger"), FALSE, TRUE);
  assert_non_null(strstr(body, "1. "));
  assert_true(g_str_has_suffix(body, DBK_REMINDER_NO_ACTIONS_HINT));
  g_autofree char *with = dbk_reminder_body(dbk_stretch_find("bruegger"), FALSE, FALSE);
  assert_null(strstr(with, "deskbreak break"));
}

static void test_every_builtin_fits(void **state) {
  (void)state;
  size_t n;
  const DbkStretch *all = dbk_stretches_builtin(&n);
  for (size_t i = 0; i < n; i++) {
    g_autofree char *body = dbk_reminder_body(&all[i], TRUE, TRUE);
    g_autofree char *summary = dbk_reminder_summary(&all[i], 1);
    assert_true(g_utf8_validate(body, -1, NULL));
    assert_true(strlen(summary) < 80);
    assert_true(strlen(body) < 600);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_summary),
      cmocka_unit_test(test_body_plain),
      cmocka_unit_test(test_body_markup_escaped),
      cmocka_unit_test(test_body_without_actions),
      cmocka_unit_test(test_every_builtin_fits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
