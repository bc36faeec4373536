/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The built-in stretches. Each one has to fit a desktop notification: a
 * title for the summary, two or three short steps, one line on how long
 * to hold, and a safety line for those that bend, twist or load a joint
 * (the gentle posture resets go without it, to keep the body short).
 */
#include "stretches.h"

#include <string.h>

#define SAFETY "Go gently and never force it; stop at sharp or shooting pain, numbness or tingling."

static const DbkStretch builtin[] = {
    {
        .id = "bruegger",
        .title = "Bruegger's relief position",
        .steps =
            {
                "Sit on the front edge of your chair, knees apart, feet turned slightly out.",
                "Let your arms hang, palms facing forward; roll your shoulders back and down.",
                "Tuck your chin in and sit tall.",
            },
        .hold = "Hold about 30 s, breathing slowly.",
        .safety = NULL,
    },
    {
        .id = "doorway",
        .title = "Doorway stretch",
        .steps =
            {
                "Stand in a doorway, forearms on the frame, elbows at shoulder height.",
                "Step one foot forward and lean in until your chest feels the stretch.",
            },
        .hold = "Hold about 30 s, then step back slowly.",
        .safety = SAFETY,
    },
    {
        .id = "wall-angels",
        .title = "Wall angels",
        .steps =
            {
                "Stand with your back to a wall, arms bent in a W against it.",
                "Slide your arms slowly up and down, keeping them touching the wall.",
            },
        .hold = "Repeat about 15 times.",
        .safety = SAFETY,
    },
    {
        .id = "backrest-extension",
        .title = "Chair backrest extension",
        .steps =
            {
                "Sit back in your chair, hands behind your head to support it.",
                "Breathe out and lean back slowly over the top of the backrest.",
            },
        .hold = "Hold a breath or two, sit up, and repeat 3 to 5 times.",
        .safety = SAFETY,
    },
    {
        .id = "seated-twist",
        .title = "Seated twist",
        .steps =
            {
                "Slide your hips forward on the seat and sit tall.",
                "Hold the chair and turn your upper body slowly to one side, no jerking.",
                "Come back to the middle, then turn to the other side.",
            },
        .hold = "Hold each side about 15 s, breathing slowly.",
        .safety = SAFETY,
    },
    {
        .id = "reach-and-squeeze",
        .title = "Reach and squeeze",
        .steps =
            {
                "Stand up and reach both arms toward the ceiling.",
                "Lower your elbows and squeeze your shoulder blades together.",
            },
        .hold = "Hold the squeeze a few seconds; repeat 3 times.",
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
