/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The built-in stretches. Each one has to fit a desktop notification: a
 * title for the summary, two or three short steps, one line on how long
 * to hold, and a safety line for those that bend, twist or load a joint
 * (the gentle posture resets go without it, to keep the body short).
 */
#include "stretches.h"

#include <string.h>

#include "i18n.h"

/*
 * The texts are instructions for the body, and a translation has to say
 * exactly which body part moves which way: a wrong instruction is worse
 * than an English one. So each text has a comment for translators that
 * describes the movement in plain words.
 */

/* TRANSLATORS: the safety line under the stretches that bend, twist or
 * load a joint: move gently, never push a stretch further by force; stop
 * at once at a sharp or shooting pain, or on feeling numbness or tingling
 * (pins and needles). */
#define SAFETY                                                                                     \
  N_("Go gently and never force it; stop at sharp or shooting pain, numbness or tingling.")

static const DbkStretch builtin[] = {
    {
        .id = "bruegger",
        /* TRANSLATORS: a stretch's name: a sitting posture exercise named
         * after the Swiss neurologist Alois Brügger (English spelling
         * Bruegger) that undoes a slumped sitting posture. Use the name
         * it has in your language where it has one. */
        .title = N_("Bruegger's relief position"),
        .steps =
            {
                /* TRANSLATORS: Bruegger, step 1: sit on the front edge of
                 * the chair's seat, not leaning back; the knees apart,
                 * wider than the hips; the feet turned a little outward
                 * (toes pointing slightly away from each other). */
                N_("Sit on the front edge of your chair, knees apart, feet turned slightly out."),
                /* TRANSLATORS: Bruegger, step 2: the arms hang straight
                 * down at the sides, the hands turned so that the palms
                 * face forward (thumbs pointing outward, away from the
                 * body); the shoulders roll backward and then sink down,
                 * away from the ears, never pulled up. */
                N_("Let your arms hang, palms facing forward; roll your shoulders back and down."),
                /* TRANSLATORS: Bruegger, step 3: the chin moves straight
                 * back (a slight double chin), not down toward the chest;
                 * the back straightens, as if the top of the head were
                 * pulled up. */
                N_("Tuck your chin in and sit tall."),
            },
        /* TRANSLATORS: Bruegger: keep this position for about 30
         * seconds while breathing slowly. */
        .hold = N_("Hold about 30 s, breathing slowly."),
        .safety = NULL,
    },
    {
        .id = "doorway",
        /* TRANSLATORS: a stretch's name: a stretch of the chest and the
         * front of the shoulders, done standing in a door frame. */
        .title = N_("Doorway stretch"),
        .steps =
            {
                /* TRANSLATORS: doorway, step 1: stand in an open doorway,
                 * facing through it; both forearms rest upright against
                 * the two sides of the door frame, the elbows bent and
                 * level with the shoulders. */
                N_("Stand in a doorway, forearms on the frame, elbows at shoulder height."),
                /* TRANSLATORS: doorway, step 2: one foot steps forward
                 * through the doorway and the body leans forward, the
                 * forearms staying on the frame, until a stretch is felt
                 * across the chest. */
                N_("Step one foot forward and lean in until your chest feels the stretch."),
            },
        /* TRANSLATORS: doorway: keep the lean for about 30 seconds, then
         * step back slowly to end the stretch. */
        .hold = N_("Hold about 30 s, then step back slowly."),
        .safety = SAFETY,
    },
    {
        .id = "wall-angels",
        /* TRANSLATORS: a stretch's name: standing with the back to a
         * wall, the arms slide up and down along it, like making a snow
         * angel. */
        .title = N_("Wall angels"),
        .steps =
            {
                /* TRANSLATORS: wall angels, step 1: stand with the back
                 * against a wall; the upper arms out to the sides, the
                 * elbows bent and the forearms pointing up, the backs of
                 * the arms and hands against the wall, so that the arms
                 * make the letter W. */
                N_("Stand with your back to a wall, arms bent in a W against it."),
                /* TRANSLATORS: wall angels, step 2: slowly slide the arms
                 * up the wall above the head and back down to the W, the
                 * arms and hands touching the wall the whole time. */
                N_("Slide your arms slowly up and down, keeping them touching the wall."),
            },
        /* TRANSLATORS: wall angels: do the up-and-down movement about 15
         * times. */
        .hold = N_("Repeat about 15 times."),
        .safety = SAFETY,
    },
    {
        .id = "backrest-extension",
        /* TRANSLATORS: a stretch's name: bending the upper back backward
         * over the top of the chair's backrest. */
        .title = N_("Chair backrest extension"),
        .steps =
            {
                /* TRANSLATORS: backrest extension, step 1: sit all the
                 * way back on the seat, against the backrest; the hands
                 * are clasped behind the head and carry its weight (they
                 * do not pull it forward). */
                N_("Sit back in your chair, hands behind your head to support it."),
                /* TRANSLATORS: backrest extension, step 2: while breathing
                 * out, bend the upper back slowly backward over the top
                 * edge of the backrest, which the back pivots on; the
                 * head goes back with it, still supported by the
                 * hands. */
                N_("Breathe out and lean back slowly over the top of the backrest."),
            },
        /* TRANSLATORS: backrest extension: stay bent back for one or two
         * breaths, come back up to sitting upright, and do the whole
         * movement 3 to 5 times. */
        .hold = N_("Hold a breath or two, sit up, and repeat 3 to 5 times."),
        .safety = SAFETY,
    },
    {
        .id = "seated-twist",
        /* TRANSLATORS: a stretch's name: a rotation of the spine,
         * sitting on a chair. */
        .title = N_("Seated twist"),
        .steps =
            {
                /* TRANSLATORS: seated twist, step 1: move the buttocks
                 * forward on the seat, away from the backrest, and sit
                 * with the back upright. */
                N_("Slide your hips forward on the seat and sit tall."),
                /* TRANSLATORS: seated twist, step 2: holding on to the
                 * chair with the hands, turn the chest and shoulders
                 * slowly to one side around the spine, the hips staying
                 * where they are; a smooth movement, without sudden
                 * pulls. */
                N_("Hold the chair and turn your upper body slowly to one side, no jerking."),
                /* TRANSLATORS: seated twist, step 3: turn back to face
                 * forward, then turn the same way to the opposite
                 * side. */
                N_("Come back to the middle, then turn to the other side."),
            },
        /* TRANSLATORS: seated twist: stay turned about 15 seconds on each
         * side, breathing slowly. */
        .hold = N_("Hold each side about 15 s, breathing slowly."),
        .safety = SAFETY,
    },
    {
        .id = "reach-and-squeeze",
        /* TRANSLATORS: a stretch's name: standing, stretch both arms up,
         * then pull the shoulder blades together. */
        .title = N_("Reach and squeeze"),
        .steps =
            {
                /* TRANSLATORS: reach and squeeze, step 1: get up from the
                 * chair and stretch both arms straight up toward the
                 * ceiling, as high as they go. */
                N_("Stand up and reach both arms toward the ceiling."),
                /* TRANSLATORS: reach and squeeze, step 2: bend the arms,
                 * bringing the elbows down and back toward the sides of
                 * the body, and press the shoulder blades toward each
                 * other at the back. */
                N_("Lower your elbows and squeeze your shoulder blades together."),
            },
        /* TRANSLATORS: reach and squeeze: keep the shoulder blades
         * pressed together for a few seconds; do the whole movement 3
         * times. */
        .hold = N_("Hold the squeeze a few seconds; repeat 3 times."),
        .safety = NULL,
    },
};

const DbkStretch *dbk_stretches_builtin(size_t *ret_n) {
  if (ret_n)
    *ret_n = sizeof(builtin) / sizeof(builtin[0]);
  return builtin;
}

const DbkStretch *dbk_stretch_find(const char *id) {
  if (!id)
    return NULL;
  for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
    if (strcmp(builtin[i].id, id) == 0)
      return &builtin[i];
  return NULL;
}

/* gettext() of "" is the catalog's header: an empty text stays empty. */
static const char *translated(const char *text) {
  return text && *text ? _(text) : text;
}

DbkStretch dbk_stretch_translated(const DbkStretch *stretch) {
  DbkStretch t = *stretch;

  /* The user's own stretches are theirs, shown as written; an id is never
   * both (the config refuses a built-in id for them). */
  if (!dbk_stretch_find(stretch->id))
    return t;
  t.title = translated(t.title);
  for (unsigned i = 0; i < DBK_STRETCH_STEPS_MAX; i++)
    t.steps[i] = translated(t.steps[i]);
  t.hold = translated(t.hold);
  t.safety = translated(t.safety);
  return t;
}

size_t dbk_rotation_next(const char *const *ids, size_t pos, const char *last) {
  size_t n = 0;
  while (ids[n])
    n++;
  if (n == 0)
    return 0;
  for (size_t k = 0; k < n; k++) {
    size_t i = (pos + k) % n;
    if (!last || strcmp(ids[i], last) != 0)
      return i;
  }
  return pos % n;
}
