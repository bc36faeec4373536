#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# dunst's context menu ("dmenu" in tests/dunst/dunstrc) for deskbreak's
# tests. dunst writes one line per action on stdin, such as
#   #Snooze 2m (Time to stretch: Doorway stretch) [3,snooze]
# and invokes the action of the line printed back. dunst runs this with its
# own environment, so the test chooses through files in
# $DESKBREAK_DUNST_PICKER_DIR:
#   choice    the action key to pick ("done", "snooze"…); missing or empty:
#             pick nothing, as a user closing the menu would
#   menus     every menu offered is appended here, then a line "--"
set -eu

dir=${DESKBREAK_DUNST_PICKER_DIR:?DESKBREAK_DUNST_PICKER_DIR is not set}
# dunst leaves the last line without a newline.
menu=$(cat; echo x)
menu=${menu%x}
printf '%s\n--\n' "${menu%
}" >>"$dir/menus"

choice=$(cat "$dir/choice" 2>/dev/null || true)
[ -n "$choice" ] || exit 0
printf '%s\n' "$menu" | grep -F -- ",$choice]" | head -n 1
